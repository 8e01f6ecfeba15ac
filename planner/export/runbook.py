"""The Markdown recovery runbook: the document a responder prints before an exercise."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import islice

from models.duration import fmt_clock, fmt_duration
from models.plan import Plan
from planner import markdown as md
from planner.audit.findings import AuditReport
from planner.engine.planning import Planning
from planner.engine.workarounds import OpenWorkaround
from planner.errors import UsageError
from planner.export.mermaid import render_flowchart, render_gantt
from planner.export.view import View
from planner.style import plural
from planner.tracking.domain.components import status_of


def _anchor(text: str) -> str:
    return "".join(c for c in text.lower().replace(" ", "-") if c.isalnum() or c == "-")


def _service_section(
    planning: Planning, s: str, impacted: set[str], workarounds: list[OpenWorkaround], today: date
) -> list[str]:
    plan = planning.graph.plan
    svc = planning.graph.services[s]
    task = planning.schedule.task(s)
    people = {p.id: p for p in plan.people}
    team = next((t for t in plan.teams if t.id == svc.owner), None)
    out = ["", f"### {md.text(s)}", "", f"**{md.text(svc.label)}** · {svc.criticality.value}"]
    if team is None:
        out.append("- **Owner: NONE** — nobody is accountable for this step")
    else:
        channel = f", {md.text(team.channel)}" if team.channel else ""
        out.append(f"- Owner: **{md.text(team.name or team.id)}** ({md.text(team.id)}){channel}")
        ladder = [
            f"{n}. {md.text(people[p].name or p)} — {md.text(people[p].contact or 'NO CONTACT')}"
            if p in people
            else f"{n}. {md.text(p)}"
            for n, p in enumerate(team.escalation, start=1)
        ]
        out.append("- Escalation, in order: " + ("; ".join(ladder) if ladder else "**none**"))
    rto = fmt_duration(svc.rto.total_seconds()) if svc.rto else "none set"
    verdict = "" if task.meets_rto is None else (" ✅ meets RTO" if task.meets_rto else " ❌ **misses RTO**")
    out.append(
        f"- RTO {rto}; projected start T+{fmt_clock(task.start)}, back at T+{fmt_clock(task.finish)}{verdict}"
    )
    if svc.runbook:
        out.append(
            f"- Restore steps: {md.link(svc.runbook.url)} ({_review(svc.runbook.reviewed, plan, today)})"
        )
    else:
        out.append("- Restore steps: **NO RUNBOOK**")
    if svc.verify:
        out.append(f"- Verify: {md.code(svc.verify)}")
    else:
        out.append("- Verify: **NO VERIFY COMMAND** — nobody can say when it is restored")
    if svc.depends_on:
        out.append("- Dependencies:")
    for d in svc.depends_on:
        state = "down in this scenario" if d.service in impacted else "up"
        if d.kind == "soft":
            out.append(f"  - {md.text(d.service)} (soft, {state}): runs degraded without it")
        elif d.check:
            out.append(f"  - {md.text(d.service)} ({state}): check {md.code(d.check)}")
        else:
            out.append(f"  - {md.text(d.service)} ({state}): ⚠️ **NO CHECK** — add one to the plan")
    for w in workarounds:
        if s in (w.service, w.bypasses):
            expired = ""
            if w.expires is not None and w.expires.date() < today:
                days = (today - w.expires.date()).days
                expired = f" **EXPIRED {plural(days, 'day')} ago** ({w.expires:%Y-%m-%d}), still in place;"
            out.append(
                f"- ⚠️ Open workaround **{md.text(w.id)}**:{expired} {md.text(w.service)} bypasses its "
                f"{md.text(w.bypasses)} check since {w.applied:%Y-%m-%d} ({md.text(w.reason)}); "
                f"owner {md.text(w.owner or 'NONE')}"
            )
    return out


def _components_section(planning: Planning) -> list[str]:
    """What customers and staff know, the services each needs and uses, how this scenario
    leaves it (docs/design/semantics.md#components) and when it is projected whole again."""
    plan = planning.graph.plan
    if not plan.components:
        return []
    impacted = set(planning.impact.impacted)
    out = [
        "",
        "## Components",
        "",
        "| Component | Audience | Needs | Uses | In this scenario | Whole again |",
        "|---|---|---|---|---|---|",
    ]
    for c in plan.components:
        needs, uses = list(dict.fromkeys(c.needs)), [u for u in dict.fromkeys(c.uses) if u not in c.needs]
        hit = [s for s in (*needs, *uses) if s in impacted]
        status = status_of(
            len(needs), sum(1 for s in needs if s in impacted), sum(1 for s in uses if s in impacted)
        )
        back = f"T+{fmt_clock(max(planning.schedule.task(s).finish for s in hit))}" if hit else "-"
        out.append(
            f"| {md.text(c.name)} | {c.audience} | {md.text(', '.join(needs)) or '-'} | "
            f"{md.text(', '.join(uses)) or '-'} | {status.label.lower()} | {back} |"
        )
    return out


def _review(reviewed: date | None, plan: Plan, today: date) -> str:
    """``reviewed 2026-09-15``, or flagged: ``**STALE**: reviewed 548 days ago, policy 90``."""
    limit = plan.policy.runbook_review_days
    if reviewed is None:
        return f"**STALE**: never reviewed, policy {limit} days"
    age = (today - reviewed).days
    if age > limit:
        return f"**STALE**: reviewed {plural(age, 'day')} ago ({reviewed}), policy {limit} days"
    return f"reviewed {reviewed}"


def render_runbook(
    planning: Planning, view: View, report: AuditReport, workarounds: list[OpenWorkaround], today: date
) -> str:
    """Title, readiness checklist, then per wave and per service: owner, contacts and escalation
    in order, RTO and projected finish, restore steps, verify command, each dependency with its
    check (or a visible NO CHECK), open workarounds; the Mermaid flowchart and Gantt; a TOC."""
    return "".join(runbook_text(planning, view, report, workarounds, today))


LINES = 10_000
"""Lines of the runbook made and written at a time by :func:`runbook_text`."""


def runbook_text(
    planning: Planning, view: View, report: AuditReport, workarounds: list[OpenWorkaround], today: date
) -> Iterator[str]:
    """:func:`render_runbook` :data:`LINES` lines at a time, made as they are written: a plan
    of 2,000 services each depending on every earlier one lists 2 million dependencies (157 MB
    of Markdown), which is never held whole."""
    lines = _runbook_lines(planning, view, report, workarounds, today)
    while part := list(islice(lines, LINES)):
        yield "".join(line + "\n" for line in part)


def _runbook_lines(
    planning: Planning, view: View, report: AuditReport, workarounds: list[OpenWorkaround], today: date
) -> Iterator[str]:
    plan = planning.graph.plan
    impacted = set(planning.impact.impacted)
    title = f"Recovery runbook: {md.text(plan.name)}"
    out = [f"# {title}", ""]
    out.append(
        f"Scenario: **{md.text(planning.selection.name)}** · generated {today.isoformat()} "
        "by recovery-planner · "
        f"{len(impacted)} services to restore in {len(planning.waves)} waves · projected makespan "
        f"{fmt_duration(planning.schedule.makespan)}"
    )
    roles = plan.roles.assigned()
    if roles:
        out += [
            "",
            "Incident roles: "
            + ", ".join(f"{md.text(r.replace('_', ' '))} **{md.text(p)}**" for r, p in sorted(roles.items())),
        ]
    out += ["", "## Contents", "", "- [Readiness checklist](#readiness-checklist)"]
    out += ["- [Components](#components)"] if plan.components else []
    out += ["- [Dependency diagram](#dependency-diagram)", "- [Schedule](#schedule)"]
    for i, wave in enumerate(planning.waves, start=1):
        out.append(f"- [Wave {i}](#wave-{i})")
        out.extend(f"  - [{md.text(s)}](#{_anchor(s)})" for s in wave)
    out += ["", "## Readiness checklist", "", "| Question | Answer | Why |", "|---|---|---|"]
    for a in report.readiness:
        out.append(f"| {md.text(a.question)} | **{md.text(a.answer)}** | {md.text(a.detail)} |")
    if report.needs_work:
        out += ["", f"> **{md.text(report.verdict())}**"]
    out += _components_section(planning)
    out += [
        "",
        "## Dependency diagram",
        "",
        "Arrows point the way restoration flows (dependency → dependent);",
        "dotted: soft, labelled 'no check': a hard dependency nobody can confirm.",
        "",
        *md.fenced(render_flowchart(view), "mermaid"),
    ]
    try:
        gantt = md.fenced(render_gantt(planning), "mermaid")
    except UsageError as exc:  # a schedule past the calendar's end: say so, keep the runbook
        gantt = [md.text(str(exc))]
    out += ["", "## Schedule", "", *gantt]
    yield from out
    for i, wave in enumerate(planning.waves, start=1):
        yield from ("", f"## Wave {i}")
        for s in wave:
            yield from _service_section(planning, s, impacted, workarounds, today)
    if planning.impact.degraded:
        yield from ("", "## Degraded, not restored", "")
        yield from (f"- {md.text(s)}" for s in planning.impact.degraded)
