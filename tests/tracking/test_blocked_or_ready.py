"""A status's one-pass blockers and readiness agree with the one definition of each."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.tracking.domain.state import CheckRow, CheckState, TaskState, task_blockers, task_ready
from planner.tracking.reports.status_text import blocked_or_ready

_DEPS = ["a", "b", "c", "d"]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(list(TaskState)),
    st.lists(st.tuples(st.sampled_from(_DEPS), st.sampled_from(list(CheckState))), unique_by=lambda x: x[0]),
    st.fixed_dictionaries({d: st.sampled_from(list(TaskState)) for d in _DEPS}),
)
def test_it_is_task_blockers_and_task_ready(
    state: TaskState, links: list[tuple[str, CheckState]], states: dict[str, TaskState]
) -> None:
    checks = [CheckRow("x", dependency, None, check) for dependency, check in links]
    expected_blockers = task_blockers([c.dependency for c in checks], states.__getitem__)
    expected_ready = task_ready(state, ((states[c.dependency], c.state) for c in checks))
    restored = {d for d, s in states.items() if s == TaskState.RESTORED}
    assert blocked_or_ready(state, checks, restored) == (expected_blockers, expected_ready)
