"""``schedule --format json`` read from the schedule's columns is the document its tasks and
misses give, field by field and in order (the columns are read directly for speed)."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import given, settings

from models.duration import json_minutes
from models.plan import Plan
from planner.cli.plan_output import schedule_json
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
