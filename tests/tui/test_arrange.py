"""Properties of the rows the task table shows: a filter leaves out exactly what it should and
nothing else, a sort only reorders, and the quick filters agree with the row colours' tests."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.planfile.loader import load_valid_plan
from planner.tracking.domain.opening import initial_state
from planner.tracking.domain.state import DOWN, RESTORED, RESTORING, MemoryView
from planner.tracking.reports.status_text import rto_left
from planner.tui.table import QUICK, SORTS, RowFilter, arrange, is_late, is_ready
from tests.helpers.pilot import ENTERPRISE, STARTED
from tests.strategies import examples

PLAN = load_valid_plan(ENTERPRISE)


def incident(states: list[str]) -> MemoryView:
    view, _ = initial_state(
        PLAN,
        "digest",
        "INC-1",
        scenario="storage-outage",
        failed=None,
        title=None,
        exercise=False,
        actor="ic",
        at=STARTED,
    )
    for task, state in zip(view.tasks.values(), states, strict=False):
        task.state = state
        task.restored = STARTED + timedelta(minutes=30) if state == RESTORED else None
    return view


WORDS = st.sampled_from(["", "db", "team:dba", "state:down", "state:restored", "payments", "zzz", "web api"])


@settings(max_examples=examples(60), deadline=None)
@given(
    states=st.lists(st.sampled_from([DOWN, RESTORING, RESTORED]), min_size=21, max_size=21),
    rows=st.builds(
        RowFilter,
        WORDS,
        st.sampled_from(sorted(QUICK)),
        st.sampled_from([None, "dba", "payments", "web"]),
        st.booleans(),
    ),
    sort=st.sampled_from(SORTS),
    minutes=st.integers(0, 600),
    risky=st.sets(st.sampled_from([s.id for s in PLAN.services])),
)
def test_rows_are_exactly_those_that_pass_in_the_chosen_order(
    states: list[str], rows: RowFilter, sort: str, minutes: int, risky: set[str]
) -> None:
    state = incident(states)
    now = STARTED + timedelta(minutes=minutes)
    quick, team = rows.quick, rows.team
    at_risk = frozenset(risky)
    shown = arrange(state, rows, sort, at_risk, now)

    def passes(service: str) -> bool:
        task = state.tasks[service]
        if not rows.match(task):
            return False
        if quick == "ready":
            return is_ready(state, task)
        if quick == "late":
            return is_late(state, task, now)
        if quick == "risk":
            return task.state != RESTORED and (service in at_risk or is_late(state, task, now))
        return True

    assert len(shown) == len(set(shown)), "no row twice"
    assert set(shown) == {s for s in state.tasks if passes(s)}, "every row that passes, and only those"
    if rows.hide_restored:
        assert all(state.tasks[s].state != RESTORED for s in shown)
    if team is not None:
        assert all(state.tasks[s].owner == team for s in shown)
    positions = [state.tasks[s].position for s in shown]
    if sort == "wave":
        assert positions == sorted(positions)
    elif sort == "RTO left":
        keys = [
            (state.tasks[s].state == RESTORED, state.tasks[s].rto is None, state.tasks[s].rto or 0)
            for s in shown
        ]
        assert keys == sorted(keys)
    else:
        owners = [(state.tasks[s].owner is None, state.tasks[s].owner or "") for s in shown]
        assert owners == sorted(owners)


@settings(max_examples=examples(60), deadline=None)
@given(
    states=st.lists(st.sampled_from([DOWN, RESTORING, RESTORED]), min_size=21, max_size=21),
    seconds=st.integers(0, 36_000),
    micro=st.sampled_from([0, 1, 999_999]),
    detected=st.integers(0, 3_600),
)
def test_late_and_ready_are_what_the_rto_left_and_the_blockers_say(
    states: list[str], seconds: int, micro: int, detected: int
) -> None:
    state = incident(states)
    state.row.detected = STARTED - timedelta(seconds=detected)  # the RTO clock runs from it
    now = STARTED + timedelta(seconds=seconds, microseconds=micro)
    for task in state.tasks.values():
        left = rto_left(state, task, now)
        assert is_late(state, task, now) == (
            task.state != RESTORED and left is not None and left < timedelta(0)
        )
        assert is_ready(state, task) == (task.state != RESTORED and not state.blockers(task.service))
    exact = [t for t in state.tasks.values() if t.rto is not None and t.state != RESTORED]
    if exact:  # on the second of the RTO: not late; a microsecond after: late
        task = exact[0]
        deadline = state.row.rto_clock + timedelta(seconds=task.rto)  # type: ignore[arg-type]
        assert not is_late(state, task, deadline)
        assert is_late(state, task, deadline + timedelta(microseconds=1))
