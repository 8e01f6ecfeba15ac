"""``planner validate`` and ``planner schema`` on good input, JSON and stdin."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import jsonschema
import pytest
import yaml

from tests.conftest import EXAMPLES, ROOT


@pytest.mark.parametrize("name", ["small.yaml", "enterprise.yaml"])
def test_examples_are_valid(name: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("validate", EXAMPLES / name)
    assert result.code == 0, result.err
    assert "valid plan" in result.out


def test_enterprise_example_has_what_the_issue_asks() -> None:
    from planner.planfile.loader import load_valid_plan

    plan = load_valid_plan(EXAMPLES / "enterprise.yaml")
    assert len(plan.services) >= 25
    tags = " ".join(s.id for s in plan.services)
    for word in ("network", "dns", "storage", "db", "sso", "api", "payments", "service-desk", "metrics"):
        assert word in tags
    assert "status-page" in tags
    assert len(plan.teams) >= 5
    assert all(t.escalation for t in plan.teams)
    scenario_ids = {s.id for s in plan.scenarios}
    assert {"storage-outage", "dns-eu-outage"} <= scenario_ids
    open_expired = [w for w in plan.workarounds if w.removed is None and w.expires is not None]
    assert open_expired


def test_small_example_size() -> None:
    from planner.planfile.loader import load_valid_plan

    plan = load_valid_plan(EXAMPLES / "small.yaml")
    assert 5 <= len(plan.services) <= 8


def test_json_plan_and_json_output(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load((EXAMPLES / "small.yaml").read_text(encoding="utf-8"))
    path = tmp_path / "small.json"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    result = run_cli("validate", path, "--format", "json")
    assert result.code == 0, result.err
    summary = json.loads(result.out)
    assert summary["valid"] is True
    assert summary["counts"]["services"] == 7


def test_invalid_plan_json_output(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.yaml"
    path.write_text("version: 1\nname: x\nservices:\n  - id: a\n    owner: nobody\n", encoding="utf-8")
    result = run_cli("validate", path, "--format", "json")
    assert result.code == 2
    out = json.loads(result.out)
    assert out["valid"] is False
    assert out["problems"][0]["line"] == 5
    assert out["problems"][0]["rule"] == "unknown-reference"


def test_stdin(monkeypatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    text = (EXAMPLES / "small.yaml").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text)))
    result = run_cli("validate", "-")
    assert result.code == 0, result.err
    assert "<stdin>" in result.out


def test_schema_is_a_valid_json_schema_that_accepts_the_examples(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("schema")
    assert result.code == 0
    schema = json.loads(result.out)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for name in ("small.yaml", "enterprise.yaml"):
        data = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
        data = json.loads(json.dumps(data, default=str))
        errors = list(validator.iter_errors(data))
        assert not errors, errors[:3]
    bad = {"version": 1, "name": "x", "services": [{"id": "a", "depnds_on": []}]}
    assert list(validator.iter_errors(bad))


def test_schema_documents_every_field(run_cli) -> None:  # type: ignore[no-untyped-def]
    schema = json.loads(run_cli("schema").out)
    for name, definition in schema["$defs"].items():
        for field, spec in definition.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field} has no description"


def test_committed_schema_is_current(run_cli) -> None:  # type: ignore[no-untyped-def]
    committed = json.loads((ROOT / "docs" / "plan.schema.json").read_text(encoding="utf-8"))
    assert committed == json.loads(run_cli("schema").out), "run: planner schema > docs/plan.schema.json"


def test_python_dash_m_works() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "planner", "validate", str(EXAMPLES / "small.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


def test_json_output_is_indented_and_keeps_non_ascii_text(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """JSON is written as ``json.dumps(indent=2)`` would, with accented names readable."""
    path = tmp_path / "plan.yaml"
    path.write_text(
        'version: 1\nname: "Zürich production"\nservices:\n  - id: db\n    name: "Base de données"\n',
        encoding="utf-8",
    )
    result = run_cli("audit", path, "--format", "json", "--fail-on", "never")
    assert result.code == 0
    report = json.loads(result.out)
    assert report["plan"] == "Zürich production"
    assert result.out == json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def test_quoted_dates_and_times_stay_text_where_the_plan_wants_dates_they_are_dates() -> None:
    """A quoted scalar is text: yaml_rs's parse_datetime read '0001-01-01' (as an import writes
    a Backstage title) as a date, and the plan was refused. Unquoted dates still fill date
    fields."""
    from datetime import UTC, date, datetime

    from planner.planfile.loader import load_source
    from planner.planfile.source import Source

    text = (
        "version: 1\nname: '2026-01-01'\nservices:\n"
        "  - {id: a, name: '0001-01-01', description: \"12:30:45\", alerts_reviewed: 2026-11-28,\n"
        "     depends_on: [b]}\n"
        "  - id: b\n"
        "workarounds:\n"
        "  - {id: w, service: a, bypasses: b, description: '2020-01-01 10:00', applied: 2026-11-28 10:00,\n"
        "     expires: 2026-12-01T10:00:00+02:00}\n"
    )
    loaded = load_source(Source("plan.yaml", text, "yaml"))
    assert loaded.problems == []
    plan = loaded.plan
    assert plan.name == "2026-01-01"
    service = plan.services[0]
    assert (service.name, service.description, service.alerts_reviewed) == (
        "0001-01-01",
        "12:30:45",
        date(2026, 11, 28),
    )
    (workaround,) = plan.workarounds
    assert workaround.description == "2020-01-01 10:00"
    assert workaround.applied == datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    assert workaround.expires == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "\n", "  \n\t\n", "\ufeff \n", "\u2003\u3000\n"])
def test_a_file_of_white_space_only_is_empty(text: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from planner.errors import PlanError
    from planner.planfile.source import read_source

    path = tmp_path / "blank.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError, match="the file is empty"):
        read_source(path)
    path.write_text(text + "#", encoding="utf-8")
    assert read_source(path).text.endswith("#")
