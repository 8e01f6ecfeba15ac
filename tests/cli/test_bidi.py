"""Bidirectional and zero-width characters from a plan or the journal are shown as escapes
wherever a command, a name or an id is shown: a verify ``echo ok #<RLO> ; rm -rf ~`` must not
read as another command on a terminal, the recovery screen, the runbook, a diagram or SARIF."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from planner.tracking.session import Session
from planner.tui.app import TrackApp
from planner.tui.table import TaskTable
from planner.tui.widgets import DetailPane, JournalPane, TrackHeader
from tests.conftest import DATA, Result
from tests.helpers.pilot import Clock, recovery, settle, started

PLAN = DATA / "hostile" / "bidi.yaml"
HIDDEN = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
"""What must never be shown raw."""
OBSERVED = "exit 0 \u202e)delaf(\u202c"


def _raw(text: str) -> list[str]:
    return [f"U+{ord(c):04X}" for c in HIDDEN.findall(text)]


@pytest.fixture
def incident(tmp_path: Path, run_cli) -> tuple[Path, str]:  # type: ignore[no-untyped-def]
    store = tmp_path / "s.db"
    at = "2026-11-28T02:10:00Z"
    opened = run_cli("incident", "start", PLAN, "--scenario", "s1", "--store", store, "--at", at)
    assert opened.code == 0, opened.err
    incident = opened.out.split()[-1]
    for args in (
        ["begin", incident, "db"],
        ["note", incident, "rollback \u2067done\u2069 \u200b"],
        ["check", incident, "api", "db", "--fail", "--observed", OBSERVED],
    ):
        done: Result = run_cli(
            "incident", *args, "--store", store, "--as", "ic", "--at", "2026-11-28T02:20:00Z"
        )
        assert done.code == 0, (args, done.err)
    return store, incident


def test_every_text_command_and_document_writes_them_out(run_cli, incident) -> None:  # type: ignore[no-untyped-def]
    store, incident_id = incident
    at = "2026-11-28T02:30:00Z"
    commands = [
        ["validate", PLAN],
        ["impact", PLAN, "db"],
        ["order", PLAN, "--scenario", "s1"],
        ["schedule", PLAN, "--scenario", "s1"],
        ["audit", PLAN, "--as-of", "2026-11-28"],
        ["audit", PLAN, "--as-of", "2026-11-28", "--format", "sarif"],
        ["export", PLAN, "--format", "markdown", "--scenario", "s1"],
        ["export", PLAN, "--format", "dot"],
        ["export", PLAN, "--format", "mermaid"],
        ["incident", "status", incident_id, "--store", store, "--at", at],
        ["incident", "status", incident_id, "--store", store, "--at", at, "--format", "markdown"],
        ["report", incident_id, "--store", store],
    ]
    for args in commands:
        result: Result = run_cli(*args)
        assert result.code in (0, 1), (args, result.err)
        assert not _raw(result.out), (args, _raw(result.out))
        assert not _raw(result.err), (args, _raw(result.err))
    runbook = run_cli("export", PLAN, "--format", "markdown", "--scenario", "s1").out
    assert "`echo ok #\\u202e ; rm -rf ~`" in runbook
    status = run_cli("incident", "status", incident_id, "--store", store, "--at", at).out
    assert "exit 0 \\u202e)delaf(\\u202c" in status  # the check's evidence


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
def test_an_svg_shows_them_as_escapes(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("export", PLAN, "--format", "svg", "--scenario", "s1")
    assert result.code == 0, result.err
    assert not _raw(result.out), _raw(result.out)
    assert "Database \\u2066x\\u2069" in result.out


@pytest.mark.asyncio
async def test_the_recovery_screen_shows_them_as_escapes(incident) -> None:  # type: ignore[no-untyped-def]
    store, incident_id = incident
    clock = Clock(datetime(2026, 11, 28, 2, 30, tzinfo=UTC) + timedelta(minutes=1))
    app = TrackApp(Session(store, incident_id, "alice", clock=clock), clock=clock, poll=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await settle(app, pilot)
        screen = recovery(app)
        table = screen.query_one(TaskTable)
        for service in ("db", "api"):
            assert table.select(service)
            await pilot.pause()
            shown = [str(screen.query_one(w).render()) for w in (TrackHeader, DetailPane, JournalPane)]
            shown += [table.render_line(y).text for y in range(3)]
            for text in shown:
                assert not _raw(text), (service, _raw(text))
        assert table.select("db")
        await pilot.pause()
        assert "echo ok #\\u202e ; rm -rf ~" in str(screen.query_one(DetailPane).render())


def test_sarif_messages_of_failed_checks_show_them_as_escapes(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = tmp_path / "plan.yaml"  # `false` with an argument: fails, harmlessly
    plan.write_text(
        'version: 1\nname: x\nservices:\n  - id: db\n    verify: "false #\\u202e"\n', encoding="utf-8"
    )
    result = run_cli("audit", plan, "--run-checks", "--format", "sarif", "--fail-on", "never")
    assert result.code == 0, result.err
    messages = [r["message"]["text"] for r in json.loads(result.out)["runs"][0]["results"]]
    failed = [m for m in messages if "fails now" in m]
    assert failed, messages
    assert "`false #\\u202e`" in failed[0]
    assert not _raw(result.out), _raw(result.out)
