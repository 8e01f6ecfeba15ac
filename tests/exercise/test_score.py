"""The score of a drill: each part on a hand-made drill, the same score on every run of a
scripted exercise, and the invariants (0..100, monotone in what each part rewards)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.events import ExercisePlanned, RunEvidence
from models.exercise import Injection
from planner.exercise import score as sc
from planner.exercise.history import with_trend
from planner.exercise.timeline import fire_due
from planner.planfile.loader import load_valid_plan
from planner.tracking.domain import actions
from planner.tracking.domain.actions import Action
from planner.tracking.persistence.starting import open_incident
from planner.tracking.persistence.store import Store
from tests.helpers.incident_cli import ENTERPRISE, T0, at, restore, run

TINY = """\
version: 1
name: tiny
people: [{id: ann}, {id: bo}]
teams:
  - {id: ops, escalation: [ann, bo]}
services:
  - {id: db, owner: ops, rto: 30m, restore_time: 20m, verify: "true"}
  - id: app
    owner: ops
    rto: 40m
    restart_time: 5m
    verify: "true"
    depends_on: [{service: db, check: "true"}]
scenarios: [{id: db-down, failed: [db]}]
"""
START = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
RAN = RunEvidence(command="true", shell=False, cwd="/", exit_status=0, seconds=0.1)


def hand_made(tmp_path: Path) -> tuple[Store, str]:
    """A drill of TINY, every step at a known minute (see the expectations below)."""
    plan_path = tmp_path / "tiny.yaml"
    plan_path.write_text(TINY)
    store = Store(tmp_path / "s.db", create=True)
    drill = open_incident(
        store, load_valid_plan(plan_path), TINY, scenario="db-down", failed=None, title="t",
        exercise=True, actor="ann", at=START,
    ).row.id  # fmt: skip
    timeline = [
        Injection(id="I1", after=300, what="no_answer", person="ann", service="db"),
        Injection(id="I2", after=600, what="update_due", audience="executive"),
        Injection(id="I3", after=1500, what="check_fails", service="app", dependency="db"),
    ]
    store.append(ExercisePlanned(incident=drill, at=START, actor="ann", injections=timeline))
    steps: list[tuple[int, Action]] = [
        (2, actions.Begin("db")),
        (6, actions.Escalate("db")),  # answers I1; I2 (the update) is never answered
        (25, actions.Verify("db", None, run=RAN)),  # by a run
        (25, actions.Restore("db")),
        (26, actions.Check("app", "db", passed=False, observed="timeouts")),  # answers I3
        (35, actions.Begin("app")),  # ready at 25: 10 minutes lost
        (36, actions.Bypass("app", "db", "replica lag", None)),  # never removed
        (37, actions.Verify("app", "looked at it")),  # by word
        (50, actions.Restore("app")),  # 50 > 40: RTO missed; took 15m against 5m
        (60, actions.Resolve(accept_workarounds=True)),
    ]
    for minute, action in steps:
        when = START + timedelta(minutes=minute)
        fire_due(store, drill, when)
        store.act(drill, lambda view, a=action, w=when: a.decide(view, "ann", w))  # type: ignore[misc]
    return store, drill


def test_each_part_of_the_score_on_a_hand_made_drill(tmp_path: Path) -> None:
    store, drill = hand_made(tmp_path)
    result = with_trend(store, drill)
    ratios = {p.key: round(p.ratio, 4) for p in result.parts}
    assert ratios == {
        "rto": 0.5,  # db met its 30m RTO at 25m, app missed 40m at 50m
        "estimate": round((1 + 10 / 15) / 2, 4),  # db 23m <= 20m + 5m; app 15m against 5m + 5m
        "waiting": round(((1 - 2 / 30) + (1 - 10 / 30)) / 2, 4),  # 2 and 10 minutes lost
        "cadence": 0.5,  # no update in 60 minutes: 30 of them overdue
        "escalations": 1.0,  # I1 answered
        "injections": 0.5,  # I3 answered, I2 not
        "evidence": 0.5,  # db's verify by a run, app's by word
        "bypasses": 0.5,  # one open
    }
    assert result.total == 63  # 10 + 8.33 + 12 + 7.5 + 10 + 5 + 5 + 5
    assert sum(p.weight for p in result.parts) == 100
    assert result.finished
    assert result.escalations == [("db", "ann")]
    assert result.previous is None


def scripted(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    """The enterprise storage outage as a scripted exercise with the example's injection file."""
    code, out, err = run(
        capsys, "exercise", "start", str(ENTERPRISE), "--scenario", "storage-outage",
        "--inject", str(ENTERPRISE.parent / "storage-drill.yaml"), "--at", T0, "--as", "grace",
    )  # fmt: skip
    assert code == 0, err
    drill = out.split()[-1]
    run(capsys, "incident", "begin", drill, "storage-cluster", "--at", at(3), "--as", "dave")
    run(capsys, "incident", "escalate", drill, "storage-cluster", "--at", at(11), "--as", "grace")
    run(capsys, "incident", "update", drill, "--audience", "executive", "--at", at(31), "--as", "judy")
    restore(capsys, drill, "storage-cluster", 45)
    run(capsys, "incident", "begin", drill, "db-primary", "--at", at(46), "--as", "erin")
    run(capsys, "incident", "check", drill, "db-primary", "storage-cluster", "--fail", "--at", at(52))
    restore(capsys, drill, "db-primary", 58)
    code, out, err = run(capsys, "exercise", "score", drill, "--format", "json")
    assert code == 0, err
    return dict(json.loads(out))


def test_a_scripted_exercise_gives_the_same_score_every_run(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = scripted(capsys)
    monkeypatch.setenv("PLANNER_STORE", str(store.parent / "other.db"))
    second = scripted(capsys)
    assert first == second
    assert first["score"] == 49
    assert not first["finished"]
    answered = {i["id"]: i["answered_after_minutes"] for i in first["injections"]}  # type: ignore[attr-defined]
    # I4 (+1h10m) was recorded by `restore`'s `incident status` (now: long after) and not acted on:
    # message-queue was never begun, so "it fails again" was moot and is not counted
    assert answered == {"I1": 1, "I2": 1, "I3": 2, "I4": None}
    assert [i["id"] for i in first["injections"] if i["moot"]] == ["I4"]  # type: ignore[attr-defined,index]
    monkeypatch.setenv("PLANNER_STORE", str(store))
    third = scripted(capsys)  # a second drill of the scenario in the same store: the trend
    assert third["previous"] == {"incident": "DRILL-1", "score": 49}
    assert third["trend"] == 0


def test_a_real_incident_is_not_scored(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "incident", "start", str(ENTERPRISE), "--scenario", "storage-outage", "--at", T0
    )
    code, _, err = run(capsys, "exercise", "score", out.split()[-1])
    assert code == 2
    assert "is a real incident, not a drill" in err


minutes = st.integers(min_value=0, max_value=600).map(lambda m: timedelta(minutes=m))


@given(estimate=minutes, actual=minutes, more=minutes)
def test_a_slower_restore_never_scores_more(estimate: timedelta, actual: timedelta, more: timedelta) -> None:
    assert 0 <= sc.estimate_ratio(estimate, actual + more) <= sc.estimate_ratio(estimate, actual) <= 1


@given(waited=minutes, more=minutes)
def test_more_time_lost_never_scores_more(waited: timedelta, more: timedelta) -> None:
    assert 0 <= sc.waiting_ratio(waited + more) <= sc.waiting_ratio(waited) <= 1


@given(open_=st.integers(0, 9), removed=st.integers(0, 9))
def test_removing_a_bypass_never_scores_less(open_: int, removed: int) -> None:
    if open_:
        assert sc.bypass_ratio(open_ - 1, removed + 1) >= sc.bypass_ratio(open_, removed)
    assert sc.bypass_ratio(open_ + 1, removed) <= sc.bypass_ratio(open_, removed)


@given(good=st.integers(0, 50), bad=st.integers(0, 50))
def test_one_more_thing_done_never_scores_less(good: int, bad: int) -> None:
    assert sc.share(good + 1, good + 1 + bad) >= sc.share(good, good + bad)


@given(st.lists(st.floats(0, 1), min_size=8, max_size=8))
def test_the_score_is_between_0_and_100(ratios: list[float]) -> None:
    parts = [sc.Part(key, r, "") for key, r in zip(sc.WEIGHTS, ratios, strict=True)]
    result = sc.Score("DRILL-1", "x", parts, [], [], finished=True)
    assert 0 <= result.total <= 100


def test_kpis_show_the_drills_scores_and_their_trend(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):
        store, _drill = hand_made(tmp_path)
        store.close()
    code, out, _ = run(capsys, "kpi", "--store", str(tmp_path / "s.db"), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["exercises"]["scores"] == [
        {"incident": "DRILL-1", "score": 63},
        {"incident": "DRILL-2", "score": 63},
    ]
    assert data["exercises"]["score_trend"] == 0
    assert data["by_quarter"][0]["exercises"] == 2
    assert data["by_quarter"][0]["exercise_score"] == 63
    code, out, _ = run(capsys, "kpi", "--store", str(tmp_path / "s.db"))
    assert "exercise scores: DRILL-1 63, DRILL-2 63 (trend +0)" in out
