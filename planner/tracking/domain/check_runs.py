"""Running a check or verify command of an incident on request (``incident check --run``,
``incident verify --run``, the recovery screen's ``!``): which command, whether the guards would
take a pass before anything runs, and the action that records what the run showed.

Nothing here runs by itself: :func:`prepare` only says what would run (for a dialog to show, or
a CLI to announce), and the caller runs it with :func:`planner.running.run` when the person asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from models.events import Event, RunEvidence, RunNotApplied
from planner.running import DEFAULT_TIMEOUT, RunPlan, RunRefusedError, allowed, plan_of
from planner.tracking.domain import actions
from planner.tracking.domain.guards import RefusedError, require_check, require_started, require_task
from planner.tracking.domain.state import View


@dataclass(frozen=True)
class Target:
    """A command to run: a service's own verify (``dependency`` None) or the check of one of its
    dependencies."""

    service: str
    dependency: str | None = None

    def __str__(self) -> str:
        if self.dependency is None:
            return f"the verify of {self.service}"
        return f"the check of {self.dependency} for {self.service}"

    def action(self, run: RunEvidence) -> actions.Action:
        """The action that records ``run``: a check passed or failed, a verify confirmed or failed."""
        if self.dependency is None:
            return actions.Verify(self.service, None, run)
        return actions.Check(self.service, self.dependency, run.passed, None, run)

    def record(self, run: RunEvidence) -> RecordRun:
        """The action that records ``run`` whatever the guard says of it (see :class:`RecordRun`):
        what a caller that ran the command uses."""
        return RecordRun(self, run)


@dataclass(frozen=True)
class RecordRun(actions.Action):
    """Record what a run showed: as the check or verify it decides when the guard takes it, else
    (the state moved on while it ran: another terminal restored the service, say) as a
    ``run_not_applied`` event with the guard's words, so the run's evidence is never lost. The
    caller tells the two apart by the kind of the event recorded."""

    target: Target
    run: RunEvidence

    def decide(self, view: View, actor: str, at: datetime) -> list[Event]:
        target = self.target
        try:
            return target.action(self.run).decide(view, actor, at)
        except RefusedError as refusal:
            row = require_started(view, at)
            require_task(view, target.service)
            return [
                RunNotApplied(
                    incident=row.id,
                    at=at,
                    actor=actor,
                    service=target.service,
                    dependency=target.dependency,
                    run=self.run,
                    refused=str(refusal),
                )
            ]


def command_of(view: View, target: Target) -> str:
    """The plan's command for ``target`` (refused when the plan has none: nothing to run)."""
    task = require_task(view, target.service)
    if target.dependency is None:
        if task.verify is None:
            raise RefusedError(f"the plan has no verify command for {target.service}: nothing to run")
        return task.verify
    require_check(view, task, target.dependency)
    held = next(c for c in view.checks(target.service) if c.dependency == target.dependency)
    if held.command is None:
        raise RefusedError(f"the plan has no check command for {target}: nothing to run")
    return held.command


def prepare(
    view: View,
    target: Target,
    actor: str,
    at: datetime,
    *,
    cwd: Path | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> RunPlan:
    """How ``target``'s command would run, once it is allowed (the plan's policy, the
    environment) and the guards would record a pass now: a check whose dependency is not
    restored, or a verify of a service not begun, is refused before anything runs."""
    try:
        allowed(view.meta().run_checks)
        command = command_of(view, target)
        plan = plan_of(command, cwd=cwd, timeout=timeout)
        passing = RunEvidence(command=command, shell=False, cwd=str(plan.cwd), exit_status=0, seconds=0.0)
        target.action(passing).decide(view, actor, at)  # refused, naming what blocks, as a pass would be
    except (RunRefusedError, RefusedError) as refusal:
        raise RefusedError(f"{refusal} (nothing was run)") from None
    return plan


__all__ = ["RecordRun", "Target", "command_of", "prepare"]
