"""Audit findings and the report that holds them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from planner.errors import YamlPath

Answer = Literal["yes", "no", "unknown"]


class Severity(StrEnum):
    """How serious a finding is (a rule's default, or a plan's ``policy.rules`` setting)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
"""Errors first."""


@dataclass(slots=True)
class Finding:
    """One thing an audit found, and what to do about it."""

    rule: str
    """Stable rule id (docs/design/rules.md)."""
    severity: Severity
    """After ``policy.rules`` overrides."""
    message: str
    """What is wrong and what to do."""
    service: str | None = None
    """Service concerned."""
    dependency: str | None = None
    """Dependency concerned."""
    team: str | None = None
    """Team concerned."""
    person: str | None = None
    """Person concerned."""
    path: YamlPath = ()
    """Where in the plan, for the location."""
    location: str | None = None
    """``plan.yaml:42:7`` once located."""
    line: int | None = None
    """1-based line once located."""
    column: int | None = None
    """1-based column once located."""

    def subjects(self) -> dict[str, str]:
        """What the finding is about (service, dependency, team, person), where set."""
        named = (
            ("service", self.service),
            ("dependency", self.dependency),
            ("team", self.team),
            ("person", self.person),
        )
        return {key: value for key, value in named if value is not None}


@dataclass(frozen=True)
class ReadinessAnswer:
    """One question of the readiness checklist."""

    question: str
    """The question."""
    answer: Answer
    """yes / no / unknown."""
    detail: str
    """The reason."""


def count_severities(findings: Iterable[Finding]) -> dict[str, int]:
    """Count of ``findings`` per severity (every severity, most severe first)."""
    out = {str(s): 0 for s in Severity}
    for finding in findings:
        out[finding.severity] += 1
    return out


NEEDS_WORK = "the plan needs work before the next exercise."


@dataclass
class AuditReport:
    """Everything ``planner audit`` says."""

    plan_name: str
    """The plan's name."""
    file: str
    """The plan file."""
    as_of: str
    """The date audited as of (ISO)."""
    scenario: str | None
    """Scenario the audit was restricted to, if any."""
    findings: list[Finding] = field(default_factory=list)
    """Sorted by severity, then service, then rule; when the findings are not held (``made``),
    only those added to the report afterwards (``--run-checks``' failures)."""
    readiness: list[ReadinessAnswer] = field(default_factory=list)
    """The six questions."""
    coverage: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Name -> (covered, total): checks on hard dependencies, owners, runbooks, verify, RTO."""
    notes: list[str] = field(default_factory=list)
    """Things the audit could not do (e.g. RTO rules on a plan with cycles)."""
    made: Callable[[Sequence[Finding], Collection[str] | None], Iterator[Finding]] | None = field(
        default=None, repr=False
    )
    """When the findings are not held (``planner audit``, the runbook): makes them afresh, in
    report order, with the given findings merged in, of the given rules only (see :meth:`each`)."""

    def each(self, rules: Collection[str] | None = None) -> Iterator[Finding]:
        """Every finding in report order (of ``rules`` only, when given): the held ones, or made
        afresh by the rules with ``findings`` merged in (each call runs the rules again: a writer
        counts as it writes)."""
        if self.made is not None:
            return self.made(self.findings, rules)
        if rules is None:
            return iter(self.findings)
        return (f for f in self.findings if f.rule in rules)

    def summary(self) -> dict[str, int]:
        """Count of findings per severity."""
        return count_severities(self.each())

    @property
    def needs_work(self) -> bool:
        """The plan needs work before the next exercise: critical systems miss their RTO (that
        alone decides it: nothing else matters if the recovery cannot be on time), or more than
        two answers are "no"."""
        return self.rto_missed or sum(1 for a in self.readiness if a.answer == "no") > 2

    @property
    def rto_missed(self) -> bool:
        """The checklist says critical systems cannot be restored within their RTOs."""
        return any(a.question.startswith("Can critical systems") and a.answer == "no" for a in self.readiness)

    def verdict(self) -> str:
        """One sentence: how many answers are "no", and what that means."""
        noes = sum(1 for a in self.readiness if a.answer == "no")
        said = f"{noes} of {len(self.readiness)} answers {'is' if noes == 1 else 'are'} 'no'"
        if self.rto_missed:
            return (
                f"{said}, and critical systems miss their RTO: the plan needs work before the next exercise."
            )
        if self.needs_work:
            return f"{said}: {NEEDS_WORK}"
        return f"{said}."
