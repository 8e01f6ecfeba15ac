"""The tracking actions and their guards (docs/design/guards.md).

Each action reads the rows it needs through a :class:`~planner.tracking.domain.state.View`, refuses with
:class:`RefusedError` (exit 1, naming what blocks) or returns the events to record. The store runs an
action inside one ``BEGIN IMMEDIATE`` transaction, so what the guard saw still holds when the
events are written.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime, timedelta

from models.events import (
    Bypassed,
    CheckFailed,
    CheckPassed,
    Escalated,
    Event,
    FailedAgain,
    Resolved,
    Restored,
    RunEvidence,
    TaskBegun,
    Verified,
    VerifyFailed,
    WorkaroundRemoved,
)
from planner.errors import UsageError
from planner.style import possessive
from planner.tracking.domain.blockers import restore_blockers
from planner.tracking.domain.guards import (
    RefusedError,
    hhmm,
    require_check,
    require_not_before,
    require_open,
    require_started,
    require_task,
)
from planner.tracking.domain.recheck import restored_dependents
from planner.tracking.domain.state import (
    BYPASSED,
    DOWN,
    OPEN,
    PASSED,
    RESTORED,
    RESTORING,
    View,
)

DEFAULT_BYPASS_EXPIRY = timedelta(hours=24)
"""How long a bypass may stay before it counts as expired, unless ``--expires`` says."""


class Action(ABC):
    """A tracking action: what a person asked for, checked by :meth:`decide` against the
    incident's rows. The store runs ``decide`` inside the action's transaction."""

    @abstractmethod
    def decide(self, view: View, actor: str, at: datetime) -> list[Event]:
        """The events to record for this action by ``actor`` at ``at``; raises
        :class:`RefusedError` (nothing is written) naming what blocks."""


@dataclass(frozen=True)
class Begin(Action):
    """Someone starts restoring ``service``."""

    service: str

    def decide(self, view: View, actor: str, at: datetime) -> list[Event]:
        service = self.service
        row = require_open(view, at)
        task = require_task(view, service)
        if task.state == RESTORING:
            raise RefusedError(f"{service} is already being restored (since {hhmm(task.begun)})")
        if task.state == RESTORED:
            raise RefusedError(f"{service} is restored; if it broke again, say so with `fail`")
        return [TaskBegun(incident=row.id, at=at, actor=actor, service=service)]


@dataclass(frozen=True)
class Check(Action):
    """A dependency check of ``service`` passed or failed."""

    service: str
    dependency: str
    passed: bool
    observed: str | None
    run: RunEvidence | None = None
    """The check command's run (``--run``): its exit status decides ``passed``."""

    def decide(self, view: View, actor: str, at: datetime) -> list[Event]:
        service, dependency, passed, observed = self.service, self.dependency, self.passed, self.observed
        run = self.run
        if run is not None and run.passed != passed:
            raise UsageError(f"a check run that {'passed' if run.passed else 'failed'} is recorded as such")
        row = require_open(view, at)
        task = require_task(view, service)
        require_check(view, task, dependency)
        held = next(c for c in view.checks(service) if c.dependency == dependency)
        if task.state == RESTORED and not (passed and held.state == BYPASSED):
            # a restored service's checks are settled; the one exception is a bypassed check finally
            # passing, which is what lets its workaround be removed
            raise RefusedError(f"{service} is already restored; if it is broken, say so with `fail`")
        if not passed:
            return [
                CheckFailed(
                    incident=row.id,
                    at=at,
                    actor=actor,
                    service=service,
                    dependency=dependency,
                    observed=observed,
                    run=run,
                )
            ]
        dep = view.task(dependency)
        if dep is not None and dep.state != RESTORED:
            raise RefusedError(
                f"the check of {dependency} for {service} cannot pass: {dependency} is {dep.state}; "
                f"restore it first"
            )
        if held.command is None and not (observed and observed.strip()):
            raise RefusedError(
                f"the plan has no check command for {service} -> {dependency}: say what you looked at "
                "with --observed TEXT (and add a `check:` to the plan)"
            )
        return [
            CheckPassed(
                incident=row.id,
                at=at,
                actor=actor,
                service=service,
                dependency=dependency,
                observed=observed,
                run=run,
            )
        ]


@dataclass(frozen=True)
class Verify(Action):
    """The service's own verify was confirmed."""

    service: str
    observed: str | None
    run: RunEvidence | None = None
    """The verify command's run (``--run``): a failed one is recorded as a failed verify."""

    def decide(self, view: View, actor: str, at: datetime) -> list[Event]:
        service, observed, run = self.service, self.observed, self.run
        row = require_open(view, at)
        task = require_task(view, service)
        if task.state == DOWN:
            raise RefusedError(f"{service} is down: begin restoring it before confirming its verify")
        if task.state == RESTORED:
            raise RefusedError(f"{service} is already restored")
        if task.verify is None and not (observed and observed.strip()):
            raise RefusedError(
                f"the plan has no verify command for {service}: say what you looked at with --observed TEXT "
                "(and add `verify:` to the plan)"
            )
        if run is not None and not run.passed:
            return [VerifyFailed(incident=row.id, at=at, actor=actor, service=service, run=run)]
        return [Verified(incident=row.id, at=at, actor=actor, service=service, observed=observed, run=run)]


@dataclass(frozen=True)
class Restore(Action):
    """Declare ``service`` restored: its impacted hard dependencies restored with their checks
    passed or bypassed, and its own verify confirmed."""

    service: str

    def decide(self, view: View, actor: str, at: datetime) -> list[Event]:
        service = self.service
        row = require_open(view, at)
        task = require_task(view, service)
        if task.state == RESTORED:
            raise RefusedError(f"{service} is already restored (at {hhmm(task.restored)})")
        require_not_before(at, task.begun, f"work on {service} began")
        why = restore_blockers(view, task)
        if why:
            raise RefusedError(f"{service}: " + "; ".join(why))
        return [Restored(incident=row.id, at=at, actor=actor, service=service)]


@dataclass(frozen=True)
class Bypass(Action):
    """Skip a dependency check: allowed with a reason, and recorded as a workaround that stays open
    (in every audit and in the report) until removed."""

    service: str
    dependency: str
    reason: str
    expires: timedelta | None

    def decide(self, view: View, actor: str, at: datetime) -> list[Event]:
        service, dependency, reason, expires = self.service, self.dependency, self.reason, self.expires
        row = require_open(view, at)
        task = require_task(view, service)
        require_check(view, task, dependency)
        if not reason.strip():
            raise RefusedError("a bypass needs a reason: say why with --reason TEXT")
        if task.state == RESTORED:
            raise RefusedError(f"{service} is already restored")
        held = next(c for c in view.checks(service) if c.dependency == dependency)
        if held.state == PASSED:  # e.g. another terminal passed it while this bypass was being typed
            raise RefusedError(
                f"the check of {dependency} for {service} has passed: nothing to bypass, no workaround "
                "recorded"
            )
        for wa in view.workarounds():
            if wa.service == service and wa.dependency == dependency and wa.removed is None:
                raise RefusedError(f"the check of {dependency} for {service} is already bypassed by {wa.id}")
        number = len(view.workarounds()) + 1
        lasting = DEFAULT_BYPASS_EXPIRY if expires is None else expires
        return [
            Bypassed(
                incident=row.id,
                at=at,
                actor=actor,
                service=service,
                dependency=dependency,
                reason=reason.strip(),
                workaround=f"{row.id}-WA{number}",
                expires=at + lasting,
                owner=task.owner,
            )
        ]


@dataclass(frozen=True)
class Fail(Action):
    """``service`` failed again: it is down, and every restored service that depends on it
    (directly or through others) is reopened with its checks pending."""

    service: str
    expected_reopen: tuple[str, ...] | None = None
    """What the confirmation showed would be reopened: if another terminal changed it since,
    the action is refused with the new list instead of recording what nobody saw."""

    def decide(self, view: View, actor: str, at: datetime) -> list[Event]:
        service = self.service
        row = require_open(view, at)
        task = require_task(view, service)
        if task.state == DOWN:
            raise RefusedError(f"{service} is already down")
        reopened = restored_dependents(view, service)
        if self.expected_reopen is not None and tuple(reopened) != self.expected_reopen:
            now, saw = ", ".join(reopened) or "nothing", ", ".join(self.expected_reopen) or "nothing"
            raise RefusedError(
                f"what {possessive(service)} failure reopens changed since you were asked: "
                f"now {now} (you saw "
                f"{saw}); nothing recorded: look again and confirm"
            )
        return [FailedAgain(incident=row.id, at=at, actor=actor, service=service, reopened=reopened)]


@dataclass(frozen=True)
class Escalate(Action):
    """Page the next person on the owner team's escalation path."""

    service: str
    expected_person: str | None = None
    """Who the confirmation said would be paged: refused if another terminal paged them since."""

    def decide(self, view: View, actor: str, at: datetime) -> list[Event]:
        service = self.service
        row = require_open(view, at)
        task = require_task(view, service)
        if task.owner is None:
            raise RefusedError(
                f"{service} has no owner team, so no escalation path; page the incident commander"
            )
        team = view.meta().teams.get(task.owner)
        path = team.escalation if team else []
        if not path:
            raise RefusedError(
                f"team {task.owner} has no escalation path in the plan; page the incident commander"
            )
        if task.escalations >= len(path):
            paged = ", ".join(p.name for p in path)
            commander = row.roles.get("incident_commander")
            raise RefusedError(
                f"everyone on {possessive(task.owner or '')} escalation path was paged for {service} "
                f"({paged}): page "
                f"the incident commander{f' ({commander})' if commander else ''} and note who takes it"
            )
        person = path[task.escalations]
        if self.expected_person is not None and person.id != self.expected_person:
            raise RefusedError(
                f"{service} was escalated from another terminal since you were asked: the next on "
                f"the path is now {person.name}; nothing recorded: look again and confirm"
            )
        return [Escalated(incident=row.id, at=at, actor=actor, service=service, person=person.id)]


@dataclass(frozen=True)
class RemoveWorkaround(Action):
    """Take a workaround out. While the incident is open, the check it bypassed must pass first."""

    wid: str

    def decide(self, view: View, actor: str, at: datetime) -> list[Event]:
        wid = self.wid
        row = require_started(view, at)
        wa = view.workaround(wid)
        if wa is None:
            raise UsageError(f"{wid} is not a workaround of {row.id}")
        require_not_before(at, wa.applied, f"{wid} was applied")
        if wa.removed is not None:
            raise RefusedError(f"{wid} was already removed ({wa.removed:%Y-%m-%d %H:%M} by {wa.removed_by})")
        if row.state == OPEN:
            for held in view.checks(wa.service):
                if held.dependency == wa.dependency and held.state == BYPASSED:
                    raise RefusedError(
                        f"the check of {wa.dependency} for {wa.service} is still bypassed by {wid}: pass it "
                        f"first (planner incident check {row.id} {wa.service} {wa.dependency} --pass)"
                    )
        return [WorkaroundRemoved(incident=row.id, at=at, actor=actor, workaround=wid)]


@dataclass(frozen=True)
class Resolve(Action):
    """Close the incident; open workarounds need ``accept_workarounds`` and become action items,
    services not restored need ``accept_down`` (closing with them down is a decision to record,
    never a slip)."""

    accept_workarounds: bool
    accept_down: bool = False

    def decide(self, view: View, actor: str, at: datetime) -> list[Event]:
        accept_workarounds = self.accept_workarounds
        row = require_open(view, at)
        require_not_before(at, view.last_restored(), "the last restoration")
        blocks = []
        down = view.unrestored()
        if down and not self.accept_down:
            shown = ", ".join(down[:8]) + (f" and {len(down) - 8} more" if len(down) > 8 else "")
            blocks.append(
                f"{len(down)} service{'s are' if len(down) != 1 else ' is'} not restored: {shown}; restore "
                "them, or resolve with --accept-down if the incident is over without them"
            )
        left = [w for w in view.workarounds() if w.removed is None]
        if left and not accept_workarounds:
            listed = "; ".join(
                f"{w.id}: {w.service} bypasses the check of {w.dependency} ({w.reason}), owner "
                f"{w.owner or 'none'}"
                for w in left
            )
            blocks.append(
                f"{len(left)} workaround{'s are' if len(left) != 1 else ' is'} still open: {listed}; remove "
                "each (planner incident remove-workaround ID) or resolve with --accept-workarounds to "
                "record them as action items"
            )
        if blocks:
            raise RefusedError(". ".join(blocks))
        return [Resolved(incident=row.id, at=at, actor=actor, accepted_workarounds=[w.id for w in left])]
