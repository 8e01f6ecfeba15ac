"""``planner audit --run-checks``: before an exercise, run every ``verify`` and ``check`` command
of a scenario's services (opt-in, never by default), wave by wave in dependency order with a
bounded number at a time, and report the ones that fail now as ``check-fails`` findings with
what they printed: broken checks found on a quiet afternoon, not during the outage."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from models.events import RunEvidence
from planner.audit.findings import Finding, Severity
from planner.audit.registry import BY_ID
from planner.audit.rule_runner import locate
from planner.children import kill_running, signals_to_main_thread
from planner.engine.planning import plan_order
from planner.planfile.loader import LoadedPlan
from planner.planfile.services import service_index
from planner.running import DEFAULT_TIMEOUT, RunRefusedError, allowed, plan_of, run

RULE = BY_ID["check-fails"]
"""The audit rule of a command that failed when run."""
DEFAULT_JOBS = 4
"""Commands run at a time."""


@dataclass(frozen=True)
class Command:
    """One command of the plan: a service's verify, or the check of one of its dependencies."""

    service: str
    dependency: str | None
    text: str
    path: tuple[str | int, ...]

    def __str__(self) -> str:
        return (
            f"verify of {self.service}"
            if self.dependency is None
            else f"check of {self.dependency} for {self.service}"
        )


def commands(loaded: LoadedPlan, scenario: str | None) -> list[list[Command]]:
    """The commands of the scenario's impacted services (every service without a scenario),
    wave by wave: a wave's checks run after the verifies of the services they check."""
    plan = loaded.plan
    index = service_index(plan.services)
    waves = plan_order(plan, scenario).waves
    out = []
    for wave in waves:
        step = []
        for sid in wave:
            i = index[sid]
            service = plan.services[i]
            if service.verify:
                step.append(Command(sid, None, service.verify, ("services", i, "verify")))
            for j, dep in enumerate(service.depends_on):
                if dep.check:
                    step.append(
                        Command(sid, dep.service, dep.check, ("services", i, "depends_on", j, "check"))
                    )
        out.append(step)
    return out


def run_checks(
    loaded: LoadedPlan,
    scenario: str | None,
    *,
    jobs: int = DEFAULT_JOBS,
    timeout: float = DEFAULT_TIMEOUT,
    cwd: Path | None = None,
    progress: Callable[[Command, RunEvidence, int, int], None] | None = None,
) -> list[Finding]:
    """Run every command (see :func:`commands`) and return a located finding per failure;
    ``progress(command, evidence, done, total)`` is told of each run as it ends."""
    try:
        allowed(loaded.plan.policy.run_checks)
    except RunRefusedError as refusal:
        raise RunRefusedError(f"{refusal}: --run-checks cannot run") from None
    setting = loaded.plan.policy.rules.get(RULE.id, RULE.severity)
    steps = commands(loaded, scenario)
    total = sum(map(len, steps))
    findings: list[Finding] = []
    done = 0

    def one(command: Command) -> tuple[Command, RunEvidence]:
        try:
            return command, run(plan_of(command.text, cwd=cwd, timeout=timeout))
        except RunRefusedError as cannot:
            where = str((cwd or Path.cwd()).resolve())
            evidence = RunEvidence(
                command=command.text, shell=False, cwd=where, exit_status=None, seconds=0.0, error=str(cannot)
            )
            return command, evidence

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        try:
            for step in steps:
                with signals_to_main_thread():  # its threads start here: see planner.children
                    ran = pool.map(one, step)
                for command, evidence in ran:
                    done += 1
                    if progress is not None:
                        progress(command, evidence, done, total)
                    if evidence.passed or setting == "off":
                        continue
                    said = f"{command} fails now: `{command.text}`: {evidence.summary()}"
                    if evidence.last_line():
                        said += f"; last output: {evidence.last_line()[:200]}"
                    findings.append(
                        Finding(
                            rule=RULE.id,
                            severity=Severity(setting),
                            message=said + ". Fix the check or what it checks before the exercise.",
                            service=command.service,
                            dependency=command.dependency,
                            path=command.path,
                        )
                    )
        except BaseException:  # Ctrl-C: the commands running go now, not at their timeout
            pool.shutdown(wait=False, cancel_futures=True)
            kill_running()
            raise
    return locate(loaded, findings)


__all__ = ["DEFAULT_JOBS", "RULE", "Command", "commands", "run_checks"]
