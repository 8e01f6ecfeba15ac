"""``planner import compose`` reads a project as ``docker compose`` does: every edge Compose
starts services by (``depends_on``, ``links``, ``network_mode: service:X``, ``volumes_from``) is in
the plan and the restore order keeps it, with and without ``COMPOSE_PROFILES``; ``include``,
``!reset`` and ``!override``; the project's name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from planner.importers.compose_project import implied_dependencies, load_project, normalize_depends_on
from planner.importers.compose_tags import ComposeLoader, plain
from planner.importers.interpolate import interpolate_all, read_env_file
from tests.conftest import DATA

COMPOSE = DATA / "compose"
PROJECTS = {
    "otel-demo": [
        "otel-demo/compose.yaml",
        "otel-demo/compose.full.yaml",
        "otel-demo/compose.observability.yaml",
    ],
    "supabase": ["supabase/docker-compose.yml"],
    "airflow": ["airflow/docker-compose.yaml"],
    "appwrite": ["appwrite/docker-compose.yml"],
    "temporal": ["temporal/docker-compose-multirole.yaml"],
    "temporal-single": ["temporal/docker-compose.yml"],
    "netbox-docker": ["netbox-docker/docker-compose.yml"],
    "deathstarbench-social": ["deathstarbench/socialNetwork/docker-compose.yml"],
    "deathstarbench-hotel": ["deathstarbench/hotelReservation/docker-compose.yml"],
    "implied": ["implied/compose.yaml"],
}


def _independent(
    files: list[str], profiles: set[str] | None
) -> tuple[set[str], set[tuple[str, str]], set[tuple[str, str]], bool]:
    """Services, edges and the required ones among them, read straight from the files with
    PyYAML (``profiles`` None: every profile), and whether an active service needs one left out
    (docker compose refuses that)."""
    merged: dict[str, dict[str, Any]] = {}
    for name in files:
        path = COMPOSE / name
        data = plain(yaml.load(path.read_text(encoding="utf-8"), Loader=ComposeLoader)) or {}
        for inc in data.get("include") or []:
            extra = plain(yaml.load((path.parent / inc).read_text(encoding="utf-8"), Loader=ComposeLoader))
            for svc, config in (extra.get("services") or {}).items():
                merged.setdefault(svc, {}).update(config or {})
        env = read_env_file(path.parent / ".env") if (path.parent / ".env").exists() else {}
        data = interpolate_all(data, env)
        for svc, config in (data.get("services") or {}).items():
            target = merged.setdefault(svc, {})
            for key, value in (config or {}).items():
                if key == "depends_on":
                    deps = normalize_depends_on(target.get("depends_on"))
                    deps.update(normalize_depends_on(value))
                    target["depends_on"] = deps
                else:
                    target[key] = value
    active = {
        s
        for s, c in merged.items()
        if profiles is None or not c.get("profiles") or set(c["profiles"]) & profiles
    }
    edges: set[tuple[str, str]] = set()
    hard: set[tuple[str, str]] = set()
    broken = False
    for svc in active:
        config = merged[svc]
        needs = {d: spec["required"] for d, spec in normalize_depends_on(config.get("depends_on")).items()}
        needs.update(dict.fromkeys(implied_dependencies(config), True))
        for dep, required in needs.items():
            if dep in active:
                edges.add((svc, dep))
                if required:
                    hard.add((svc, dep))
            elif required:
                broken = True
    return active, edges, hard, broken


def _profiles_in(files: list[str]) -> set[str]:
    found: set[str] = set()
    for name in files:
        data = plain(yaml.load((COMPOSE / name).read_text(encoding="utf-8"), Loader=ComposeLoader)) or {}
        for config in (data.get("services") or {}).values():
            found.update((config or {}).get("profiles") or [])
    return found


@pytest.mark.parametrize("use_profiles", [False, True], ids=["no-COMPOSE_PROFILES", "COMPOSE_PROFILES"])
@pytest.mark.parametrize("project", sorted(PROJECTS))
def test_every_edge_compose_starts_by_is_kept_in_order(
    project: str, use_profiles: bool, run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = PROJECTS[project]
    every = _profiles_in(files)
    if use_profiles:
        monkeypatch.setenv("COMPOSE_PROFILES", ",".join(sorted(every)))
        wanted: set[str] | None = every
    else:
        monkeypatch.delenv("COMPOSE_PROFILES", raising=False)
        dotenv = (COMPOSE / files[0]).parent / ".env"
        wanted = (
            {p for p in read_env_file(dotenv).get("COMPOSE_PROFILES", "").split(",") if p}
            if dotenv.exists()
            else set()
        )
    services, edges, hard, broken = _independent(files, wanted)
    out = tmp_path / "plan.yaml"
    result = run_cli("import", "compose", *[COMPOSE / f for f in files], "-o", out)
    if broken:
        assert result.code == 2, result.err
        assert "behind an inactive profile" in result.err
        return
    assert result.code == 0, result.err
    plan = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert {s["id"] for s in plan["services"]} == services
    got = {(s["id"], d["service"]) for s in plan["services"] for d in s.get("depends_on", [])}
    assert got == edges
    order = run_cli("order", out, "--format", "json")
    assert order.code == 0, order.err
    wave = {sid: i for i, ids in enumerate(json.loads(order.out)["waves"]) for sid in ids}
    for svc, dep in hard:  # a required: false one is soft: the service can start degraded
        assert wave[dep] < wave[svc], (svc, dep)


def test_include_tags_profiles_and_name(
    run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COMPOSE_PROFILES", raising=False)
    implied = COMPOSE / "implied"
    out = tmp_path / "plan.yaml"
    result = run_cli("import", "compose", implied / "compose.yaml", implied / "override.yaml", "-o", out)
    assert result.code == 0, result.err
    plan = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert plan["name"] == "implied-shop", "named after the project, not the folder"
    by_id = {s["id"]: s for s in plan["services"]}
    assert "metrics" in by_id, ".env's COMPOSE_PROFILES=observability is active"
    assert "debug" not in by_id
    assert "left out, as docker compose does" in result.err, "an optional dependency behind a profile"
    web = {d["service"] for d in by_id["web"]["depends_on"]}
    assert web == {"cache", "data", "db", "vpn"}, "links !override keeps cache; include brings db"
    text = out.read_text(encoding="utf-8")
    assert "implied by network_mode" in text
    assert "implied by volumes_from" in text
    project = load_project([implied / "compose.yaml", implied / "override.yaml"], env={})
    assert "ports" not in project.services["cache"].config, "!reset drops the key"
    assert project.services["web"].config["links"] == ["cache"]
    named = run_cli("import", "compose", implied / "compose.yaml", "-p", "other", "-o", tmp_path / "p.yaml")
    assert named.code == 0, named.err
    assert yaml.safe_load((tmp_path / "p.yaml").read_text())["name"] == "other"


def test_compose_profiles_from_the_environment_win_over_dotenv(tmp_path: Path) -> None:
    implied = COMPOSE / "implied"
    chosen = load_project([implied / "compose.yaml"], env={"COMPOSE_PROFILES": "debug"})
    assert "debug" in chosen.services
    assert "metrics" not in chosen.services
    assert chosen.profiles == ("debug",)
    flags = load_project(
        [implied / "compose.yaml"], env={"COMPOSE_PROFILES": "debug"}, profiles=["observability"]
    )
    assert "metrics" in flags.services, "--profile wins over COMPOSE_PROFILES"


def test_messages_about_a_compose_file_name_it_not_a_plan(run_cli: Any, tmp_path: Path) -> None:
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    image: x\n    depends_on: [db]\n")
    result = run_cli("import", "compose", compose)
    assert result.code == 2
    assert f"1 problem in {compose}" in result.err
    assert "plan" not in result.err.split("\n")[0]
