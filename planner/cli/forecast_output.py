"""``planner forecast`` and ``planner tune`` as text and JSON (docs/guide/forecast.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from models.duration import fmt_clock, fmt_duration
from models.duration import json_minutes as minutes
from planner.style import Style, plain, plural

if TYPE_CHECKING:
    from planner.engine.planning import Planning
    from planner.forecast.evidence import Measurement
    from planner.forecast.summary import Forecast
    from planner.forecast.tune import TuneRow


TOP_SHOWN = 5
"""Tasks the text names as most often on the critical path (the JSON has more)."""


def percent(p: float | None) -> str:
    """A probability as people read it: ``64%``, ``<1%``, ``>99%`` (0 and 1 only when exact)."""
    if p is None:
        return "-"
    if 0 < p < 0.01:
        return "<1%"
    if 0.99 < p < 1:
        return ">99%"
    return f"{round(p * 100)}%"


def history_line(measurements: list[Measurement]) -> str:
    """``history: 7 restores measured in 3 incidents and 1 exercise`` (or none)."""
    if not measurements:
        return "history: none (the plan's estimates only)"
    real = {m.incident for m in measurements if not m.exercise}
    drills = {m.incident for m in measurements if m.exercise}
    return (
        f"history: {plural(len(measurements), 'restore')} from {plural(len(real), 'incident')}, "
        f"{plural(len(drills), 'exercise')}"
    )


def render_forecast(
    p: Planning, f: Forecast, measurements: list[Measurement], threshold: float, style: Style = plain
) -> str:
    """The forecast as a table: per service its RTO, planned finish, P50/P90 and P(RTO met)."""
    sel = p.selection
    lines = [
        style(f"Forecast — {sel.name} ({sel.id})", "bold"),
        f"{f.samples} sampled schedules, seed {f.seed}, spread {f.spread:g}; {history_line(measurements)}",
        "",
    ]
    if f.all_critical is not None:
        colour = "success" if f.all_critical >= threshold else "error"
        lines.append(style(f"All critical RTOs met: {percent(f.all_critical)}", colour))
    lines.append(f"Makespan P50 {fmt_clock(f.makespan[0])}, P90 {fmt_clock(f.makespan[1])}")
    lines.append("")
    width = max([len(s.service) for s in f.services] + [7])
    lines.append(f"  {'service':<{width}}  RTO      planned  P50     P90     P(RTO)")
    for s in sorted(f.services, key=lambda s: (s.planned, s.service)):
        chance = percent(s.p_meet)
        if s.p_meet is not None and s.p_meet < threshold:
            chance = style(f"{chance:>6}", "error")
        lines.append(
            f"  {s.service:<{width}}  {fmt_duration(s.rto):<7}  {fmt_clock(s.planned):>7}  "
            f"{fmt_clock(s.p50):>6}  {fmt_clock(s.p90):>6}  {chance:>6}"
        )
    if f.critical_path:
        lines.append("")
        shares = ", ".join(f"{s} {percent(share)}" for s, share in f.critical_path[:TOP_SHOWN])
        lines.append(f"Most often on the critical path: {shares}")
    return "\n".join(lines) + "\n"


def forecast_json(p: Planning, f: Forecast, measurements: list[Measurement]) -> dict[str, Any]:
    """``planner forecast --format json``: times in minutes from incident start."""
    team = p.schedule.problem.team
    return {
        "scenario": p.selection.id,
        "samples": f.samples,
        "seed": f.seed,
        "spread": f.spread,
        "history": {
            "measurements": len(measurements),
            "incidents": len({m.incident for m in measurements if not m.exercise}),
            "exercises": len({m.incident for m in measurements if m.exercise}),
        },
        "all_critical_rtos_met": f.all_critical,
        "makespan": {"p50": minutes(f.makespan[0]), "p90": minutes(f.makespan[1])},
        "services": [
            {
                "service": s.service,
                "team": team[s.service],
                "critical": s.critical,
                "rto": minutes(s.rto),
                "planned_finish": minutes(s.planned),
                "p50": minutes(s.p50),
                "p90": minutes(s.p90),
                "p_meet_rto": s.p_meet,
                "evidence": s.evidence,
            }
            for s in f.services
        ],
        "critical_path": [{"service": s, "share": share} for s, share in f.critical_path],
    }


def render_tune(rows: list[TuneRow], style: Style = plain) -> str:
    """Each measured estimate against what was measured, and what ``--write`` changes."""
    if not rows:
        return "No restore measured for this plan in the store: nothing to tune.\n"
    width = max([len(r.service) for r in rows] + [7])
    lines = [f"  {'service':<{width}}  field         estimate  n (drills)  median  spread  new"]
    for r in rows:
        spread = "-" if r.spread is None else f"{r.spread:.2f}"
        new = style(fmt_duration(r.proposed), "warning") if r.proposed is not None else style(r.reason, "dim")
        lines.append(
            f"  {r.service:<{width}}  {r.key:<12}  {fmt_duration(r.estimate):>8}  "
            f"{r.incidents:>2} ({r.exercises:>2})     {fmt_duration(round(r.median)):>6}  {spread:>6}  {new}"
        )
    return "\n".join(lines) + "\n"
