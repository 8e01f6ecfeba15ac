"""The post-incident review as Markdown (for a ticket or a wiki) and as JSON (for machines)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from models.duration import clock, span
from models.duration import delta_minutes as _minutes
from models.events import Bypassed, Escalated, FailedAgain, StakeholderUpdate
from planner import markdown as md
from planner.tracking.domain.moments import moment
from planner.tracking.domain.words import describe
from planner.tracking.reports.component_review import outcomes_json, outcomes_markdown
from planner.tracking.reports.review import Review
from planner.tracking.reports.update_review import (
    update_outcomes,
    updates_headline,
    updates_json,
    updates_markdown,
)


def _at(r: Review, when: datetime) -> str:
    """A time of the incident: ``HH:MM`` on the day it started, with the date on any other."""
    return moment(when, r.state.row.started)


def review_markdown(r: Review) -> str:
    """The review as a Markdown document."""
    lines = _summary(r)
    lines += ["", "## Timeline", ""]
    lines += [
        f"- {_at(r, e.at)} {md.text(e.actor)}: {md.text(describe(e))}"
        for e in sorted(r.journal, key=lambda e: (e.at, e.seq))
    ]
    lines += _downtime(r)
    lines += outcomes_markdown(r.components, r.state)
    reopened = [e for e in r.journal if isinstance(e, FailedAgain)]
    lines += ["", "## Reopened", ""]
    lines += [f"- {_at(r, e.at)} {md.text(describe(e))} (by {md.text(e.actor)})" for e in reopened] or [
        "- none"
    ]
    lines += _bypasses(r)
    cadence = timedelta(seconds=r.state.info.update_cadence)
    updates = update_outcomes(r.journal)
    lines += ["", "## Stakeholder updates", ""]
    lines.append(
        f"- {updates_headline(updates)}; cadence {clock(cadence)}: "
        + ("kept" if not r.gaps else f"**missed {len(r.gaps)} time(s)**")
    )
    lines += updates_markdown(updates, lambda when: _at(r, when))
    lines += [f"- gap of {clock(b - a)}: {_at(r, a)} to {_at(r, b)}" for a, b in r.gaps]
    escalations = [e for e in r.journal if isinstance(e, Escalated)]
    lines += ["", "## Escalations", ""]
    lines += [
        f"- {_at(r, e.at)} {md.text(e.actor)} escalated {md.text(e.service)} to {md.text(e.person)}"
        for e in escalations
    ] or ["- none"]
    lines += _estimates(r)
    lines += ["", "## Review questions", ""]
    for question, data in r.questions:
        lines += [f"### {md.text(question)}", "", *(f"- {md.text(d)}" for d in data), ""]
    items = [
        f"- [ ] remove {md.text(w.id)}: {md.text(w.service)} without the check of "
        f"{md.text(w.dependency)} (owner {md.text(w.owner or 'none')})"
        for w in r.state.open_workarounds()
    ]
    items += [f"- [ ] update the plan: {md.code(o.suggestion)}" for o in r.outcomes if o.suggestion]
    lines += ["## Action items", "", *(items or ["- none"])]
    return "\n".join(lines).rstrip() + "\n"


def _summary(r: Review) -> list[str]:
    """The review's title and its first facts: when, how long, how many."""
    row = r.state.row
    kind = "Exercise" if row.exercise else "Incident"
    lines = [f"# Post-incident review: {md.text(row.id)} {md.text(row.title)}", ""]
    lines += [
        f"- {kind}, scenario {md.code(row.scenario)}, plan '{md.text(row.plan_name)}' "
        f"(sha256 {row.plan_hash[:12]})",
        f"- detected: {row.detected:%Y-%m-%d %H:%M} UTC" if row.detected else "- detected: not recorded",
        f"- declared: {row.started:%Y-%m-%d %H:%M} UTC"
        + (f" ({clock(row.started - row.detected)} after detection)" if row.detected else ""),
        f"- resolved: {row.resolved:%Y-%m-%d %H:%M} UTC after {clock(row.resolved - row.started)}"
        if row.resolved
        else "- resolved: not yet (this review is provisional)",
    ]
    restored = sum(1 for o in r.outcomes if o.restored)
    lines.append(
        f"- {len(r.outcomes)} services impacted, {restored} restored, "
        f"{sum(1 for o in r.outcomes if o.reopened)} reopened, "
        f"{sum(1 for o in r.outcomes if o.met is False)} RTOs missed"
    )
    return lines


def _downtime(r: Review) -> list[str]:
    """Each service's downtime against its RTO, as a table."""
    lines = [
        "",
        "## Downtime against RTO",
        "",
        "| service | owner | restored | downtime | RTO | met | reopened |",
        "|---|---|---|---|---|---|---|",
    ]
    owners: dict[str | None, str] = {}  # a few teams and RTOs among 10,000 rows: each written once
    rtos: dict[timedelta | None, str] = {}
    for o in r.outcomes:
        met = {True: "yes", False: "**missed**", None: "-"}[o.met]
        owner = owners.get(o.owner)
        if owner is None:
            owner = owners[o.owner] = md.text(o.owner or "(none)")
        rto = rtos.get(o.rto)
        if rto is None:
            rto = rtos[o.rto] = span(o.rto)
        back = f" {_at(r, o.restored)} | {span(o.downtime)} |" if o.restored else " never | - |"
        lines.append(f"| {md.text(o.service)} | {owner} |{back} {rto} | {met} | {o.reopened or ''} |")
    return lines


def _expired(r: Review, bypass: Bypassed) -> bool:
    """Whether ``bypass``'s workaround is still open and past its expiry when the review is drawn."""
    wa = r.state.wa_rows.get(bypass.workaround)
    expires = wa.expires if wa is not None else bypass.expires
    removed = wa is not None and wa.removed is not None
    return not removed and r.now is not None and expires is not None and expires < r.now


def _bypasses(r: Review) -> list[str]:
    """Every bypass of the incident and whether its workaround is still open."""
    lines = ["", "## Bypasses and workarounds", ""]
    bypasses = [e for e in r.journal if isinstance(e, Bypassed)]
    for e in bypasses:
        wa = r.state.wa_rows.get(e.workaround)
        status = "**still open**"
        if wa is not None and wa.removed is not None:
            status = f"removed {wa.removed:%Y-%m-%d %H:%M} by {md.text(wa.removed_by or '')}"
        elif _expired(r, e):
            status = f"**still open, EXPIRED {(wa.expires if wa else e.expires):%Y-%m-%d %H:%M}**"
        lines.append(
            f"- {md.text(e.workaround)}: {md.text(e.service)} ran without the check of "
            f"{md.text(e.dependency)}: {md.text(e.reason)} (by {md.text(e.actor)} at "
            f"{e.at:%Y-%m-%d %H:%M}, owner {md.text(e.owner or 'none')}); {status}"
        )
    if not bypasses:
        lines.append("- none: every dependency check was passed")
    return lines


def _estimates(r: Review) -> list[str]:
    """The plan's restore estimates against what was measured, with suggested plan edits."""
    lines = [
        "",
        "## Estimate vs actual",
        "",
        "| service | estimate | actual | difference |",
        "|---|---|---|---|",
    ]
    for o in r.outcomes:
        if o.actual is not None:
            lines.append(
                f"| {md.text(o.service)} | {span(o.estimate)} | {span(o.actual)} | "
                f"{span(o.actual - o.estimate)} |"
            )
    edits = [o.suggestion for o in r.outcomes if o.suggestion]
    if edits:
        lines += ["", "Suggested plan edits (under each service):", "", *md.fenced("\n".join(edits), "yaml")]
    return lines


def review_json(r: Review) -> dict[str, Any]:  # long: one JSON document, key by key
    """The review for machines."""
    row = r.state.row
    return {
        "incident": row.id,
        "title": row.title,
        "exercise": row.exercise,
        "scenario": row.scenario,
        "detected": row.detected.isoformat() if row.detected else None,
        "declared": row.started.isoformat(),
        "resolved": row.resolved.isoformat() if row.resolved else None,
        "detection_to_declaration_minutes": _minutes(row.started - row.detected) if row.detected else None,
        "services": [
            {
                "service": o.service,
                "owner": o.owner,
                "restored": o.restored.isoformat() if o.restored else None,
                "downtime_minutes": _minutes(o.downtime),
                "rto_minutes": _minutes(o.rto),
                "met_rto": o.met,
                "reopened": o.reopened,
                "estimate_minutes": _minutes(o.estimate),
                "actual_minutes": _minutes(o.actual),
                "waited_minutes": _minutes(o.waited),
                "suggested_edit": o.suggestion,
            }
            for o in r.outcomes
        ],
        "components": outcomes_json(r.components, r.state),
        "reopened": [
            {"at": e.at.isoformat(), "service": e.service, "reopened": e.reopened}
            for e in r.journal
            if isinstance(e, FailedAgain)
        ],
        "bypasses": [
            {
                "workaround": e.workaround,
                "service": e.service,
                "dependency": e.dependency,
                "reason": e.reason,
                "by": e.actor,
                "at": e.at.isoformat(),
                "owner": e.owner,
                "removed": (
                    w.removed.isoformat() if (w := r.state.wa_rows.get(e.workaround)) and w.removed else None
                ),
                "expired": _expired(r, e),
            }
            for e in r.journal
            if isinstance(e, Bypassed)
        ],
        "updates": {
            "sent": sum(1 for e in r.journal if isinstance(e, StakeholderUpdate)),  # logged, in fact
            **updates_json(update_outcomes(r.journal)),
            "cadence_minutes": r.state.info.update_cadence / 60,
            "kept": not r.gaps,
            "gaps": [
                {"from": a.isoformat(), "to": b.isoformat(), "minutes": _minutes(b - a)} for a, b in r.gaps
            ],
        },
        "escalations": [
            {"at": e.at.isoformat(), "service": e.service, "person": e.person}
            for e in r.journal
            if isinstance(e, Escalated)
        ],
        "questions": [{"question": q, "data": d} for q, d in r.questions],
        "timeline": [
            {"seq": e.seq, "at": e.at.isoformat(), "actor": e.actor, "kind": e.kind, "text": describe(e)}
            for e in r.journal
        ],
    }
