"""The RTO rules (docs/design/rules.md): RTOs no staffing can meet, RTOs the schedule misses, and
RTOs looser than a dependency's; each yields in report order (see :mod:`planner.audit.rules`).
A 100,000-service plan has some 240,000 such findings: what their messages repeat (durations,
a service's own half of an inversion) is spelled once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from operator import attrgetter

from models.duration import fmt_duration
from planner.audit.context import AuditContext
from planner.audit.findings import Finding, Severity
from planner.audit.rules import by_dependency_order
from planner.style import possessive

ERROR, WARNING = Severity.ERROR, Severity.WARNING


class _Spelled(dict[float, str]):
    """Durations for people, each spelled once (an audit spells a few RTOs hundreds of thousands
    of times)."""

    def __missing__(self, seconds: float) -> str:
        text = self[seconds] = fmt_duration(seconds)
        return text


def rto_unachievable(ctx: AuditContext) -> Iterator[Finding]:
    if ctx.planning is None:
        return
    analysis = ctx.planning.rto
    brief = analysis.brief
    spelled = _Spelled()
    durations = ctx.planning.schedule.problem.duration
    index = ctx.service_index
    for miss in sorted(analysis.unachievable, key=_by_service):  # one miss per service
        first, hidden, last = brief(miss)
        parts = [f"{s} ({spelled[durations[s]]})" for s in first]
        if hidden:
            parts.append(f"... {hidden} more ...")
        parts += [f"{s} ({spelled[durations[s]]})" for s in last]
        lever = f"; {miss.levers[0].describe()}" if miss.levers else ""
        service = miss.service
        yield Finding(
            "rto-unachievable",
            ERROR,
            f"{service} cannot meet its RTO of {spelled[miss.rto]} even with unlimited staff: "
            f"{' -> '.join(parts)} = {spelled[miss.earliest_finish]}{lever}",
            service,
            None,
            None,
            None,
            ("services", index[service], "rto"),
        )


_by_service = attrgetter("service")


def rto_at_risk(ctx: AuditContext) -> Iterator[Finding]:
    if ctx.planning is None:
        return
    spelled = _Spelled()
    index = ctx.service_index
    for miss in sorted(ctx.planning.rto.missed, key=_by_service):  # one miss per service
        lever = f"; to fix: {miss.levers[0].describe()}" if miss.levers else ""
        yield Finding(
            "rto-at-risk",
            Severity.WARNING,
            f"{miss.service} is scheduled to be back at {spelled[miss.finish]}, "
            f"{spelled[miss.late_by]} past its RTO of {spelled[miss.rto]}, because its "
            f"teams' capacity runs other tasks first{lever}",
            service=miss.service,
            path=("services", index[miss.service], "rto"),
        )


def rto_inversion(ctx: AuditContext) -> Iterator[Finding]:
    rtos = {s.id: s.rto for s in ctx.plan.services if s.rto is not None}
    spelled: dict[timedelta, str] = {rto: fmt_duration(rto.total_seconds()) for rto in set(rtos.values())}
    index, scope, rto_of = ctx.service_index, ctx.scope, rtos.get
    for s in ctx.by_id():
        mine = s.rto
        if mine is None:
            continue
        found = None
        for j, dep in enumerate(s.depends_on):
            on = dep.service
            theirs = rto_of(on)
            # the cheap test first: 150,000 findings among 350,000 dependencies at 100,000 services
            if (
                theirs is None
                or theirs <= mine
                or dep.kind != "hard"
                or (scope is not None and on not in scope)
            ):
                continue
            if found is None:  # what every finding of this service says of it, made once
                found, sid, at = [], s.id, index[s.id]
                head = f"{sid} (RTO {spelled[mine]}) hard-depends on "
                tail = f" RTO or relax {possessive(sid)}"
            found.append(
                Finding(
                    "rto-inversion",
                    WARNING,
                    f"{head}{on} (RTO {spelled[theirs]}): it cannot be back before its dependency; "
                    f"tighten {possessive(on)}{tail}",
                    sid,
                    on,
                    None,
                    None,
                    ("services", at, "depends_on", j),
                )
            )
        if found:
            yield from by_dependency_order(found)
