"""What to exercise next (``planner exercise plan``) as text and JSON."""

from __future__ import annotations

from typing import Any

from models.duration import fmt_duration
from planner.exercise.choose import Choice
from planner.style import visible


def _since(days: int | None) -> str:
    return "never exercised" if days is None else f"last exercised {days} days ago"


def choice_text(c: Choice, plan_path: str) -> str:
    """The ranking, then who must take part in the first and what to dry-run first."""
    if not c.candidates:
        return "The plan has no scenarios: add one under `scenarios:` to exercise it.\n"
    lines = [f"Scenarios to exercise, as of {c.today} (first: next):"]
    for n, cand in enumerate(c.candidates, 1):
        o = cand.outcome
        flag = "OVERDUE " if cand.overdue else ""
        lines.append(
            visible(
                f"  {n}. {o.id:<20} {flag}{_since(cand.days_since(c.today))}; {o.impacted} to restore, "
                f"{o.rto_misses} RTO(s) missed in the schedule, {o.unowned} unowned, done in "
                f"{fmt_duration(o.makespan)}"
            )
        )
    if c.worst_single is not None:
        w = c.worst_single
        lines.append(
            visible(f"  (worse than any scenario: {w.name}, {w.rto_misses} RTO(s) missed; add a scenario)")
        )
    first = c.candidates[0].outcome.id
    lines += ["", f"Who must take part in {first}:", "  owner teams: " + (", ".join(c.teams) or "none")]
    lines += [f"  {role}: {person}" for role, person in c.roles.items()]
    if c.untested:
        lines.append("  escalation contacts untested past policy (page them in the drill):")
        lines += [f"    {p} ({team}, path tested {when or 'never'})" for team, p, when in c.untested]
    lines += [
        "",
        f"Dry-run first ({len(c.dry_run)} commands): "
        f"planner audit {plan_path} --scenario {first} --run-checks",
    ]
    lines += [visible(f"  {cmd}: {cmd.text}") for cmd in c.dry_run[:12]]
    if len(c.dry_run) > 12:
        lines.append(f"  ... and {len(c.dry_run) - 12} more")
    lines += ["", f"Start it: planner exercise start {plan_path} --scenario {first} --inject FILE"]
    lines.append(f"Covered: {c.covered}")
    return "\n".join(lines) + "\n"


def choice_json(c: Choice) -> dict[str, Any]:
    """The ranking and the first candidate's people and commands, for machines."""
    return {
        "as_of": c.today.isoformat(),
        "scenarios": [
            {
                "id": cand.outcome.id,
                "name": cand.outcome.name,
                "overdue": cand.overdue,
                "last_exercised": None if cand.last is None else cand.last.isoformat(),
                "impacted": cand.outcome.impacted,
                "rto_misses": cand.outcome.rto_misses,
                "unowned": cand.outcome.unowned,
                "makespan_minutes": cand.outcome.makespan // 60,
            }
            for cand in c.candidates
        ],
        "teams": c.teams,
        "roles": c.roles,
        "untested_escalation": [
            {"team": t, "person": p, "tested": None if w is None else w.isoformat()} for t, p, w in c.untested
        ],
        "dry_run": [{"service": d.service, "dependency": d.dependency, "command": d.text} for d in c.dry_run],
        "covered": c.covered,
    }
