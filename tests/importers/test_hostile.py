"""Compose files and Backstage catalogs of the wrong shape: each a clear error naming the file
and line (exit 2), never a crash (exit 70)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Result

COMPOSE = {
    "services-list.yaml": ("services: [a, b]\n", 1, "'services' must be a mapping"),
    "services-number.yaml": ("services: 5\n", 1, "not a number"),
    "service-text.yaml": (
        "services:\n  a: nginx\n",
        2,
        "service 'a' must be a mapping of settings, not text",
    ),
    "extends-number.yaml": ("services:\n  a:\n    image: x\n    extends: 5\n", 2, "'extends' must be"),
    "profiles-number.yaml": (
        "services:\n  a:\n    image: x\n    profiles: 5\n",
        2,
        "'profiles' must be a list",
    ),
    "deep.yaml": ("a: " + "[" * 5000 + "]" * 5000 + "\n", 1, "nested too deeply"),
}


@pytest.mark.parametrize("name", sorted(COMPOSE))
def test_compose_of_the_wrong_shape(name: str, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    text, line, words = COMPOSE[name]
    path = tmp_path / name
    path.write_text(text)
    result: Result = run_cli("import", "compose", path)
    assert result.code == 2, result.err
    assert result.err.startswith("error: 1 problem") or f"{path}:{line}" in result.err, result.err
    assert f"{path}:{line}" in result.err
    assert words in result.err


def test_a_location_whose_targets_are_not_a_list_is_skipped(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "catalog.yaml"
    path.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: x}\nspec: {targets: 5}\n"
    )
    result: Result = run_cli("import", "backstage", path)
    assert result.code == 0, result.err
    assert "Location targets must be a list, skipped" in result.err
    assert "services: []" in result.out


def test_extends_file_at_a_device_is_a_clear_error(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "compose.yaml"
    path.write_text("services:\n  a:\n    extends: {service: b, file: /dev/zero}\n")
    result: Result = run_cli("import", "compose", path)
    assert result.code == 2
    assert "/dev/zero is not a regular file" in result.err


def test_a_location_at_a_directory_is_a_clear_error(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "sub").mkdir()
    path = tmp_path / "catalog.yaml"
    path.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: x}\nspec: {targets: [sub]}\n"
    )
    result: Result = run_cli("import", "backstage", path)
    assert result.code == 2
    assert "is a directory" in result.err
