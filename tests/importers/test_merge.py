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


_COMPOSE = (
    "services:\n  db:\n    image: postgres\n    depends_on: [cache, web]\n"
    "  cache:\n    image: redis\n  web:\n    image: nginx\n"
)
_PLAN = (
    "version: 1\nname: demo\nservices:\n  - id: db  # the database\n    owner: t\n"
    "  - id: cache\n    owner: t  # keep me\n# about the teams below\n"
    "teams:\n  - id: t  # team\n# end of plan\n"
)


def _merge(tmp_path: Path, plan_text: str, run_cli) -> bytes:  # type: ignore[no-untyped-def]
    compose, plan = tmp_path / "compose.yaml", tmp_path / "plan.yaml"
    compose.write_text(_COMPOSE, encoding="utf-8")
    plan.write_bytes(plan_text.encode("utf-8"))
    result = run_cli("import", "compose", compose, "--merge", plan)
    assert result.code == 0, result.err
    return plan.read_bytes()


def test_a_crlf_plan_stays_crlf(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    merged = _merge(tmp_path, _PLAN.replace("\n", "\r\n"), run_cli)
    assert merged.count(b"\r\n") == merged.count(b"\n")  # every line, the new ones too
    assert b"  - id: web" in merged


def test_comments_stay_where_they_were(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A comment after the last service is about what follows: the new service goes above it."""
    lines = _merge(tmp_path, _PLAN, run_cli).decode().splitlines()
    comments = [line.strip() for line in lines if line.lstrip().startswith("#") and "TODO" not in line]
    assert comments == ["# about the teams below", "# end of plan"]
    web = next(i for i, line in enumerate(lines) if line.startswith("  - id: web  # from "))
    assert web < lines.index("# about the teams below")
    assert lines.index("# about the teams below") + 1 == lines.index("teams:")
    assert lines[-1] == "# end of plan"
    assert "    owner: t  # keep me" in lines
    assert "  - id: db  # the database" in lines
