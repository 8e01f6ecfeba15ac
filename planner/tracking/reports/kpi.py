"""``planner kpi``: MTTD, MTTR, the share of incidents where a restored service failed again, and
escalation frequency over the journal."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import mean
from typing import Any

from models.events import Escalated, Event
from planner.tracking.domain.state import RESTORED, MemoryView


@dataclass
class IncidentFacts:
    """What the KPIs need of one incident."""

    id: str
    exercise: bool
    started: datetime
    detected: datetime | None
    resolved: datetime | None
    reopened: bool
    """A service it restored failed again (not a reopened incident: see ``incident reopen``)."""
    escalations: int
    restored_after: dict[str, timedelta]
    """Per service: from the start to its final restoration."""
    score: int | None = None
    """A resolved drill's score out of 100 (``planner exercise score``; None otherwise)."""


def facts(state: MemoryView, journal: Sequence[Event]) -> IncidentFacts:
    """One incident, reduced to its KPI inputs."""
    row = state.row
    return IncidentFacts(
        id=row.id,
        exercise=row.exercise,
        started=row.started,
        detected=row.detected,
        resolved=row.resolved,
        reopened=any(t.reopened for t in state.tasks.values()),
        escalations=sum(1 for e in journal if isinstance(e, Escalated)),
        restored_after={
            t.service: t.restored - row.started
            for t in state.tasks.values()
            if t.state == RESTORED and t.restored
        },
    )


def _quarter(when: datetime) -> str:
    return f"{when.year}-Q{(when.month - 1) // 3 + 1}"


def _avg(values: Sequence[timedelta]) -> float | None:
    return None if not values else round(mean(v.total_seconds() for v in values) / 60, 1)


def kpis(incidents: Sequence[IncidentFacts]) -> dict[str, Any]:
    """MTTD, MTTR (overall and per service), failed-again share, escalation frequency, exercises per
    quarter, and the same by quarter for trends. Real incidents and exercises are kept apart."""
    real = [i for i in incidents if not i.exercise]
    drills = [i for i in incidents if i.exercise]

    def block(group: Sequence[IncidentFacts]) -> dict[str, Any]:
        resolved = [i for i in group if i.resolved]
        per_service: dict[str, list[timedelta]] = defaultdict(list)
        for i in group:
            for service, after in i.restored_after.items():
                per_service[service].append(after)
        failed_again = None if not group else round(sum(i.reopened for i in group) / len(group), 3)
        return {
            "incidents": len(group),
            "resolved": len(resolved),
            "mttd_minutes": _avg([i.started - i.detected for i in group if i.detected]),
            "mttr_minutes": _avg([i.resolved - i.started for i in resolved if i.resolved]),
            # "reopened_share" (the 0.1 name, kept) is the share of incidents where a restored
            # service failed again, which "failed_again_share" says
            "reopened_share": failed_again,
            "failed_again_share": failed_again,
            "escalations_per_incident": None
            if not group
            else round(sum(i.escalations for i in group) / len(group), 2),
            "mttr_by_service_minutes": {s: _avg(v) for s, v in sorted(per_service.items())},
        }

    quarters = sorted({_quarter(i.started) for i in incidents})
    trend = []
    for q in quarters:
        in_q = [i for i in real if _quarter(i.started) == q]
        b = block(in_q)
        trend.append(
            {
                "quarter": q,
                "incidents": b["incidents"],
                "exercises": sum(1 for i in drills if _quarter(i.started) == q),
                "mttd_minutes": b["mttd_minutes"],
                "mttr_minutes": b["mttr_minutes"],
                "reopened_share": b["reopened_share"],
                "failed_again_share": b["failed_again_share"],
                "escalations_per_incident": b["escalations_per_incident"],
            }
        )
    scored = [i for i in drills if i.score is not None]
    for t in trend:
        marks = [i.score for i in scored if _quarter(i.started) == t["quarter"] and i.score is not None]
        t["exercise_score"] = None if not marks else round(mean(marks), 1)
    exercises = block(drills)
    exercises["scores"] = [{"incident": i.id, "score": i.score} for i in scored]
    exercises["score_trend"] = None if len(scored) < 2 else (scored[-1].score or 0) - (scored[-2].score or 0)
    return {"real": block(real), "exercises": exercises, "by_quarter": trend}


def _score_lines(block: dict[str, Any]) -> list[str]:
    """The drills' scores, oldest first, and the change since the one before (exercises only)."""
    scores = block.get("scores") or []
    if not scores:
        return []
    trend = block.get("score_trend")
    said = ", ".join(f"{s['incident']} {s['score']}" for s in scores)
    return [f"  exercise scores: {said}" + ("" if trend is None else f" (trend {trend:+d})")]


def kpi_text(data: dict[str, Any]) -> str:
    """The KPIs for a terminal."""

    def num(value: object, unit: str = "") -> str:
        return "-" if value is None else f"{value}{unit}"

    lines = []
    for label, key in (("Real incidents", "real"), ("Exercises", "exercises")):
        b = data[key]
        share = b["reopened_share"]
        lines += [
            f"{label}: {b['incidents']} ({b['resolved']} resolved)",
            f"  MTTD {num(b['mttd_minutes'], ' min')}   MTTR {num(b['mttr_minutes'], ' min')}   "
            f"failed again after restore: {num(None if share is None else round(share * 100), '%')}   "
            f"escalations/incident {num(b['escalations_per_incident'])}",
        ]
        slowest = sorted(
            ((s, m) for s, m in b["mttr_by_service_minutes"].items() if m is not None), key=lambda x: -x[1]
        )[:5]
        if slowest:
            lines.append(
                "  slowest services (mean minutes to restore): " + ", ".join(f"{s} {m}" for s, m in slowest)
            )
        lines += _score_lines(b)
    lines += [
        "",
        "By quarter:",
        f"  {'quarter':<8} {'incidents':>9} {'exercises':>9} {'MTTD':>7} {'MTTR':>7} {'failed again':>12} "
        f"{'escal.':>7}",
    ]
    for t in data["by_quarter"]:
        share = t["reopened_share"]
        lines.append(
            f"  {t['quarter']:<8} {t['incidents']:>9} {t['exercises']:>9} {num(t['mttd_minutes']):>7} "
            f"{num(t['mttr_minutes']):>7} {num(None if share is None else round(share * 100), '%'):>12} "
            f"{num(t['escalations_per_incident']):>7}"
        )
    return "\n".join(lines) + "\n"
