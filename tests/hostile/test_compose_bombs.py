"""Compose files that multiply themselves without an alias: variable substitution. A 400 KB file
whose ``${X}`` stands for 100 KB would be 10 GB once substituted; it is refused at the read limit,
in a planner process under the hostile-input limits (2 GB, 60 s)."""

from __future__ import annotations

from pathlib import Path

from tests.hostile.limited import run_limited


def test_a_substitution_bomb_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("X=" + "x" * 100_000 + "\n")
    compose = tmp_path / "compose.yaml"
    compose.write_text(
        "services:\n  a:\n    image: busybox\n    command:\n" + "      - ${X}${X}${X}${X}\n" * 25_000
    )
    done = run_limited("import", "compose", compose)
    assert done.code == 2, done.err
    assert f"{compose}: substituting ${{X}} (100,000 characters) takes the file past 128 MB" in done.err
    assert done.out == ""


def test_many_recursive_merge_keys_are_refused_at_the_first(tmp_path: Path) -> None:
    """2,000 services, each merging itself: the walk grew to ~1 GB and ended in exit 70."""
    compose = tmp_path / "compose.yaml"
    lines = ["services:"] + [f"  s{i}: &a{i}\n    image: x\n    <<: *a{i}" for i in range(2_000)]
    compose.write_text("\n".join(lines) + "\n")
    done = run_limited("import", "compose", compose)
    assert done.code == 2, done.err
    assert f"{compose}:4: the alias *a0 stands for a node it is inside (&a0)" in done.err
