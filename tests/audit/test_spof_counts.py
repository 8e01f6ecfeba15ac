"""single-point-of-failure's counts equal a plain search of each service's dependents."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.audit.spof import _counts

Case = tuple[list[list[int]], set[int], int]


@st.composite
def _dags(draw: st.DrawFn) -> Case:
    n = draw(st.integers(1, 40))
    deps = [sorted(set(draw(st.lists(st.integers(0, j - 1), max_size=4)))) if j else [] for j in range(n)]
    critical = set(draw(st.lists(st.integers(0, n - 1), max_size=n)))
    return deps, critical, draw(st.integers(0, 12))


@settings(max_examples=150, deadline=None)
@given(_dags())
def test_each_count_is_the_critical_services_its_failure_reaches(case: Case) -> None:
    deps, critical, threshold = case
    n = len(deps)
    dependents: list[list[int]] = [[] for _ in range(n)]
    for j, of in enumerate(deps):
        for i in of:
            dependents[i].append(j)
    backwards = list(reversed(range(n)))  # every service after all that depend on it
    number = {s: k for k, s in enumerate(c for c in backwards if c in critical)}

    expected = {}
    for s in range(n):
        seen, todo = {s}, [s]
        while todo:
            for d in dependents[todo.pop()]:
                if d not in seen:
                    seen.add(d)
                    todo.append(d)
        down = len(seen & critical)
        others = down - (s in critical)
        if others >= threshold:
            expected[s] = (others, down)
    assert _counts(deps, dependents, backwards, number, threshold) == expected
