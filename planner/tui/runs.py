"""``!`` on the recovery screen: run the selected service's verify or one of its checks, after a
dialog that shows the exact command, how it runs (with or without a shell, and why), as whom,
where and for how long. The run is a worker thread; its evidence is recorded through the same
guard as the CLI's ``--run`` (see :mod:`planner.tracking.runs`)."""

from __future__ import annotations

from collections.abc import Sequence

from textual import work

from models.events import Event, RunEvidence, Verified, VerifyFailed
from planner.errors import PlannerError
from planner.running import RunPlan, run
from planner.tracking.runs import Target, prepare
from planner.tracking.state import CONFIRMED
from planner.tracking.words import ran
from planner.tui import safe
from planner.tui.acting import ActingScreen
from planner.tui.dialogs import ConfirmScreen, PickScreen


def last_verify_run(journal: Sequence[Event], service: str) -> str | None:
    """What the newest run of ``service``'s verify in ``journal`` showed, and when (None when the
    last word on its verify was a person's, or there is none)."""
    for event in reversed(journal):
        if isinstance(event, Verified | VerifyFailed) and event.service == service:
            if event.run is None:
                return None
            verdict = "passed" if event.run.passed else "FAILED"
            return f"{verdict}{ran(event.run)} at {event.at:%H:%M}"
    return None


class RunningScreen(ActingScreen):
    """Runs a plan's command when the person confirms that one command."""

    @work(exclusive=True, group="dialog")
    async def action_run(self) -> None:
        """Run the selected service's verify or one of its checks (asks first, showing it)."""
        service = self.need_service()
        if service is None:
            return
        task = self.state.tasks[service]
        choices = [
            (c.dependency, f"check of {c.dependency} (check {c.state}): {c.command}")
            for c in sorted(self.state.checks(service), key=lambda c: (c.state in CONFIRMED, c.dependency))
            if c.command
        ]
        if task.verify:
            choices.insert(0, ("", f"verify of {service}: {task.verify}"))
        if not choices:
            self.notify(f"The plan has no command to run for {service}.", severity="warning")
            return
        picked = choices[0][0]
        if len(choices) > 1:
            answer = await self.app.push_screen_wait(PickScreen(f"Run which command of {service}?", choices))
            if answer is None:
                return
            picked = answer
        target = Target(service, picked or None)
        if self.refuse_offline():  # its result could not be recorded: do not run it
            return
        try:
            plan = prepare(self.state, target, self.session.actor, self.clock())
        except PlannerError as refusal:
            self.refuse(str(refusal))
            return
        body = (
            f"{plan.describe()}\n\nExit status 0 records a pass; anything else (a timeout too) records "
            "a failure. The exit status, the time it took and the first and last lines of its output "
            "go in the journal."
        )
        if await self.app.push_screen_wait(ConfirmScreen(f"Run {target}?", body, yes="Run it")):
            self.notify(f"Running {target} (at most {plan.timeout:g} s)...", timeout=3)
            self._run(target, plan)

    @work(thread=True, group="run", exit_on_error=False)
    def _run(self, target: Target, plan: RunPlan) -> None:
        evidence = run(plan)
        self.app.call_from_thread(self._ran, target, evidence)

    def _ran(self, target: Target, evidence: RunEvidence) -> None:
        verdict = "passed" if evidence.passed else "FAILED"
        self.send(target.action(evidence), f"{target} {verdict}")
        self.notify(
            safe.block(f"{target} {verdict}{ran(evidence)}"),
            severity="information" if evidence.passed else "warning",
            timeout=8,
        )


__all__ = ["RunningScreen", "last_verify_run"]
