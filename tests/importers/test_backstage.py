"""``planner import backstage`` on the two real catalogs in tests/data/backstage (copied
unchanged from shared/realdata; sources in each folder's SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

import yaml

from planner.importers.backstage import parse_ref
from tests.conftest import DATA

EXAMPLES = DATA / "backstage" / "backstage-examples" / "packages" / "catalog-model" / "examples"
JANUS = DATA / "backstage" / "backstage-janus-showcase" / "catalog-entities"
EXAMPLE_FILES = [
    EXAMPLES / "all-components.yaml",
    EXAMPLES / "all-resources.yaml",
    EXAMPLES / "all-systems.yaml",
    EXAMPLES / "apis" / "wayback-archive-api.yaml",
    EXAMPLES / "apis" / "wayback-search-api.yaml",
    EXAMPLES / "acme" / "org.yaml",
]


def _entities(files: list[Path]) -> list[dict]:  # type: ignore[type-arg]
    """Every entity, read independently (following Locations) to check the import against."""
    out, queue, seen = [], list(files), set()
    while queue:
        path = queue.pop(0).resolve()
        if path in seen:
            continue
        seen.add(path)
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if not isinstance(doc, dict):
                continue
            if doc.get("kind") == "Location":
                queue += [path.parent / t for t in doc["spec"].get("targets", [])]
            else:
                out.append(doc)
    return out


def _import(run_cli, tmp_path: Path, files: list[Path]) -> tuple[dict, str]:  # type: ignore[no-untyped-def,type-arg]
    out = tmp_path / "plan.yaml"
    result = run_cli("import", "backstage", *files, "-o", out)
    assert result.code == 0, result.err
    assert run_cli("validate", out).code == 0
    return yaml.safe_load(out.read_text(encoding="utf-8")), result.err


def test_janus_every_depends_on_and_owner(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan, err = _import(run_cli, tmp_path, [JANUS / "all.yaml"])
    services = {s["id"]: s for s in plan["services"]}
    teams = {t["id"] for t in plan.get("teams", [])}
    for entity in _entities([JANUS / "all.yaml"]):
        kind = entity["kind"].lower()
        if kind not in ("component", "resource", "system", "api"):
            continue
        name = entity["metadata"]["name"]
        candidates = [s for s in services if s == name or s.startswith(f"{name}.")]
        assert candidates, name
        service = (
            services[candidates[0]] if name in services and kind == "component" else services[candidates[-1]]
        )
        owner = entity["spec"].get("owner")
        if (
            owner
            and parse_ref(owner, "group", "default").startswith("group:")
            and owner.split("/")[-1] in teams
        ):
            assert service["owner"] == owner.split(":")[-1].split("/")[-1]
        deps = {d if isinstance(d, str) else d["service"] for d in service.get("depends_on", [])}
        for ref in entity["spec"].get("dependsOn", []):
            assert ref.split(":")[-1].split("/")[-1] in {d.split(".")[0] for d in deps}, (name, ref)
    assert "warning" not in err


def test_examples_owners_and_apis(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan, err = _import(run_cli, tmp_path, EXAMPLE_FILES)
    services = {s["id"]: s for s in plan["services"]}
    # the unresolvable owners are reported, and the services kept without an owner
    assert (
        "spec.owner 'user:guest' refers to user:default/guest, which is a User, where a Group is expected"
        in err
    )
    assert "spec.owner 'guest' refers to group:default/guest, which is not in the catalog" in err
    for name in ("searcher", "shuffle-api", "playback-order"):
        assert "owner" not in services[name]
    for entity in _entities(EXAMPLE_FILES):
        if entity["kind"] == "Component":
            owner = entity["spec"]["owner"]
            if "guest" not in owner:
                assert services[entity["metadata"]["name"]]["owner"] == owner
    # consumesApis: wayback-search uses the wayback-archive API, provided by the wayback-archive component
    assert "wayback-archive" in services["wayback-search"]["depends_on"]
    assert services["wayback-archive.api"]["depends_on"] == ["wayback-archive"]
    teams = {t["id"]: t for t in plan["teams"]}
    assert "breanna.davison" in teams["team-a"]["members"]
    people = {p["id"]: p for p in plan["people"]}
    assert people["janelle.dawe"] == {
        "id": "janelle.dawe",
        "name": "Janelle Dawe",
        "contact": "janelle-dawe@example.com",
    }
    assert "kind:component" in services["artist-lookup"]["tags"]
    assert "lifecycle:experimental" in services["artist-lookup"]["tags"]


def test_audit_on_imported_catalog_reports_missing_owners(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _import(run_cli, tmp_path, EXAMPLE_FILES)
    result = run_cli("audit", tmp_path / "plan.yaml", "--format", "json")
    assert result.code == 1
    import json

    rules = {(f["rule"], f.get("service")) for f in json.loads(result.out)["findings"]}
    assert ("missing-owner", "searcher") in rules


def test_entity_refs() -> None:
    assert parse_ref("Component:Default/X", "group", "default") == "component:default/x"
    assert parse_ref("team-a", "group", "ns") == "group:ns/team-a"


# Components proposed from Systems (internal, to review)

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
