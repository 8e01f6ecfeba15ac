"""Every audit rule, in one list (:data:`RULES`): its stable id, default severity, what it finds
in a line, the help a person reads (what to do about it), and the function that checks it.

The SARIF rule descriptors, the ids the JSON and text reports carry, the rule ids a plan's
``policy.rules`` may name (``models.plan.RULE_IDS``, tied to this list by a test) and the rules
page of the documentation (:func:`rules_markdown`, ``docs/audit-rules.md``) all come from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from planner.audit import forecast_rule, rto_rules, rules, spof
from planner.audit.context import AuditContext
from planner.audit.findings import Finding, Severity

RuleFn = Callable[[AuditContext], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    """An audit rule."""

    id: str
    """Stable rule id (docs/audit-rules.md): what ``policy.rules`` names, and every report carries."""
    severity: Severity
    """Default severity (a plan's ``policy.rules`` may change it or turn the rule off)."""
    summary: str
    """One line: what it finds (SARIF's short description)."""
    help: str
    """Why it matters and what to do (the documentation's rules page)."""
    check: RuleFn | None
    """The rule itself; None for a rule reported by something else than the rule runner."""
    planning: bool = False
    """Whether it reads ``ctx.planning`` (the engine's results); only such rules may."""
    ordered: bool = False
    """Whether it yields in report order itself (services by id, then dependencies: see
    :mod:`planner.audit.rules`); the runner sorts the findings of the others, which are few."""


ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

RULES: tuple[Rule, ...] = (
    Rule(
        "missing-owner",
        ERROR,
        "service has no owner",
        "Nobody is accountable for restoring the service. Assign an owner team (`owner: <team-id>`). "
        "With --scenario it names the outage nobody would own.",
        rules.missing_owner,
        ordered=True,
    ),
    Rule(
        "unknown-reference",
        ERROR,
        "an id names nothing",
        "A dependency, owner, member, scenario or workaround names an id the plan does not define; "
        "the message gives the closest id.",
        rules.unknown_reference,
    ),
    Rule(
        "duplicate-dependency",
        ERROR,
        "a service lists the same dependency twice",
        "Keep one entry per dependency (the kinds and checks of two entries would disagree).",
        rules.duplicate_dependency,
    ),
    Rule(
        "dependency-cycle",
        ERROR,
        "hard dependencies form a cycle",
        "No restore order exists while hard dependencies form a cycle; the message names the cycle "
        "and the edge to cut (make it soft, or remove it).",
        rules.dependency_cycle,
    ),
    Rule(
        "unchecked-dependency",
        WARNING,
        "hard dependency without a check",
        "Nobody can confirm the dependency works for the service before restoring it. Add a "
        "`check:` that proves it answers (soft dependencies never need one).",
        rules.unchecked_dependency,
        ordered=True,
    ),
    Rule(
        "bypassed-check",
        ERROR,
        "a workaround bypasses a dependency check and is not removed",
        "An open workaround (in the plan, or left open by a tracked incident) skips a dependency "
        "check: who applied it, why, when and which team must remove it.",
        rules.bypassed_check,
    ),
    Rule(
        "expired-workaround",
        ERROR,
        "a workaround past its expiry and not removed",
        "A workaround outlived its expiry and is still in place; its owner team must remove it now.",
        rules.expired_workaround,
    ),
    Rule(
        "missing-verification",
        WARNING,
        "service without verify",
        "Without a `verify:` command nobody can say when the service is restored; add the health "
        "check a responder runs to confirm it.",
        rules.missing_verification,
        ordered=True,
    ),
    Rule(
        "missing-rto",
        WARNING,
        "service without rto",
        "Agree how fast the service must be back (`rto: 4h`); the RTO rules need it.",
        rules.missing_rto,
        ordered=True,
    ),
    Rule(
        "missing-restore-time",
        WARNING,
        "service without restore_time",
        "Schedules count a service without `restore_time:` as instant; measure it in the next exercise.",
        rules.missing_restore_time,
        ordered=True,
    ),
    Rule(
        "rto-unachievable",
        ERROR,
        "earliest restore exceeds the RTO even with unlimited staff",
        "The chain of restore times before the service exceeds its RTO even with unlimited staff; the "
        "message names the chain, its total and the task or RTO to change.",
        rto_rules.rto_unachievable,
        planning=True,
        ordered=True,
    ),
    Rule(
        "rto-at-risk",
        WARNING,
        "the capacity-bound schedule finishes it after its RTO",
        "With the teams' capacities, the schedule finishes the service after its RTO; the message "
        "names the capacity or task to change.",
        rto_rules.rto_at_risk,
        planning=True,
        ordered=True,
    ),
    Rule(
        "rto-unlikely",
        WARNING,
        "the schedule meets the RTO, but a forecast says it is unlikely",
        "Restore times vary: sampled around their estimates (spread `policy.forecast_spread`), the "
        "schedule meets the RTO less often than `policy.forecast_threshold` (default 80%); the message "
        "names the estimate, capacity or dependency that moves it most. Only with --scenario, up "
        "to 2,000 tasks (`planner forecast` has the whole picture).",
        forecast_rule.rto_unlikely,
        planning=True,
    ),
    Rule(
        "rto-inversion",
        WARNING,
        "a hard dependency has a looser RTO than the service needing it",
        "A service cannot be back before its hard dependency: tighten the dependency's RTO or relax "
        "the service's.",
        rto_rules.rto_inversion,
        ordered=True,
    ),
    Rule(
        "missing-runbook",
        WARNING,
        "service without a runbook",
        "Write down the restore steps and link them (`runbook: {url: ..., reviewed: ...}`).",
        rules.missing_runbook,
        ordered=True,
    ),
    Rule(
        "stale-runbook",
        WARNING,
        "runbook never reviewed or reviewed too long ago",
        "Walk through the runbook and set `reviewed:` (policy: `runbook_review_days`, as of --as-of).",
        rules.stale_runbook,
        ordered=True,
    ),
    Rule(
        "no-escalation",
        WARNING,
        "owner team has no escalation path or no contact on it",
        "List who to page, in order (`escalation:`), each with a `contact:`.",
        rules.no_escalation,
    ),
    Rule(
        "single-contact",
        INFO,
        "escalation path of one person",
        "When the one person is unreachable nobody is next; add a second.",
        rules.single_contact,
    ),
    Rule(
        "escalation-untested",
        WARNING,
        "escalation path never tested or not tested recently",
        "Page through the path and set `escalation_tested:` (policy: `escalation_test_days`).",
        rules.escalation_untested,
    ),
    Rule(
        "unassigned-role",
        ERROR,
        "no incident commander or no communications lead",
        "Assign both under `roles:` before the next incident.",
        rules.unassigned_role,
    ),
    Rule(
        "exercise-overdue",
        WARNING,
        "no exercise within exercise_interval_days",
        "Run one of the scenarios as an exercise (`planner track PLAN --scenario ID --exercise`) or "
        "record one under `exercises:` (policy: `exercise_interval_days`).",
        rules.exercise_overdue,
    ),
    Rule(
        "single-point-of-failure",
        INFO,
        "a service whose failure impacts a large share of critical services",
        "One service's failure alone takes down half or more of the critical services (at least "
        "three): consider redundancy, a soft dependency, or a scenario that exercises it.",
        spof.single_point_of_failure,
        planning=True,
        ordered=True,
    ),
    Rule(
        "check-fails",
        ERROR,
        "a verify or check command failed when audit --run-checks ran it",
        "Reported only by `planner audit --run-checks`, which runs the plan's commands: the "
        "command's exit status and the last line it printed.",
        None,
    ),
)
"""Every audit rule, in the order of docs/design/rules.md."""

BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
"""Every audit rule by id."""

RUN_RULES: tuple[Rule, ...] = tuple(r for r in RULES if r.check is not None)
"""The rules every audit runs (``check-fails`` only comes from ``--run-checks``)."""

INVALID_PLAN = Rule(
    "invalid-plan",
    ERROR,
    "the plan cannot be read or is not a valid plan; nothing else was audited",
    "Not an audit rule: what a JSON or SARIF audit reports when the plan cannot be read at all, "
    "so that a CI job uploading the document still gets one (the job fails on exit 2).",
    None,
)
"""Not an audit rule (a plan cannot turn it off): an unreadable plan's findings."""


def rules_markdown() -> str:
    """The documentation's page of audit rules (``docs/audit-rules.md``)."""
    lines = [
        "# Audit rules",
        "",
        "Every rule `planner audit` checks, with its default severity. A plan changes a rule's",
        "severity or turns it off under `policy.rules` (e.g. `single-contact: off`).",
        "Made from `planner/audit/registry.py` by `rules_markdown()` (a test checks this page against it).",
        "",
        "| rule | default | finds | what to do |",
        "|---|---|---|---|",
    ]
    lines += [f"| `{r.id}` | {r.severity} | {r.summary} | {r.help.replace('|', '&#124;')} |" for r in RULES]
    return "\n".join(lines) + "\n"
