"""``rto-unlikely``: RTOs the schedule meets on paper but a forecast says are unlikely
(docs/design/forecast.md#the-audit-rule).

Sampling costs far more than the deterministic rules, so the rule runs only when the audit names
a scenario (``--scenario``) of at most :data:`TASK_LIMIT` tasks, on :data:`AUDIT_SAMPLES`
samples, with a lever searched for the :data:`MAX_LEVERS` least likely services only; a full-site
audit, and any plan past the limit, is never sampled.
"""

from __future__ import annotations

from collections.abc import Iterator

from models.duration import fmt_duration
from planner.audit.context import AuditContext
from planner.audit.findings import Finding, Severity

TASK_LIMIT = 2000
"""Scenarios with more tasks than this are not sampled by the audit (use ``planner forecast``)."""
AUDIT_SAMPLES = 1000
"""Samples of the audit's forecast (a probability's Monte Carlo error is then under 1.6 points)."""
MAX_LEVERS = 3
"""Services whose lever is searched, least likely first."""
SEED = 0


def rto_unlikely(ctx: AuditContext) -> Iterator[Finding]:
    planning = ctx.planning
    if planning is None or ctx.scope is None or len(planning.schedule.problem.order) > TASK_LIMIT:
        return
    # numpy only when the rule samples: imported at load, its thread pools alone reserved ~1 GB of
    # address space in every audit (a 2 GB RLIMIT_AS then failed the 2,000,000-edge census case)
    from planner.forecast.levers import best_lever
    from planner.forecast.scenario import run, setup_of

    policy = ctx.plan.policy
    setup = setup_of(planning, policy.forecast_spread)
    result = run(setup, AUDIT_SAMPLES, SEED)
    misses = set(planning.schedule.misses())  # rto-unachievable and rto-at-risk report those
    unlikely = [f for f in result.unlikely(policy.forecast_threshold) if f.service not in misses]
    threshold = round(policy.forecast_threshold * 100)
    for rank, f in enumerate(unlikely):
        lever = best_lever(setup, f.service, SEED) if rank < MAX_LEVERS else None
        fix = f"; what moves it most: {lever.describe()}" if lever else ""
        yield Finding(
            "rto-unlikely",
            Severity.WARNING,
            f"{f.service} is scheduled within its RTO of {fmt_duration(f.rto)}, but meets it in only "
            f"{round((f.p_meet or 0) * 100)}% of {AUDIT_SAMPLES} sampled recoveries (P90 finish "
            f"{fmt_duration(round(f.p90 / 60) * 60)}; threshold {threshold}%){fix}",
            service=f.service,
            path=("services", ctx.service_index[f.service], "rto"),
        )
