"""The projection schedules by task number (the engine's Indexed): the same finishes, RTO lists
and ETA as the id-keyed schedule of the same problem and priority, tie for tie."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from planner.engine.schedule import list_schedule
from planner.tracking.domain.outline import Outline
from planner.tracking.domain.state import DOWN, RESTORED, RESTORING, IncidentRow
from planner.tracking.reports.progress import project, remaining

START = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def random_outline(seed: int) -> Outline:
    """A random incident in outline: few durations and RTOs (many ties), some tasks begun or
    restored, some unowned, ids not in wave order."""
    rng = random.Random(seed)
    size = rng.randint(1, 60)
    ids = [f"s{rng.randrange(1000):03d}-{k}" for k in range(size)]  # wave order != id order
    teams = ["a", "b", "c"]
    owner = {s: rng.choice([*teams, None]) for s in ids}
    deps = {s: sorted(rng.sample(ids[:k], rng.randint(0, min(k, 4)))) for k, s in enumerate(ids)}
    state = dict.fromkeys(ids, DOWN)
    begun: dict[str, datetime] = {}
    restored: dict[str, datetime] = {}
    for s in ids:  # restored only when every dependency is (but for a few: a forced one)
        roll = rng.random()
        if roll < 0.25 and (all(state[d] == RESTORED for d in deps[s]) or roll < 0.02):
            state[s] = RESTORED
            restored[s] = START + timedelta(minutes=rng.randint(1, 90))
        elif roll < 0.4 and all(state[d] == RESTORED for d in deps[s]):
            state[s] = RESTORING
            begun[s] = START + timedelta(minutes=rng.randint(1, 90))
    row = IncidentRow("INC-1", "t", "full-outage", "h", "p", False, START, None, {})
    return Outline(
        row=row,
        cadence=1800,
        capacity={t: rng.randint(1, 2) for t in teams},
        name={s: s for s in ids},
        owner=owner,
        criticality={s: rng.choice(["critical", "high", "medium", "low"]) for s in ids},
        rto={s: rng.choice([None, 1800, 3600, 7200]) for s in ids},
        duration={s: rng.choice([600, 1200, 1800]) for s in ids},
        deps=deps,
        state=state,
        begun=begun,
        restored=restored,
        checks={},
        open_workarounds=[],
    )


@pytest.mark.parametrize("seed", range(40))
def test_the_projection_schedules_as_the_id_keyed_schedule_does(seed: int) -> None:
    outline = random_outline(seed)
    now = START + timedelta(minutes=random.Random(seed).randint(0, 120))
    problem, keys, rto = remaining(outline, now)
    _, _, finish = list_schedule(problem, keys)
    projected = project(outline, now)
    assert projected.offsets == finish
    assert list(projected.offsets) == problem.order
    assert projected.at_risk == [s for s in problem.order if (r := rto[s]) is not None and 0 <= r < finish[s]]
    assert projected.late == [s for s in problem.order if (r := rto[s]) is not None and r < 0]
    assert projected.eta == now + timedelta(seconds=max(finish.values(), default=0))
    assert projected.missed == [
        s
        for s in outline.state
        if (r := outline.rto[s]) is not None
        and (
            (s in finish and rto[s] < 0)
            or (s in outline.restored and outline.restored[s] > START + timedelta(seconds=r))
        )
    ]
