"""``planner import compose`` on the real Compose files in tests/data/compose (copied unchanged
from shared/realdata; sources in tests/data/compose/SOURCES.md and each folder's SOURCES.md).

Expected counts are the hand-checked statistics of SOURCES.md (services / depends_on edges)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from planner.importers.compose import exec_command
from planner.importers.compose_project import load_project, normalize_depends_on
from planner.importers.interpolate import interpolate
from tests.conftest import DATA

COMPOSE = DATA / "compose"
SETS = {
    "otel-demo": (
        ["otel-demo/compose.yaml", "otel-demo/compose.full.yaml", "otel-demo/compose.observability.yaml"],
        28,
        58,
    ),
    "supabase": (["supabase/docker-compose.yml"], 13, 18),
    "airflow": (["airflow/docker-compose.yaml"], 10, 23),
    "appwrite": (["appwrite/docker-compose.yml"], 34, 57),
    "temporal": (["temporal/docker-compose-multirole.yaml"], 15, 14),
    "netbox-docker": (["netbox-docker/docker-compose.yml"], 6, 5),
}


def _import(run_cli, tmp_path: Path, files: list[str], *extra: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    out = tmp_path / "plan.yaml"  # the tests read it there; --force: some import twice
    result = run_cli("import", "compose", *[COMPOSE / f for f in files], "-o", out, "--force", *extra)
    assert result.code == 0, result.err
    return yaml.safe_load(out.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _raw_edges(files: list[str]) -> dict[tuple[str, str], str]:
    """Every depends_on edge of the merged files, read independently with plain PyYAML."""
    edges: dict[tuple[str, str], str] = {}
    for f in files:
        data = yaml.safe_load((COMPOSE / f).read_text(encoding="utf-8"))
        for name, config in (data.get("services") or {}).items():
            for dep, spec in normalize_depends_on((config or {}).get("depends_on")).items():
                edges[(name, interpolate(dep, {}))] = spec["condition"]
    return edges


@pytest.mark.parametrize("name", sorted(SETS))
def test_every_edge_with_its_check_state(name: str, run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files, services, edge_count = SETS[name]
    plan = _import(run_cli, tmp_path, files, "--all-profiles")
    assert len(plan["services"]) == services
    got = {(s["id"], d["service"]): d for s in plan["services"] for d in s.get("depends_on", [])}
    assert len(got) == edge_count
    raw = _raw_edges(files)
    assert set(got) == set(raw)
    configs = load_project([COMPOSE / f for f in files], env={}, all_profiles=True).services
    for (svc, dep), condition in raw.items():
        entry = got[(svc, dep)]
        if condition == "service_healthy" and exec_command(dep, configs[dep].config):
            assert entry["check"] == exec_command(dep, configs[dep].config)
        elif condition == "service_completed_successfully":
            assert entry["check"].startswith("sh -c 'test \"$(docker compose ps --all")
        else:
            assert "check" not in entry


@pytest.mark.parametrize("name", sorted(SETS))
def test_order_respects_every_edge_and_audit_runs(name: str, run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files, _, _ = SETS[name]
    _import(run_cli, tmp_path, files, "--all-profiles")
    result = run_cli("order", tmp_path / "plan.yaml", "--format", "json")
    assert result.code == 0, result.err
    waves = json.loads(result.out)["waves"]
    wave = {s: i for i, w in enumerate(waves) for s in w}
    plan = yaml.safe_load((tmp_path / "plan.yaml").read_text(encoding="utf-8"))
    for s in plan["services"]:
        for d in s.get("depends_on", []):
            if d.get("kind", "hard") == "hard":
                assert wave[d["service"]] < wave[s["id"]]
    audit = json.loads(run_cli("audit", tmp_path / "plan.yaml", "--format", "json").out)
    rules = {f["rule"] for f in audit["findings"]}
    assert "missing-owner" in rules
    if any("check" not in d for s in plan["services"] for d in s.get("depends_on", [])):
        assert "unchecked-dependency" in rules


def test_otel_later_files_add_edges_to_services_of_the_first(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    alone = _import(run_cli, tmp_path, ["otel-demo/compose.yaml"])
    merged = _import(run_cli, tmp_path, SETS["otel-demo"][0])
    edges = lambda plan: {(s["id"], d["service"]) for s in plan["services"] for d in s.get("depends_on", [])}  # noqa: E731
    assert edges(alone) < edges(merged)


def test_airflow_anchors_profiles_and_one_shot_init(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = _import(run_cli, tmp_path, ["airflow/docker-compose.yaml"])
    ids = {s["id"] for s in plan["services"]}
    assert {"airflow-cli", "flower"}.isdisjoint(ids)  # behind profiles
    scheduler = next(s for s in plan["services"] if s["id"] == "airflow-scheduler")
    deps = {
        d["service"]: d for d in scheduler["depends_on"]
    }  # from the <<: *airflow-common-depends-on merge key
    assert deps["airflow-init"]["check"] == (
        'sh -c \'test "$(docker compose ps --all --format "{{.ExitCode}}" airflow-init)" = 0\''
    )
    assert deps["postgres"]["check"] == "docker compose exec -T postgres pg_isready -U airflow"
    with_flower = _import(run_cli, tmp_path, ["airflow/docker-compose.yaml"], "--profile", "flower")
    assert "flower" in {s["id"] for s in with_flower["services"]}


def test_appwrite_substitutes_variables_in_depends_on(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = _import(run_cli, tmp_path, ["appwrite/docker-compose.yml"])
    appwrite = next(s for s in plan["services"] if s["id"] == "appwrite")
    assert "postgresql" in {d["service"] for d in appwrite["depends_on"]}


def test_free_gate_comment_and_one_shot_description(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    compose = tmp_path / "compose.yaml"
    compose.write_text(
        "services:\n"
        "  db:\n    image: postgres\n    healthcheck:\n      test: [CMD-SHELL, pg_isready]\n"
        "    labels:\n      com.recovery-planner.owner: dba\n"
        '  migrate:\n    image: app\n    restart: "no"\n    depends_on: [db]\n'
        "  api:\n    image: app\n    depends_on:\n"
        "      migrate:\n        condition: service_completed_successfully\n"
        "      cache:\n        condition: service_started\n        required: false\n"
        "  cache:\n    image: redis\n",
        encoding="utf-8",
    )
    out = tmp_path / "plan.yaml"
    result = run_cli("import", "compose", compose, "-o", out)
    assert result.code == 0, result.err
    text = out.read_text(encoding="utf-8")
    assert "db has a healthcheck nobody gates on, free to add as `check:`" in text
    assert "one-shot job (restart: no)" in text
    assert "# rto: TODO" in text
    plan = yaml.safe_load(text)
    assert [s["id"] for s in plan["services"]][:2] == ["cache", "db"]  # sorted by dependency depth
    db = next(s for s in plan["services"] if s["id"] == "db")
    assert (db["owner"], db["verify"]) == ("dba", "docker compose exec -T db sh -c pg_isready")
    assert plan["teams"] == [{"id": "dba"}]
    api = next(s for s in plan["services"] if s["id"] == "api")
    assert {"service": "cache", "kind": "soft"} in api["depends_on"]


def test_unresolved_reference_names_file_and_line(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    compose = tmp_path / "compose.yaml"
    compose.write_text(
        "services:\n  api:\n    image: app\n    depends_on:\n      - postgress\n  postgres:\n    image: pg\n",
        encoding="utf-8",
    )
    result = run_cli("import", "compose", compose)
    assert result.code == 2
    assert f"{compose}:5" in result.err
    assert "did you mean 'postgres'?" in result.err
    kept = run_cli("import", "compose", compose, "--keep-going")
    assert kept.code == 0
    assert "dropped (--keep-going)" in kept.err


def test_extends_and_env_file(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".env").write_text("DB_HOST=database\n", encoding="utf-8")
    compose = tmp_path / "compose.yaml"
    compose.write_text(
        "services:\n"
        "  base:\n    image: app\n    healthcheck:\n      test: curl -f http://localhost/health\n"
        '  api:\n    extends: base\n    depends_on: ["${DB_HOST}"]\n'
        "  database:\n    image: pg\n",
        encoding="utf-8",
    )
    out = tmp_path / "plan.yaml"
    assert run_cli("import", "compose", compose, "-o", out).code == 0
    plan = yaml.safe_load(out.read_text(encoding="utf-8"))
    api = next(s for s in plan["services"] if s["id"] == "api")
    assert api["verify"] == "docker compose exec -T api sh -c 'curl -f http://localhost/health'"
    assert api["depends_on"] == [{"service": "database"}]


def test_bad_compose_input(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "compose.yaml"
    broken.write_text("services:\n  api: [\n", encoding="utf-8")
    result = run_cli("import", "compose", broken)
    assert result.code == 2
    assert f"{broken}:" in result.err
    assert "Traceback" not in result.err
    assert run_cli("import", "compose", tmp_path / "missing.yaml").code == 2


def test_unset_variables_are_reported_once_per_file(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    compose = tmp_path / "compose.yaml"
    compose.write_text(
        'services:\n  api:\n    image: ${REGISTRY}/api:${TAG:-latest}\n    depends_on: ["${DB}"]\n'
        "  db:\n    image: pg\n",
        encoding="utf-8",
    )
    result = run_cli("import", "compose", compose, "--keep-going")
    assert "2 variables not set (DB, REGISTRY)" in result.err
    assert "TAG" not in result.err  # it has a default
