"""A large audit is split over two processes (the engine's rules in a forked worker); the report
must be exactly the one a single process gives."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.plan import Plan
from planner import audit
from planner.audit import as_of_moment, run_audit
from planner.audit import split as split_module
from planner.audit.split import Forked, WorkerLostError, can_fork
from planner.planfile.loader import load_source
from planner.planfile.source import Source
from tests.dump import dump_yaml
from tests.strategies import dag_plans, examples, plans

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs fork and a second CPU")


def _report(text: str, split: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The audit of ``text``: split (its referential checks deferred, as `planner audit` loads
    it) or in one process (checked while loading)."""
    loaded = load_source(Source("plan.yaml", text, "yaml"), references=not split)
    monkeypatch.setattr(split_module, "PARALLEL_FROM", 0 if split else 10**9)
    return dataclasses.asdict(run_audit(loaded, as_of_moment(date(2026, 11, 28))))


@settings(max_examples=examples(25), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.one_of(plans(), dag_plans(max_services=60).map(lambda case: case[0])))
def test_split_audit_is_the_single_process_audit(plan: Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    text = dump_yaml(plan)
    assert _report(text, True, monkeypatch) == _report(text, False, monkeypatch)


BROKEN = {
    "unknown reference": "    depends_on: [dbb]\n",
    "cycle": "    depends_on: [api]\n",
}


@pytest.mark.parametrize("problem", sorted(BROKEN))
def test_a_referential_problem_stops_the_worker(problem: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine needs a valid graph: the worker started beside the deferred checks is stopped,
    and the report is the single-process one (the problem as a finding, the RTO rules skipped)."""
    text = (
        "version: 1\nname: x\nservices:\n  - id: db\n    rto: 1h\n"
        + BROKEN[problem]
        + "  - id: api\n    rto: 30m\n    depends_on: [db]\n"
    )
    split = _report(text, True, monkeypatch)
    assert split == _report(text, False, monkeypatch)
    assert split["notes"]
    assert {f["rule"] for f in split["findings"]} & {"unknown-reference", "dependency-cycle"}


def test_only_planning_rules_read_the_planning(monkeypatch: pytest.MonkeyPatch) -> None:
    """The split's parent runs the other rules without the engine's results: a rule that reads
    them must say so (``planning=True``) or it would quietly find nothing there."""
    read: list[str] = []

    class Watched(audit.AuditContext):
        def __getattribute__(self, name: str) -> Any:
            if name == "planning":
                read.append(name)
            return super().__getattribute__(name)

    loaded = load_source(Source("plan.yaml", dump_yaml(_sample()), "yaml"))
    for rule in audit.RULES.values():
        read.clear()
        ctx = Watched(loaded=loaded, as_of=as_of_moment(date(2026, 11, 28)), workarounds=[], planning=None)
        list(rule.check(ctx))
        assert bool(read) == rule.planning, rule.id


def _sample() -> Plan:
    return Plan.model_validate(
        {
            "version": 1,
            "name": "x",
            "services": [{"id": "db", "rto": "1h"}, {"id": "api", "rto": "30m", "depends_on": ["db"]}],
        }
    )


def test_a_worker_exception_comes_back_with_its_type_and_traceback() -> None:
    def fails() -> int:
        raise ValueError("boom in the worker")

    with pytest.raises(ValueError, match="boom in the worker") as caught:
        Forked(fails).result()
    notes = "\n".join(caught.value.__notes__)
    assert "in a worker process" in notes
    assert "in fails" in notes  # the worker's own frame, not only this process's


def test_an_exception_that_cannot_be_pickled_comes_back_as_its_text() -> None:
    class LocalError(Exception):  # a local class cannot be pickled
        pass

    def fails() -> int:
        raise LocalError("not picklable")

    with pytest.raises(RuntimeError, match="LocalError: not picklable"):
        Forked(fails).result()


def test_a_worker_that_dies_is_reported() -> None:
    import os

    with pytest.raises(WorkerLostError):
        Forked(lambda: os._exit(3)).result()


def test_a_worker_result_comes_back() -> None:
    assert Forked(lambda: {"a": [1, 2, 3]}).result() == {"a": [1, 2, 3]}
