"""The state of an incident, and how each journal event changes it.

The state is rows: one :class:`TaskRow` per impacted service, one :class:`CheckRow` per hard
dependency between two impacted services, one :class:`WorkaroundRow` per bypass, and the
:class:`IncidentRow`. :func:`apply` is the only code that changes them, and it reads and writes
through a :class:`View`, so the same transitions run over the store's tables (one action touches
only the rows it needs, whatever the plan's size) and over an in-memory :class:`MemoryView`
(the fold of a journal, which tests compare with the store).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from itertools import groupby
from operator import itemgetter
from typing import Protocol

from planner.tracking.domain.plan_workarounds import PlanWorkaround


class TaskState(StrEnum):
    """Where a task's recovery is (its text is what the store, the JSON and the screen show)."""

    DOWN = "down"
    RESTORING = "restoring"
    RESTORED = "restored"


class CheckState(StrEnum):
    """A dependency check's outcome so far."""

    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"
    BYPASSED = "bypassed"


class IncidentState(StrEnum):
    """Whether the incident is still being worked."""

    OPEN = "open"
    RESOLVED = "resolved"


DOWN, RESTORING, RESTORED = TaskState.DOWN, TaskState.RESTORING, TaskState.RESTORED
PENDING, PASSED, FAILED, BYPASSED = CheckState  # in the order they are listed
OPEN, RESOLVED = IncidentState.OPEN, IncidentState.RESOLVED
CONFIRMED = frozenset({PASSED, BYPASSED})
"""Check states that let the dependent be declared restored."""
_first = itemgetter(0)


@dataclass(slots=True)
class Person:
    """Someone to call: id, name, contact."""

    id: str
    name: str
    contact: str | None


@dataclass(slots=True)
class TeamInfo:
    """What the incident needs to know of an owner team."""

    id: str
    name: str
    capacity: int
    channel: str | None
    escalation: list[Person]
    members: list[Person]


@dataclass(slots=True)
class IncidentMeta:
    """What the incident copied from its plan at the start (it never changes)."""

    update_cadence: int
    """Seconds between stakeholder updates."""
    default_capacity: int
    """Capacity of teams that do not say."""
    teams: dict[str, TeamInfo]
    """Owner teams of impacted services."""
    people: dict[str, Person]
    """Everyone the plan names, for role holders."""
    run_checks: str = "ask"
    """The plan's ``policy.run_checks``: ``never`` forbids running its commands (``--run``)."""
    plan_workarounds: list[PlanWorkaround] = field(default_factory=list)
    """The plan's open workarounds on an impacted service or dependency (by id)."""
    components: bool | None = None
    """Whether the plan declares components (None: an incident started before this was kept)."""

    def to_json(self) -> str:
        """Stored form (without plan workarounds or the components' answer when there is none)."""
        raw = asdict(self)
        raw["plan_workarounds"] = [w.to_raw() for w in self.plan_workarounds]
        for empty in [k for k in ("plan_workarounds", "components") if raw[k] in ([], None)]:
            del raw[empty]
        return json.dumps(raw, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> IncidentMeta:
        """Parse the stored form."""
        raw = json.loads(text)
        teams = {
            k: TeamInfo(
                id=t["id"],
                name=t["name"],
                capacity=t["capacity"],
                channel=t["channel"],
                escalation=[Person(**p) for p in t["escalation"]],
                members=[Person(**p) for p in t["members"]],
            )
            for k, t in raw["teams"].items()
        }
        people = {k: Person(**p) for k, p in raw["people"].items()}
        return cls(
            raw["update_cadence"],
            raw["default_capacity"],
            teams,
            people,
            raw.get("run_checks", "ask"),
            [PlanWorkaround.from_raw(w) for w in raw.get("plan_workarounds", [])],
            said if isinstance(said := raw.get("components"), bool) else None,
        )

    def person(self, pid: str) -> Person:
        """The person with this id (or someone the plan does not name)."""
        return self.people.get(pid) or Person(pid, pid, None)


@dataclass(slots=True)
class IncidentRow:
    """The incident as a whole."""

    id: str
    title: str
    scenario: str
    plan_hash: str
    plan_name: str
    exercise: bool
    started: datetime
    detected: datetime | None
    roles: dict[str, str]
    """Role name to person id (from the plan, then reassignments)."""
    state: IncidentState = OPEN
    resolved: datetime | None = None
    last_update: datetime | None = None
    updates: int = 0

    @property
    def rto_clock(self) -> datetime:
        """When the RTOs started to run: the detection when recorded (an outage declared late
        has already used part of them), else the declaration."""
        return self.detected if self.detected is not None and self.detected < self.started else self.started


@dataclass(slots=True)
class TaskRow:
    """One impacted service's recovery task."""

    service: str
    position: int
    """Place in wave order (a topological order)."""
    wave: int
    name: str
    owner: str | None
    criticality: str
    rto: int | None
    """Seconds from :attr:`IncidentRow.rto_clock` (the detection, else the declaration)."""
    duration: int
    """Estimated seconds of work."""
    verify: str | None
    runbook: str | None
    state: TaskState = DOWN
    verified: bool = False
    reopened: int = 0
    """Times it was restored and went down again."""
    begun: datetime | None = None
    restored: datetime | None = None
    escalations: int = 0


@dataclass(slots=True)
class CheckRow:
    """The check of one impacted hard dependency of an impacted service."""

    service: str
    dependency: str
    command: str | None
    state: CheckState = PENDING
    observed: str | None = None
    """What the responder saw when it last passed or failed (from its event)."""


@dataclass(slots=True)
class WorkaroundRow:
    """A bypass of a dependency check, open until removed."""

    id: str
    incident: str
    service: str
    dependency: str
    reason: str
    actor: str
    applied: datetime
    expires: datetime | None
    owner: str | None
    removed: datetime | None = None
    removed_by: str | None = None


class View(Protocol):
    """Read and write access to one incident's rows (the store's tables, or memory)."""

    def incident(self) -> IncidentRow:
        """The incident row."""
        ...

    def meta(self) -> IncidentMeta:
        """What the incident copied from its plan."""
        ...

    def task(self, service: str) -> TaskRow | None:
        """A task, or None when the service is not impacted in this incident."""
        ...

    def checks(self, service: str) -> list[CheckRow]:
        """The checks of a service's impacted hard dependencies, by dependency id."""
        ...

    def dependents(self, service: str) -> list[CheckRow]:
        """The checks other services hold on this one, by service id."""
        ...

    def task_ids(self) -> list[str]:
        """Every task's service id (for suggestions when a name is mistyped)."""
        ...

    def last_restored(self) -> datetime | None:
        """When the latest of the tasks restored now was restored (None before any)."""
        ...

    def unrestored(self) -> list[str]:
        """The tasks not restored now, in wave order."""
        ...

    def workaround(self, wid: str) -> WorkaroundRow | None:
        """A workaround of this incident."""
        ...

    def workarounds(self) -> list[WorkaroundRow]:
        """Every workaround of this incident, by id."""
        ...

    def put_incident(self, row: IncidentRow) -> None:
        """Write the incident row."""
        ...

    def put_task(self, row: TaskRow) -> None:
        """Write a task row."""
        ...

    def put_check(self, row: CheckRow) -> None:
        """Write a check row."""
        ...

    def put_workaround(self, row: WorkaroundRow) -> None:
        """Write a workaround row."""
        ...


@dataclass
class MemoryView:
    """An incident's rows in memory: the fold of a journal, or a snapshot of the store."""

    row: IncidentRow
    info: IncidentMeta
    tasks: dict[str, TaskRow]
    """In wave order."""
    check_rows: dict[tuple[str, str], CheckRow]
    wa_rows: dict[str, WorkaroundRow] = field(default_factory=dict)
    _by_service: dict[str, list[CheckRow]] = field(default_factory=dict, repr=False, compare=False)
    _by_dependency: dict[str, list[CheckRow]] | None = field(default=None, repr=False, compare=False)
    """Made on first use: a status never asks for a task's dependents."""

    def __post_init__(self) -> None:
        if self._by_service:  # given by a reader that made it in this order (see fixed_rows)
            return
        rows = self.check_rows
        # by service, then dependency: each list comes out sorted by dependency
        self._by_service = {s: list(map(rows.__getitem__, keys)) for s, keys in groupby(sorted(rows), _first)}

    def incident(self) -> IncidentRow:
        return self.row

    def meta(self) -> IncidentMeta:
        return self.info

    def task(self, service: str) -> TaskRow | None:
        return self.tasks.get(service)

    def checks(self, service: str) -> list[CheckRow]:
        return self._by_service.get(service, [])

    def dependents(self, service: str) -> list[CheckRow]:
        if self._by_dependency is None:
            by_dependency: dict[str, list[CheckRow]] = {}
            for key in sorted(self.check_rows):  # by service: each list comes out sorted by service
                row = self.check_rows[key]
                if key[1] in by_dependency:
                    by_dependency[key[1]].append(row)
                else:
                    by_dependency[key[1]] = [row]
            self._by_dependency = by_dependency
        return self._by_dependency.get(service, [])

    def task_ids(self) -> list[str]:
        return list(self.tasks)

    def last_restored(self) -> datetime | None:
        times = [t.restored for t in self.tasks.values() if t.state == RESTORED and t.restored]
        return max(times, default=None)

    def unrestored(self) -> list[str]:
        return [s for s, t in sorted(self.tasks.items(), key=lambda i: i[1].position) if t.state != RESTORED]

    def workaround(self, wid: str) -> WorkaroundRow | None:
        return self.wa_rows.get(wid)

    def workarounds(self) -> list[WorkaroundRow]:
        return [self.wa_rows[k] for k in sorted(self.wa_rows)]

    def put_incident(self, row: IncidentRow) -> None:
        self.row = row

    def put_task(self, row: TaskRow) -> None:
        self.tasks[row.service] = row

    def put_check(self, row: CheckRow) -> None:
        held = self.check_rows.get((row.service, row.dependency))
        if held is None:
            raise KeyError(f"no check of {row.dependency} for {row.service} in this incident")
        held.state, held.observed = row.state, row.observed  # the indexes hold the same object

    def put_workaround(self, row: WorkaroundRow) -> None:
        self.wa_rows[row.id] = row

    # Whole-incident questions (status, updates, the report), not part of View.

    def open_workarounds(self) -> list[WorkaroundRow]:
        """Workarounds not removed."""
        return [w for w in self.workarounds() if w.removed is None]

    def blockers(self, service: str) -> list[str]:
        """Impacted hard dependencies not restored yet, by id (see :func:`task_blockers`)."""
        tasks = self.tasks
        return task_blockers([c.dependency for c in self.checks(service)], lambda d: tasks[d].state)

    def ready(self, service: str) -> bool:
        """Whether ``service`` can be finished now (see :func:`task_ready`)."""
        tasks = self.tasks
        links = ((tasks[c.dependency].state, c.state) for c in self.checks(service))
        return task_ready(tasks[service].state, links)

    def counts(self) -> dict[str, int]:
        """Tasks per state."""
        out = {str(DOWN): 0, str(RESTORING): 0, str(RESTORED): 0}
        for task in self.tasks.values():
            out[task.state] += 1
        return out


def task_blockers(dependencies: Iterable[str], state_of: Callable[[str], str]) -> list[str]:
    """The dependencies (impacted, hard) that block a task: those not restored yet. The one
    definition behind every view of an incident (rows, mirror, outline).

    Examples
    --------
    >>> task_blockers(["db", "dns"], {"db": RESTORED, "dns": DOWN}.__getitem__)
    ['dns']
    """
    return [d for d in dependencies if state_of(d) != RESTORED]


def task_ready(state: str, links: Iterable[tuple[str, str]]) -> bool:
    """A task is ready when it is not restored and every impacted dependency is restored with its
    check confirmed; ``links`` gives (the dependency's task state, the check's state) for each.

    Examples
    --------
    >>> task_ready(DOWN, [(RESTORED, PASSED)]), task_ready(DOWN, [(RESTORED, PENDING)])
    (True, False)
    """
    return state != RESTORED and all(dep == RESTORED and check in CONFIRMED for dep, check in links)
