"""What every tracking action checks first: the incident is open, the service is one of its
tasks, the dependency is one of its checks. Each refuses with a message naming what blocks."""

from __future__ import annotations

from datetime import datetime

from planner.errors import PlannerError, UsageError
from planner.suggest import did_you_mean
from planner.tracking.domain.state import OPEN, IncidentRow, TaskRow, View


class RefusedError(PlannerError):
    """A guard refused the action; nothing was written. The message names what blocks."""

    exit_code = 1
    label = "refused"


def hhmm(when: datetime | None) -> str:
    """A time as ``HH:MM`` for a refusal, ``?`` when unknown."""
    return "?" if when is None else when.strftime("%H:%M")


def require_not_before(at: datetime, earliest: datetime | None, what: str) -> None:
    """Refuse an action dated before ``earliest`` (``what`` says what happened then): a scribe
    logging after the fact can mistype ``--at``, and the journal must stay plausible."""
    if earliest is not None and at < earliest:
        raise RefusedError(f"{at:%Y-%m-%d %H:%M} is before {what} ({earliest:%Y-%m-%d %H:%M}); check --at")


def require_started(view: View, at: datetime) -> IncidentRow:
    """The incident's row, if ``at`` is not before it started (open or resolved)."""
    row = view.incident()
    require_not_before(at, row.started, f"{row.id} started")
    return row


def require_open(view: View, at: datetime) -> IncidentRow:
    """The incident's row, if it is open and ``at`` is not before it started."""
    row = view.incident()
    if row.state != OPEN:
        raise RefusedError(f"{row.id} was resolved at {row.resolved:%Y-%m-%d %H:%M}; start a new incident")
    return require_started(view, at)


def require_task(view: View, service: str) -> TaskRow:
    """``service``'s task; a usage error naming the closest task when it is not one."""
    task = view.task(service)
    if task is None:
        ids = view.task_ids()
        hint = did_you_mean(service, ids)
        raise UsageError(
            f"{service} is not a recovery task of {view.incident().id} (it is not impacted, or not in "
            f"the plan){hint}"
        )
    return task


def require_check(view: View, task: TaskRow, dependency: str) -> None:
    """A usage error unless ``dependency`` is a check of ``task`` in this incident."""
    deps = [c.dependency for c in view.checks(task.service)]
    if dependency not in deps:
        listed = ", ".join(deps) if deps else "none"
        raise UsageError(
            f"{dependency} is not an impacted hard dependency of {task.service}"
            f"{did_you_mean(dependency, deps)}; its dependencies to check in this incident: {listed}"
        )


def require_person(view: View, person: str) -> None:
    """A usage error unless ``person`` is one of the plan's people (when it lists any): a typo
    must not hand a role to nobody."""
    people = view.meta().people
    if people and person not in people:
        raise UsageError(
            f"{person} is not one of the plan's people{did_you_mean(person, list(people))}; "
            "someone from outside the plan: add --outside-plan"
        )
