"""A drill's score as text, Markdown and JSON (``planner exercise score --format``)."""

from __future__ import annotations

from typing import Any

from models.duration import delta_minutes, span
from planner.exercise.score import Score
from planner.style import visible
from planner.tracking.domain.words import injection_words


def _headline(s: Score) -> str:
    trend = ""
    if s.previous is not None:
        trend = f"; {s.trend:+d} since {s.previous[0]} ({s.previous[1]})"
    state = "" if s.finished else " (in progress: provisional)"
    return f"Exercise {s.incident} ({visible(s.scenario)}): score {s.total}/100{state}{trend}"


def _answer_lines(s: Score) -> list[str]:
    lines = []
    for a in s.answers:
        what, asks = injection_words(a.fired.injection)
        done = f"done after {span(a.delay)}" if a.delay is not None else "NOT DONE"
        if a.moot:
            done = f"moot: {a.fired.injection.service} was still down (not counted)"
        lines.append(visible(f"{a.fired.at:%H:%M} {a.fired.injection.id}: {what}; asked: {asks}; {done}"))
    return lines


def score_text(s: Score) -> str:
    """The score for a terminal: the parts, the services, the injections."""
    lines = [_headline(s), "", "Parts (points earned / worth):"]
    lines += [f"  {p.points:>5g} / {p.weight:<3} {p.name}: {p.detail}" for p in s.parts]
    lines += ["", "Services (restored after start, RTO, actual vs estimate, waited when ready):"]
    for o in s.outcomes:
        met = "-" if o.met is None else "met" if o.met else "MISSED"
        lines.append(
            f"  {o.service:<20} {span(o.downtime):>7} RTO {span(o.rto):>6} {met:<6} "
            f"took {span(o.actual):>6} est {span(o.estimate):>6} waited {span(o.waited):>5}"
        )
    if s.answers:
        lines += ["", "Injections:"] + [f"  {line}" for line in _answer_lines(s)]
    if s.escalations:
        lines += [
            "",
            "Escalations reached: " + ", ".join(visible(f"{p} for {svc}") for svc, p in s.escalations),
        ]
    return "\n".join(lines) + "\n"


def score_markdown(s: Score) -> str:
    """The score as a Markdown section, for the exercise's ticket or wiki page."""
    lines = [f"# {_headline(s)}", "", "| part | points | of | measured |", "|---|---:|---:|---|"]
    lines += [f"| {p.name} | {p.points:g} | {p.weight} | {p.detail} |" for p in s.parts]
    lines += [
        "",
        "| service | restored after | RTO | met | took | estimate | waited |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    for o in s.outcomes:
        met = "-" if o.met is None else "yes" if o.met else "**no**"
        lines.append(
            f"| {o.service} | {span(o.downtime)} | {span(o.rto)} | {met} | {span(o.actual)} | "
            f"{span(o.estimate)} | {span(o.waited)} |"
        )
    if s.answers:
        lines += ["", "## Injections", ""] + [f"- {line.replace('|', '/')}" for line in _answer_lines(s)]
    return "\n".join(lines) + "\n"


def score_json(s: Score) -> dict[str, Any]:
    """The score for machines: ``score`` (0-100) and its ``parts``."""
    return {
        "incident": s.incident,
        "scenario": s.scenario,
        "score": s.total,
        "finished": s.finished,
        "previous": None if s.previous is None else {"incident": s.previous[0], "score": s.previous[1]},
        "trend": s.trend,
        "parts": [
            {
                "part": p.key,
                "name": p.name,
                "weight": p.weight,
                "points": p.points,
                "ratio": round(p.ratio, 3),
                "detail": p.detail,
            }
            for p in s.parts
        ],
        "services": [
            {
                "service": o.service,
                "restored_after_minutes": delta_minutes(o.downtime),
                "rto_minutes": delta_minutes(o.rto),
                "met": o.met,
                "actual_minutes": delta_minutes(o.actual),
                "estimate_minutes": delta_minutes(o.estimate),
                "waited_minutes": delta_minutes(o.waited),
            }
            for o in s.outcomes
        ],
        "injections": [
            {
                "id": a.fired.injection.id,
                "what": a.fired.injection.what,
                "at": a.fired.at.isoformat(),
                "live": a.fired.live,
                "answered_after_minutes": delta_minutes(a.delay),
                "moot": a.moot,
            }
            for a in s.answers
        ],
        "escalations": [{"service": svc, "person": p} for svc, p in s.escalations],
    }
