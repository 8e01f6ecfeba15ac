"""``planner exercise score``: a drill measured against its plan, out of 100
(docs/guide/exercises.md#the-score says how each part counts).

Eight parts, each a share between 0 and 1 of its weight (:data:`WEIGHTS`); the score is their
sum, rounded. Every part is computed from the journal and the incident's copy of the plan, so a
drill scored twice gives the same score, and scoring it months later still works.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from models.events import Bypassed, CheckPassed, Escalated, Event, Verified, WorkaroundRemoved
from planner.exercise.timeline import Answer, answers
from planner.tracking.domain.state import MemoryView
from planner.tracking.reports.review import Review, ServiceOutcome, review

WEIGHTS: dict[str, int] = {
    "rto": 20,
    "estimate": 10,
    "waiting": 15,
    "cadence": 15,
    "escalations": 10,
    "injections": 10,
    "evidence": 10,
    "bypasses": 10,
}
"""Points each part is worth (they add up to 100)."""
NAMES: dict[str, str] = {
    "rto": "RTOs met",
    "estimate": "restore times within the plan's estimates",
    "waiting": "no time lost between ready and begun",
    "cadence": "stakeholder update cadence kept",
    "escalations": "escalations reached when someone did not answer",
    "injections": "other injections acted on",
    "evidence": "checks and verifies confirmed by a run (--run), not by word",
    "bypasses": "no bypass, or bypasses removed",
}
ESTIMATE_SLACK = timedelta(minutes=5)
"""A restore this much over its estimate still counts as on the estimate."""
WAIT_LIMIT = timedelta(minutes=30)
"""A service left waiting this long after it was ready scores nothing on ``waiting``."""
OPEN_BYPASS_COST = 0.5
"""Share of the ``bypasses`` part each bypass still open costs ..."""
REMOVED_BYPASS_COST = 0.25
"""... and each bypass taken and removed within the drill."""


@dataclass(frozen=True)
class Part:
    """One part of the score."""

    key: str
    ratio: float
    """Between 0 and 1: how much of the part's weight was earned."""
    detail: str
    """What was measured, in words."""

    @property
    def weight(self) -> int:
        """Points the part is worth."""
        return WEIGHTS[self.key]

    @property
    def points(self) -> float:
        """Points earned."""
        return round(self.weight * self.ratio, 1)

    @property
    def name(self) -> str:
        """What the part rewards."""
        return NAMES[self.key]


@dataclass
class Score:
    """A drill, scored."""

    incident: str
    scenario: str
    parts: list[Part]
    outcomes: list[ServiceOutcome]
    answers: list[Answer]
    finished: bool
    """The drill is resolved (an open drill's score is provisional)."""
    escalations: list[tuple[str, str]] = field(default_factory=list)
    """Who was paged for which service, in order."""
    previous: tuple[str, int] | None = None
    """The last earlier exercise of the same scenario, and its score (the trend)."""

    @property
    def total(self) -> int:
        """The score out of 100."""
        return round(sum(p.weight * p.ratio for p in self.parts))

    @property
    def trend(self) -> int | None:
        """Change since the previous exercise of the scenario."""
        return None if self.previous is None else self.total - self.previous[1]


def share(good: float, total: float) -> float:
    """``good / total``, 1 when there was nothing to do."""
    return 1.0 if total <= 0 else max(0.0, min(1.0, good / total))


def estimate_ratio(estimate: timedelta, actual: timedelta | None) -> float:
    """One service: 1 within its estimate (plus :data:`ESTIMATE_SLACK`), less the longer it took,
    0 when it was never restored."""
    if actual is None:
        return 0.0
    allowed = estimate + ESTIMATE_SLACK
    return 1.0 if actual <= allowed else allowed / actual


def waiting_ratio(waited: timedelta | None) -> float:
    """One service: 1 when work began as soon as it was ready, 0 after :data:`WAIT_LIMIT` (or if
    it was never begun)."""
    if waited is None:
        return 0.0
    return max(0.0, 1 - waited / WAIT_LIMIT)


def cadence_ratio(overdue: timedelta, length: timedelta) -> float:
    """The share of the drill during which no stakeholder update was overdue."""
    return 1.0 if length <= timedelta(0) else max(0.0, 1 - overdue / length)


def bypass_ratio(open_: int, removed: int) -> float:
    """1 without a bypass; each open one and each removed one costs its share."""
    return max(0.0, 1 - OPEN_BYPASS_COST * open_ - REMOVED_BYPASS_COST * removed)


def score(state: MemoryView, journal: Sequence[Event]) -> Score:
    """Score a drill from its rows and its (effective) journal."""
    measured = review(state, journal)
    replies = answers(journal)
    outcomes = sorted(measured.outcomes, key=lambda o: (state.tasks[o.service].wave, o.service))
    parts = [
        _rto(outcomes),
        _estimate(outcomes),
        _waiting(outcomes),
        _cadence(measured, journal),
        *_injections(replies),
        _evidence(journal),
        _bypasses(journal),
    ]
    return Score(
        incident=state.row.id,
        scenario=state.row.scenario,
        parts=parts,
        outcomes=outcomes,
        answers=replies,
        finished=state.row.resolved is not None,
        escalations=[(e.service, e.person) for e in journal if isinstance(e, Escalated)],
    )


def _rto(outcomes: Sequence[ServiceOutcome]) -> Part:
    targets = [o for o in outcomes if o.rto is not None]
    met = sum(1 for o in targets if o.met)
    return Part("rto", share(met, len(targets)), f"{met} of {len(targets)} services with an RTO met it")


def _estimate(outcomes: Sequence[ServiceOutcome]) -> Part:
    ratios = [estimate_ratio(o.estimate, o.actual) for o in outcomes]
    within = sum(1 for r in ratios if r == 1.0)
    return Part(
        "estimate", share(sum(ratios), len(ratios)), f"{within} of {len(ratios)} restored within estimate"
    )


def _waiting(outcomes: Sequence[ServiceOutcome]) -> Part:
    ratios = [waiting_ratio(o.waited) for o in outcomes]
    lost = sum((o.waited for o in outcomes if o.waited), timedelta(0))
    never = sum(1 for o in outcomes if o.waited is None)
    said = f"{round(lost.total_seconds() / 60)} min lost in all" + (f"; {never} never begun" if never else "")
    return Part("waiting", share(sum(ratios), len(ratios)), said)


def _cadence(measured: Review, journal: Sequence[Event]) -> Part:
    row = measured.state.row
    cadence = timedelta(seconds=measured.state.info.update_cadence)
    end = row.resolved or max((e.at for e in journal), default=row.started)
    overdue = sum(((b - a) - cadence for a, b in measured.gaps), timedelta(0))
    length = end - row.started
    said = f"{len(measured.gaps)} gap(s) over the {round(cadence.total_seconds() / 60)} min cadence"
    return Part("cadence", cadence_ratio(overdue, length), said)


def _injections(replies: Sequence[Answer]) -> list[Part]:
    parts = []
    for key, kinds in (
        ("escalations", {"no_answer"}),
        ("injections", {"check_fails", "fails_again", "update_due"}),
    ):
        mine = [a for a in replies if a.fired.injection.what in kinds]
        asked = [a for a in mine if not a.moot]
        done = sum(1 for a in asked if a.answered is not None)
        said = f"{done} of {len(asked)} acted on"
        if len(mine) > len(asked):
            said += f"; {len(mine) - len(asked)} moot (the service was still down)"
        parts.append(Part(key, share(done, len(asked)), said))
    return parts


def _evidence(journal: Sequence[Event]) -> Part:
    confirmed = [e for e in journal if isinstance(e, CheckPassed | Verified)]
    ran = sum(1 for e in confirmed if e.run is not None)
    said = f"{ran} of {len(confirmed)} confirmed by a run, {len(confirmed) - ran} by word"
    return Part("evidence", share(ran, len(confirmed)), said)


def _bypasses(journal: Sequence[Event]) -> Part:
    taken = {e.workaround for e in journal if isinstance(e, Bypassed)}
    removed = {e.workaround for e in journal if isinstance(e, WorkaroundRemoved)} & taken
    open_ = len(taken) - len(removed)
    return Part("bypasses", bypass_ratio(open_, len(removed)), f"{len(taken)} taken, {len(removed)} removed")
