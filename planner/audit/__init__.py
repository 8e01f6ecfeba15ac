"""``planner audit``: every rule of SPEC section 5, the readiness checklist and coverage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from functools import partial

from models.plan import Plan
from planner.audit import spof as _spof  # noqa: F401 - registers the single-point-of-failure rule
from planner.audit.context import AuditContext
from planner.audit.findings import SEVERITY_ORDER, AuditReport, Finding, ReadinessAnswer
from planner.audit.readiness import coverage, plan_answers, readiness, rto_answer
from planner.audit.rules import RULES, Rule
from planner.audit.split import Forked, WorkerLostError, can_fork
from planner.engine.planning import CyclicGraphError, plan_recovery
from planner.engine.workarounds import WorkaroundSource, open_workarounds
from planner.errors import YamlPath
from planner.planfile.loader import LoadedPlan, list_lengths
from planner.planfile.references import check_references

__all__ = ["RULES", "AuditReport", "Finding", "as_of_moment", "run_audit"]


def as_of_moment(day: date | None) -> datetime:
    """The moment an audit is taken at: now, or the start (00:00 UTC) of the ``--as-of`` day."""
    if day is None:
        return datetime.now(UTC)
    return datetime.combine(day, time.min, tzinfo=UTC)


PARALLEL_FROM = 10_000
"""Services from which a whole-plan audit runs the engine and its rules in a second process."""


def run_audit(
    loaded: LoadedPlan,
    as_of: datetime,
    scenario: str | None = None,
    *,
    sources: tuple[WorkaroundSource, ...] = (),
    reviews: tuple[int, int] | None = None,
    drills: Sequence[date] = (),
) -> AuditReport:
    """Audit a structurally valid plan.

    Referential problems become findings beside everything that can still be checked; the RTO
    rules and single-point-of-failure need a valid graph and are skipped (with a note) without one.
    ``scenario`` restricts the findings to the services that scenario impacts.

    A large plan audited whole is split over two processes: a forked worker runs the engine and
    the rules that read it, while this process runs the referential checks (when the plan was
    loaded with them deferred; cycles are left to the worker, whose restore order finds them),
    the other rules, the checklist and coverage, and locates findings. A referential problem
    stops the worker. The report is the same either way.
    """
    plan = loaded.plan
    notes: list[str] = []
    planning = None
    scope = None
    scenario_name = None
    split = scenario is None and not loaded.problems and len(plan.services) >= PARALLEL_FROM and can_fork()
    if not split:
        loaded.ensure_checked()
    if not loaded.problems and not split:
        planning = plan_recovery(plan, scenario)
        if scenario:
            scope = set(planning.impact.impacted)
            scenario_name = planning.selection.name
    ctx = AuditContext(
        loaded=loaded,
        as_of=as_of,
        workarounds=open_workarounds(plan, sources),
        planning=planning,
        scope=scope,
        scenario_name=scenario_name,
        drills=list(drills),
    )
    engine_side = Forked(partial(_engine_side, ctx)) if split else None
    # beside the worker: the reference checks but cycles, which its engine run rules out
    if engine_side is not None and check_references(plan, cycles=False):
        engine_side.cancel()  # the engine needs a valid graph: its work is void
        engine_side = None
        loaded.ensure_checked()
    if engine_side is None:
        findings, answers, figures = _whole(ctx, reviews)
    else:
        findings = _findings(ctx, [r for r in RULES.values() if not r.planning])
        answers = plan_answers(ctx, reviews)
        figures = coverage(ctx)
        # While the worker runs the engine: locate the key its RTO rules report at.
        loaded.source.locate(_rto_keys(plan), list_lengths(plan))
        try:
            result = engine_side.result()
        except WorkerLostError:  # killed (out of memory?): do its share here instead
            result = _engine_side(ctx)
        if result is None:  # a cycle: report it, without the engine's rules
            loaded.ensure_checked()
            findings, answers, figures = _whole(ctx, reviews)
        else:
            loaded.problems, loaded.checked = [], True  # no reference problem, no cycle
            rows, rto = result
            answers.append(rto)
            findings.extend(_locate(loaded, [Finding(*row) for row in rows]))
            findings.sort(key=_report_order)
    if loaded.problems:
        notes.append("RTO rules and single-point-of-failure skipped: fix the dependency errors first")
    return AuditReport(
        plan_name=plan.name,
        file=loaded.source.name,
        as_of=as_of.date().isoformat(),
        scenario=scenario,
        findings=findings,
        readiness=answers,
        coverage=figures,
        notes=notes,
    )


_Row = tuple[str, str, str, str | None, str | None, str | None, str | None, YamlPath]


def _engine_side(ctx: AuditContext) -> tuple[list[_Row], ReadinessAnswer] | None:
    """The worker's share of a split audit: the engine, the rules that read it (their findings
    as plain tuples, which pickle fast) and the readiness question it answers; None when the
    hard dependencies have a cycle."""
    try:
        ctx.planning = plan_recovery(ctx.plan)
    except CyclicGraphError:
        return None
    found = _run_rules(ctx, [r for r in RULES.values() if r.planning])
    rows = [(f.rule, f.severity, f.message, f.service, f.dependency, f.team, f.person, f.path) for f in found]
    return rows, rto_answer(ctx)


def _whole(
    ctx: AuditContext, reviews: tuple[int, int] | None
) -> tuple[list[Finding], list[ReadinessAnswer], dict[str, tuple[int, int]]]:
    """Every rule, the checklist and coverage, in this process."""
    return _findings(ctx, list(RULES.values())), readiness(ctx, reviews), coverage(ctx)


def _rto_keys(plan: Plan) -> list[YamlPath]:
    return [("services", i, "rto") for i, s in enumerate(plan.services) if s.rto is not None]


def _run_rules(ctx: AuditContext, rules: list[Rule]) -> list[Finding]:
    """Run ``rules`` with the plan's severity overrides."""
    overrides = ctx.plan.policy.rules
    findings: list[Finding] = []
    for rule in rules:
        setting = overrides.get(rule.id, rule.severity)
        if setting == "off":
            continue
        for finding in rule.check(ctx):
            finding.severity = setting
            findings.append(finding)
    return findings


def _findings(ctx: AuditContext, rules: list[Rule]) -> list[Finding]:
    """Run ``rules``; their findings in report order, located (in that order: neighbouring
    paths one after another read fastest)."""
    findings = _run_rules(ctx, rules)
    findings.sort(key=_report_order)
    return _locate(ctx.loaded, findings)


def _report_order(f: Finding) -> tuple[int, str, str, str, str]:
    return (SEVERITY_ORDER[f.severity], f.service or "~", f.rule, f.dependency or "", f.message)


def _locate(loaded: LoadedPlan, findings: list[Finding]) -> list[Finding]:
    positions = loaded.source.locate([f.path for f in findings], list_lengths(loaded.plan))
    name = loaded.source.name
    for f in findings:
        pos = positions.get(f.path)
        if pos is None:
            f.location, f.line = f"{name}:1", 1
        else:
            f.location, f.line, f.column = f"{name}:{pos.line}:{pos.column}", pos.line, pos.column
    return findings
