"""``schedule --format json`` read from the schedule's columns is the document its tasks and
misses give, field by field and in order (the columns are read directly for speed); written a
part at a time, it is the same bytes as the whole document written at once."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given, settings

from models.duration import json_minutes
from models.plan import Plan
from planner.cli import plan_output
from planner.cli.plan_output import schedule_json, schedule_json_bytes
from planner.engine.planning import Planning, plan_recovery
from tests.strategies import dag_plans, examples


def _reference(p: Planning) -> dict[str, Any]:
    """The document as the contract words it: one entry per Task, each time through json_minutes."""
    sched = p.schedule
    tasks = sorted(sched.tasks(), key=lambda t: (t.start, t.service))
    misses = sorted(p.rto.unachievable + p.rto.missed, key=lambda m: (-m.late_by, m.service))
    return {
        "scenario": p.selection.id,
        "makespan": json_minutes(sched.makespan),
        "lower_bound": json_minutes(round(sched.lower_bound())),
        "critical_path": sched.critical_path,
        "tasks": [
            {
                "service": t.service,
                "team": t.team,
                "wave": t.wave,
                "duration": json_minutes(t.duration),
                "start": json_minutes(t.start),
                "finish": json_minutes(t.finish),
                "rto": json_minutes(t.rto),
                "meets_rto": t.meets_rto,
                "slack": json_minutes(t.slack),
                "earliest_finish": json_minutes(t.earliest_finish),
                "rto_achievable": None if t.rto is None else t.earliest_finish <= t.rto,
            }
            for t in tasks
        ],
        "rto_misses": [
            {
                "service": m.service,
                "rto": json_minutes(m.rto),
                "finish": json_minutes(m.finish),
                "late_by": json_minutes(m.late_by),
                "earliest_finish": json_minutes(m.earliest_finish),
                "unachievable": m.unachievable,
                "chain_start": p.rto.chain(m)[0],
                "chain_length": len(p.rto.chain(m)),
                "levers": [
                    {
                        "kind": lv.kind,
                        "target": lv.target,
                        "amount": lv.amount if lv.kind == "capacity" else json_minutes(lv.amount),
                        "verified": lv.verified,
                        "text": lv.describe(),
                    }
                    for lv in m.levers
                ],
            }
            for m in misses
        ],
        "rto_chain_links": p.rto.links(misses),
    }


@settings(max_examples=examples(120), deadline=None)
@given(dag_plans(max_services=80))
def test_schedule_json_is_its_tasks_and_misses(case: tuple[Plan, list[str] | None]) -> None:
    plan, failed = case
    planning = plan_recovery(plan, failed=failed)
    got, expected = schedule_json(planning), _reference(planning)
    assert orjson.dumps(got) == orjson.dumps(expected)  # same keys, order, values and types


WHOLE = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE  # as emit_json


@settings(max_examples=examples(120), deadline=None)
@given(dag_plans(max_services=80))
def test_written_in_parts_it_is_the_whole_document(case: tuple[Plan, list[str] | None]) -> None:
    plan, failed = case
    planning = plan_recovery(plan, failed=failed)
    whole = orjson.dumps(schedule_json(planning), option=WHOLE)
    assert b"".join(schedule_json_bytes(planning)) == whole


def test_parts_join_across_their_edges(monkeypatch: pytest.MonkeyPatch) -> None:
    services: list[dict[str, Any]] = [
        {"id": f"s{i:02d}", "restore_time": "10m", "rto": "15m", "depends_on": [f"s{i - 1:02d}"] if i else []}
        for i in range(7)
    ]
    planning = plan_recovery(Plan.model_validate({"version": 1, "name": "x", "services": services}))
    assert len(planning.rto.all) > 3  # misses in more than one part, as tasks are
    monkeypatch.setattr(plan_output, "PART", 2)
    parts = list(schedule_json_bytes(planning))
    assert len(parts) > 6
    assert b"".join(parts) == orjson.dumps(schedule_json(planning), option=WHOLE)


def test_nothing_to_schedule_keeps_empty_lists() -> None:
    plan = Plan.model_validate({"version": 1, "name": "x", "services": []})
    written = b"".join(schedule_json_bytes(plan_recovery(plan)))
    assert written == orjson.dumps(schedule_json(plan_recovery(plan)), option=WHOLE)
    assert b'"tasks": [],' in written


def test_odd_seconds_stay_fractional_minutes() -> None:
    plan = Plan.model_validate(
        {
            "version": 1,
            "name": "x",
            "services": [
                {"id": "db", "restore_time": "90s", "rto": "1m"},
                {"id": "api", "restart_time": "45s", "depends_on": ["db"]},
            ],
        }
    )
    task = {t["service"]: t for t in schedule_json(plan_recovery(plan, failed=["db"]))["tasks"]}
    assert task["db"]["duration"] == 1.5
    assert task["db"]["slack"] == -0.5
    assert task["api"]["finish"] == 2.25
    assert type(task["api"]["start"]) is float
    assert type(task["db"]["start"]) is int
