"""``!`` on the recovery screen: run the selected service's verify or one of its checks, after a
dialog that shows the exact command, how it runs (with or without a shell, and why), as whom,
where and for how long. The run is a worker thread; its evidence is recorded through the same
guard as the CLI's ``--run`` (see :mod:`planner.tracking.domain.check_runs`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.worker import Worker, WorkerState

from models.events import Event, RunEvidence, Verified, VerifyFailed
from planner.errors import PlannerError
from planner.running import RunPlan, run
from planner.tracking.domain.check_runs import Target, prepare
from planner.tracking.domain.state import CONFIRMED
from planner.tracking.domain.words import ran
from planner.tui import safe
from planner.tui.desk import Part, report_failed_work
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


class CheckRunner(Part):
    """Runs a plan's command when the person confirms that one command; one run of each
    command at a time, shown on its row while it runs."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "exclamation_mark",
            "run",
            "Run a check",
            key_display="!",
            tooltip="Run the service's verify or a check now (shows the command and asks first)",
        ),
    ]

    class Running(Message):
        """The commands running now changed: ``running`` maps each service to what runs."""

        def __init__(self, running: dict[str, str]) -> None:
            self.running = running
            super().__init__()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.running: dict[Target, datetime] = {}
        """The commands running now, and since when."""

    def _changed(self) -> None:
        shown: dict[str, str] = {}
        for target in sorted(self.running, key=lambda t: (t.service, t.dependency or "")):
            what = "verify" if target.dependency is None else f"check of {target.dependency}"
            shown[target.service] = f"{shown[target.service]}, {what}" if target.service in shown else what
        self.post_message(self.Running(shown))

    def _already(self, target: Target) -> bool:
        """Say so and return True when ``target`` is running now (it is not started twice)."""
        since = self.running.get(target)
        if since is None:
            return False
        self.notify(
            safe.block(
                f"{target} is already running (since {since:%H:%M:%S}); its result is recorded when it ends."
            ),
            severity="warning",
        )
        return True

    def _choices(self, service: str) -> list[tuple[str, str]]:
        """The commands of ``service`` that can be run: its verify first, then its checks ("" is
        the verify)."""
        state = self.desk.state
        task = state.tasks[service]
        choices = [
            (c.dependency, f"check of {c.dependency} (check {c.state}): {c.command}")
            for c in sorted(state.checks(service), key=lambda c: (c.state in CONFIRMED, c.dependency))
            if c.command
        ]
        if task.verify:
            choices.insert(0, ("", f"verify of {service}: {task.verify}"))
        return choices

    @work(exclusive=True, group="dialog")
    async def action_run(self) -> None:
        """Run the selected service's verify or one of its checks (asks first, showing it)."""
        desk = self.desk
        service = desk.need_service()
        if service is None:
            return
        choices = self._choices(service)
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
        if self._already(target) or desk.refuse_offline():  # its result could not be recorded: do not run it
            return
        try:
            plan = prepare(desk.state, target, desk.session.actor, desk.clock())
        except PlannerError as refusal:
            desk.refuse(str(refusal))
            return
        body = (
            f"{plan.describe()}\n\nExit status 0 records a pass; anything else (a timeout too) records "
            "a failure. The exit status, the time it took and the first and last lines of its output "
            "go in the journal."
        )
        if await self.app.push_screen_wait(ConfirmScreen(f"Run {target}?", body, yes="Run it")):
            if self._already(target):
                return
            self.running[target] = desk.clock()
            self._changed()
            self.notify(f"Running {target} (at most {plan.timeout:g} s)...", timeout=3)
            self._run(target, plan)

    @work(thread=True, group="run", exit_on_error=False)
    def _run(self, target: Target, plan: RunPlan) -> None:
        try:
            evidence = run(plan)
        finally:
            self.app.call_from_thread(self._ended, target)
        self.app.call_from_thread(self._ran, target, evidence)

    def _ended(self, target: Target) -> None:
        self.running.pop(target, None)
        self._changed()

    def _ran(self, target: Target, evidence: RunEvidence) -> None:
        verdict = "passed" if evidence.passed else "FAILED"
        # recorded whatever the guard says: a run the state moved past is kept as run_not_applied
        self.desk.send(target.record(evidence), f"{target} {verdict}")
        self.notify(
            safe.block(f"{target} {verdict}{ran(evidence)}"),
            severity="information" if evidence.passed else "warning",
            timeout=8,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A run that failed to run at all is a bug: say so."""
        if event.state == WorkerState.ERROR:
            report_failed_work(self, event.worker.group, event.worker.error, timeout=20)


__all__ = ["CheckRunner", "last_verify_run"]
