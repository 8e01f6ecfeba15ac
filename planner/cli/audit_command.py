"""``planner audit``.

Commands import their own modules inside the function (see :mod:`planner.cli`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import click

from planner.cli.options import PLAN
from planner.cli.params import Seconds
from planner.cli.streams import emit_json, say, styler
from planner.errors import PlanError

if TYPE_CHECKING:
    from models.events import RunEvidence
    from planner.audit.findings import AuditReport, Finding
    from planner.planfile.loader import LoadedPlan
    from planner.tracking.persistence.store import PlanHistory


class AuditFormat(StrEnum):
    """``--format`` of ``planner audit``."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"


class FailOn(StrEnum):
    """``--fail-on``: the least severe finding that makes the audit exit 1, or never."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    NEVER = "never"


_FAIL_RANK: dict[str, int] = {FailOn.ERROR: 0, FailOn.WARNING: 1, FailOn.INFO: 2}
"""Each severity's rank, most severe first (``planner.audit.findings.SEVERITY_ORDER``, which
is not imported here: importing ``planner.audit`` loads the engine)."""


class AsOf(click.ParamType[date, object]):
    """A day: ``2027-01-15``, ``today``, ``tomorrow``, ``yesterday``, ``+30d``, ``+2w``."""

    name = "date"
    FORMS = "YYYY-MM-DD (e.g. 2027-01-15), today, tomorrow, yesterday, or days/weeks ahead like +30d, +2w"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> date:
        import re
        from datetime import UTC, date, timedelta

        if isinstance(value, date):
            return value
        text = str(value).strip().lower()
        today = datetime.now(UTC).date()
        named = {"today": 0, "tomorrow": 1, "yesterday": -1}
        if text in named:
            return today + timedelta(days=named[text])
        ahead = re.fullmatch(r"\+(\d{1,4})([dw])", text)
        if ahead:
            return today + timedelta(days=int(ahead[1]) * (7 if ahead[2] == "w" else 1))
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.fail(f"{value!r} is not a day: give {self.FORMS}", param, ctx)


@click.command()
@PLAN
@click.option("--scenario", metavar="ID", help="restrict findings to the services this scenario impacts")
@click.option(
    "--store",
    "store_path",
    metavar="DB",
    help="also read the incident store: workarounds its incidents left open, drills, reviews held",
)
@click.option(
    "--all-scenarios",
    is_flag=True,
    help="also run every scenario and every single-service failure and list the worst (one "
    "schedule each, up to 500,000 scheduled tasks in all: the output says what was left out)",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    type=AsOf(),
    help=f"audit as of this day (default: now), e.g. the day of the next exercise: {AsOf.FORMS}",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in AuditFormat]),
    default=AuditFormat.TEXT.value,
    show_default=True,
    help="text for people, json for machines, sarif for code-scanning UIs",
)
@click.option(
    "--full",
    is_flag=True,
    help="text: list every finding (a long audit shows each rule's count and its worst findings)",
)
@click.option(
    "--fail-on",
    type=click.Choice([f.value for f in FailOn]),
    default=FailOn.ERROR.value,
    show_default=True,
    help="exit 1 when a finding is at or above this severity",
)
@click.option(
    "--run-checks",
    is_flag=True,
    help="also RUN every verify and check command of the scenario's services (an exercise's dry run)",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="with --run-checks: commands run at a time",
)
@click.option(
    "--timeout",
    type=Seconds(min=0.1, max=3600),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="with --run-checks: kill each command's process group after this long (a failure)",
)
def audit(  # noqa: PLR0917 - click passes every option positionally by name
    plan: str,
    scenario: str | None,
    store_path: str | None,
    all_scenarios: bool,
    as_of: object,
    fmt: str,
    full: bool,
    fail_on: str,
    run_checks: bool,
    jobs: int,
    timeout: float,
) -> int:
    """Audit PLAN before an exercise: every rule, the readiness checklist and coverage.

    Finds missing owners, unchecked dependencies, RTOs that cannot be met, stale runbooks,
    untested escalation paths, unassigned incident roles and workarounds that bypass dependency
    checks; a long list is grouped by rule (--full lists every finding). Rule severities can be
    changed per plan under `policy.rules`. Exit 1 when a finding is at or above --fail-on
    (default: error), 0 otherwise, 2 for a plan that cannot be read.

    \b
    Examples:
      planner audit examples/enterprise.yaml
      planner audit plan.yaml --as-of 2027-01-15 --fail-on warning
      planner audit plan.yaml --scenario storage-outage --run-checks --format sarif > audit.sarif

    Nothing from the plan runs unless you ask: --run-checks runs each verify and check command
    (with your rights, in this directory, without a shell unless the command needs one), wave by
    wave in dependency order, --jobs at a time, and reports each that fails now as `check-fails`
    with its output's last line. `policy.run_checks: never` or PLANNER_RUN_CHECKS=never forbid it.
    """

    from planner.audit import as_of_moment, run_audit
    from planner.audit.report_formats import audit_json, audit_sarif, unreadable_report
    from planner.planfile.loader import load_plan

    day = as_of if isinstance(as_of, date) else None
    try:
        loaded = load_plan(plan, references=False)  # checked by the audit, beside the engine
    except PlanError as exc:
        if fmt != AuditFormat.TEXT:  # CI uploads the document: it must exist, and say why it is empty
            name = "<stdin>" if plan == "-" else plan
            report = unreadable_report(exc, name, as_of_moment(day).date().isoformat(), scenario)
            emit_json(audit_sarif(report) if fmt == AuditFormat.SARIF else audit_json(report))
        raise
    history = _history(store_path, loaded.plan.name) if store_path else None
    report = run_audit(
        loaded,
        as_of_moment(day),
        scenario,
        sources=(history,) if history else (),
        reviews=history.reviews if history else None,
        drills=history.drills if history else (),
        held=False,  # made as they are written, each located as it is written and only when shown
    )
    if run_checks:
        _run_checks(loaded, scenario, report, jobs, timeout)
    counts = _emit(report, loaded, fmt, all_scenarios=all_scenarios, full=full)
    return _exit_code(counts, fail_on)


def _exit_code(counts: dict[str, int], fail_on: str) -> int:
    """1 when a finding is at or above ``fail_on`` (``counts``: findings per severity), else 0."""
    if fail_on == FailOn.NEVER:
        return 0
    threshold = _FAIL_RANK[fail_on]
    return 1 if any(n and _FAIL_RANK[severity] <= threshold for severity, n in counts.items()) else 0


def _emit(
    report: AuditReport, loaded: LoadedPlan, fmt: str, *, all_scenarios: bool, full: bool
) -> dict[str, int]:
    """Write the report in ``fmt`` (with the scenario table when asked; as text, every finding
    or, when the list is long and not ``full``, each rule's count and worst findings); return
    the count of findings per severity. The findings are made, located and written a part at a
    time, JSON and SARIF too: neither the findings, their places nor the document are held."""
    from planner.audit.report_formats import audit_json, finding_json, sarif_parts
    from planner.audit.report_text import audit_text
    from planner.audit.rule_runner import locator

    if fmt == AuditFormat.JSON:
        data = audit_json(report, findings=False)
        if all_scenarios:
            data["scenarios"], data["scenarios_covered"] = _scenario_table(loaded, json_out=True)
        return _stream(data, data["findings"], report, loaded, finding_json, summary=data)
    if fmt == AuditFormat.SARIF:
        document, results, result = sarif_parts(report)
        return _stream(document, results, report, loaded, result)
    importance = {s.id: s.criticality.rank for s in loaded.plan.services}
    counts: dict[str, int] = {}
    place = locator(loaded)
    for part in audit_text(report, styler(), full=full, importance=importance, locate=place, tally=counts):
        say(part, nl=False)
    if all_scenarios:
        say(_scenario_table(loaded, json_out=False))
    return counts


def _stream(
    document: dict[str, Any],
    holder: list[Any],
    report: AuditReport,
    loaded: LoadedPlan,
    item: Callable[[Finding], Any],
    *,
    summary: dict[str, Any] | None = None,
) -> dict[str, int]:
    """``document`` on stdout with ``holder`` (a list in it) filled with ``item`` of each
    finding, a part at a time as they are made: each part located (in file order), turned into
    JSON, written and dropped again; ``summary["summary"]`` set to the count of each severity
    once they are all written (it comes after them). Returns those counts."""
    from itertools import islice

    from planner.audit.findings import count_severities
    from planner.audit.report_formats import streamed
    from planner.audit.rule_runner import PART, locator
    from planner.cli.streams import write_all

    place = locator(loaded)
    found = report.each()
    counts = count_severities(())

    def parts() -> Iterator[list[Any]]:
        while part := list(islice(found, PART)):
            place(part)
            for f in part:
                counts[f.severity] += 1
            yield [item(f) for f in part]

    def ending() -> None:
        if summary is not None:
            summary["summary"] = counts

    sys.stdout.flush()  # anything already written as text goes first
    for data in streamed(document, holder, parts(), ending):
        write_all(sys.stdout.buffer, data)
    sys.stdout.buffer.flush()
    return counts


def _run_checks(
    loaded: LoadedPlan, scenario: str | None, report: AuditReport, jobs: int, timeout: float
) -> None:
    """Run the plan's commands (with progress on stderr) and add what failed to ``report``."""
    from planner.audit.checkruns import run_checks
    from planner.audit.rule_runner import report_order
    from planner.errors import UsageError
    from planner.running import RunRefusedError
    from planner.style import visible

    if loaded.problems:
        raise UsageError("--run-checks needs a plan without dependency errors: fix those first")

    def progress(command: object, evidence: RunEvidence, done: int, total: int) -> None:
        verdict = "ok" if evidence.passed else "FAILS"
        say(visible(f"[{done}/{total}] {verdict:<5} {command}: {evidence.summary()}"), err=True)

    try:
        failed = run_checks(loaded, scenario, jobs=jobs, timeout=timeout, progress=progress)
    except RunRefusedError as refusal:
        raise UsageError(str(refusal)) from None
    report.findings = sorted([*report.findings, *failed], key=report_order)


def _history(path: str, plan_name: str) -> PlanHistory:
    from planner.cli.incident_options import warned
    from planner.tracking.persistence.db import locate
    from planner.tracking.persistence.store import Store

    with Store(locate(path), create=False, warn=warned) as store:  # a mistyped --store is an error
        return store.for_plan(plan_name)


def _scenario_table(loaded: LoadedPlan, json_out: bool) -> Any:
    from models.duration import fmt_duration
    from planner.audit.scenarios import all_scenarios

    if loaded.problems:
        if json_out:
            return [], "not run: the dependency graph has errors"
        return "\nScenarios: not run, the dependency graph has errors."
    outcomes, covered = all_scenarios(loaded.plan)
    if json_out:
        return [
            {
                "id": o.id,
                "name": o.name,
                "impacted": o.impacted,
                "rto_misses": o.rto_misses,
                "unachievable": o.unachievable,
                "unowned": o.unowned,
                "makespan": o.makespan / 60,
            }
            for o in outcomes
        ], covered
    lines = [f"\nWorst scenarios ({covered}; top 10 by RTO misses, then unowned tasks):"]
    lines.append(
        f"  {'scenario':<32} {'impacted':>8} {'misses':>7} {'unachievable':>13} {'unowned':>8} "
        f"{'back after':>11}"
    )
    for o in outcomes[:10]:
        lines.append(
            f"  {o.id[:32]:<32} {o.impacted:>8} {o.rto_misses:>7} {o.unachievable:>13} {o.unowned:>8} "
            f"{fmt_duration(o.makespan):>11}"
        )
    return "\n".join(lines)
