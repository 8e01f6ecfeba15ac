"""``planner import ... --merge``: what a person filled in survives a re-import."""

from __future__ import annotations

from pathlib import Path

import yaml

FIRST = """\
services:
  db:
    image: postgres
    healthcheck:
      test: [CMD-SHELL, pg_isready]
  api:
    image: app
    depends_on:
      db:
        condition: service_healthy
  worker:
    image: app
    depends_on: [db]
"""
SECOND = """\
services:
  db:
    image: postgres
    healthcheck:
      test: [CMD-SHELL, pg_isready]
  cache:
    image: redis
  api:
    image: app
    depends_on:
      cache:
        condition: service_started
"""


def test_merge_keeps_owners_rtos_checks_and_comments(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    compose = tmp_path / "compose.yaml"
    plan = tmp_path / "plan.yaml"
    compose.write_text(FIRST, encoding="utf-8")
    assert run_cli("import", "compose", compose, "-o", plan).code == 0
    text = plan.read_text(encoding="utf-8")
    text = text.replace("version: 1", "version: 1\nteams:\n  - id: web")
    text = text.replace(
        "  - id: db  # from",
        "  - id: db  # the orders database\n"
        "    owner: web  # agreed in the 2026-11 review\n    rto: 1h\n    #",
    )
    plan.write_text(text, encoding="utf-8")
    assert run_cli("validate", plan).code == 0

    compose.write_text(SECOND, encoding="utf-8")
    result = run_cli("import", "compose", compose, "--merge", plan)
    assert result.code == 0, result.err
    assert "services added: cache" in result.err
    assert "services no longer in the source (kept, marked): worker" in result.err
    assert "dependencies added: api -> cache" in result.err
    assert "dependencies removed: api -> db" in result.err
    merged_text = plan.read_text(encoding="utf-8")
    assert "# agreed in the 2026-11 review" in merged_text
    assert "# the orders database" in merged_text
    assert "not in the imported source any more" in merged_text
    merged = yaml.safe_load(merged_text)
    services = {s["id"]: s for s in merged["services"]}
    assert (services["db"]["owner"], services["db"]["rto"]) == ("web", "1h")
    assert set(services) == {"db", "api", "worker", "cache"}  # nothing a person recorded is lost
    assert services["api"]["depends_on"] == [{"service": "cache"}]
    assert run_cli("validate", plan).code == 0


def test_merge_into_missing_plan_is_an_error(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    compose = tmp_path / "compose.yaml"
    compose.write_text(FIRST, encoding="utf-8")
    result = run_cli("import", "compose", compose, "--merge", tmp_path / "nope.yaml")
    assert result.code == 2
    assert "no such file" in result.err


def test_an_import_into_a_json_plan_writes_json(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    first.write_text("services:\n  db: {image: postgres}\n  api: {image: api, depends_on: [db]}\n")
    second.write_text(first.read_text() + "  web: {image: web, depends_on: [api]}\n")
    plan = tmp_path / "plan.json"
    assert run_cli("import", "compose", first, "-o", plan).code == 0
    assert [s["id"] for s in json.loads(plan.read_text())["services"]] == ["db", "api"]
    merged = run_cli("import", "compose", second, "--merge", plan)
    assert merged.code == 0, merged.err
    services = json.loads(plan.read_text())["services"]  # JSON, not YAML in a .json file
    assert [s["id"] for s in services] == ["db", "api", "web"]
    assert run_cli("validate", plan).code == 0


def test_a_merge_into_a_file_with_problems_lists_them_and_changes_nothing(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  db: {image: postgres}\n")
    broken = tmp_path / "plan.yaml"
    broken.write_text("services:\n  a: {image: x}\n")  # a Compose file, not a plan
    result = run_cli("import", "compose", compose, "--merge", broken)
    assert result.code == 2
    assert "missing required key 'version'" in result.err
    assert broken.read_text() == "services:\n  a: {image: x}\n"
