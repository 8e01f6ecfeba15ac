"""``planner import backstage`` proposes a component per System (internal, to review)."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.importers.test_backstage import EXAMPLE_FILES, JANUS, _entities

SYSTEM = """\
apiVersion: backstage.io/v1alpha1
kind: System
metadata: {{name: {name}, title: {title}}}
spec: {{owner: team-a}}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {{name: web}}
spec: {{type: website, owner: team-a{system}}}
"""


def test_each_system_becomes_an_internal_component_needing_its_parts(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "plan.yaml"
    result = run_cli("import", "backstage", *EXAMPLE_FILES, "-o", out)
    assert result.code == 0, result.err
    assert "3 components proposed (review them)" in result.err
    assert run_cli("validate", out).code == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("# proposed: review it. Move what it works without from 'needs' to 'uses';") == 3
    components = {c["id"]: c for c in yaml.safe_load(text)["components"]}
    expected: dict[str, set[str]] = {}
    for entity in _entities(EXAMPLE_FILES):
        system = entity.get("spec", {}).get("system")
        if system and entity["kind"] != "System":
            expected.setdefault(system, set()).add(entity["metadata"]["name"])
    assert {k: set(c["needs"]) for k, c in components.items()} == expected
    assert {c["audience"] for c in components.values()} == {"internal"}
    assert components["podcast"]["description"] == "Podcast playback"


def test_a_system_without_parts_is_said_and_skipped(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(SYSTEM.format(name="shop", title="Web shop", system=""), encoding="utf-8")
    out = tmp_path / "plan.yaml"
    result = run_cli("import", "backstage", catalog, "-o", out)
    assert result.code == 0, result.err
    assert "system:default/shop: no imported entity names this System in spec.system" in result.err
    assert "components" not in yaml.safe_load(out.read_text(encoding="utf-8"))
    catalog.write_text(
        SYSTEM.format(name="shop", title="Web shop", system=", system: shop"), encoding="utf-8"
    )
    result = run_cli("import", "backstage", catalog, "-o", out, "--force")
    assert result.code == 0, result.err
    (component,) = yaml.safe_load(out.read_text(encoding="utf-8"))["components"]
    assert component == {"id": "shop", "name": "Web shop", "audience": "internal", "needs": ["web"]}


def test_merge_says_the_components_are_not_merged(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = tmp_path / "plan.yaml"
    assert run_cli("import", "backstage", JANUS / "all.yaml", "-o", plan).code == 0
    result = run_cli("import", "backstage", JANUS / "all.yaml", "--merge", plan)
    assert result.code == 0, result.err
    assert "1 component not merged (--merge adds services and teams only)" in result.err
    assert run_cli("validate", plan).code == 0
