"""The plan file: services, their dependencies, owners, RTOs and everything an audit checks.

One model per noun of the plan format (docs/design/plan-format.md). Every field carries a docstring, which
becomes its description in ``planner schema``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, StrictInt, model_validator

from models.common import Criticality, Id, StrictModel, UtcDatetime
from models.duration import Duration

RULE_IDS: tuple[str, ...] = (
    "missing-owner",
    "unknown-reference",
    "duplicate-dependency",
    "dependency-cycle",
    "unchecked-dependency",
    "bypassed-check",
    "expired-workaround",
    "missing-verification",
    "missing-rto",
    "missing-restore-time",
    "rto-unachievable",
    "rto-at-risk",
    "rto-unlikely",
    "rto-inversion",
    "missing-runbook",
    "stale-runbook",
    "no-escalation",
    "single-contact",
    "escalation-untested",
    "unassigned-role",
    "exercise-overdue",
    "single-point-of-failure",
    "check-fails",
)
"""Every audit rule id (docs/design/rules.md), in the order that page lists them: the ids ``policy.rules``
may name. ``planner/audit/registry.py`` describes each; a test keeps the two lists the same."""

RuleSetting = Literal["error", "warning", "info", "off"]


def _exactly_an_int(value: Any) -> Any:
    """Refuse what only resembles an integer: YAML's ``true`` and ``1.0`` are not 1."""
    if type(value) is not int:
        raise ValueError("not an integer")
    return value


class Policy(StrictModel):
    """Review intervals, cadences and rule overrides for the whole plan."""

    runbook_review_days: StrictInt = Field(default=90, ge=1)
    """A runbook reviewed longer ago than this many days is stale."""
    exercise_interval_days: StrictInt = Field(default=90, ge=1)
    """Without an exercise within this many days, the plan is overdue for one."""
    escalation_test_days: StrictInt = Field(default=90, ge=1)
    """An escalation path not tested within this many days counts as untested."""
    update_cadence: Duration = timedelta(minutes=30)
    """How often stakeholder updates are due during an incident."""
    default_team_capacity: StrictInt = Field(default=1, ge=1)
    """Parallel recovery tasks a team can run when it does not say."""
    rules: dict[str, RuleSetting] = Field(default_factory=dict)
    """Per-rule severity override: ``{rule-id: error|warning|info|off}``."""
    run_checks: Literal["ask", "never"] = "ask"
    """``ask``: the planner runs a check or verify command when a person asks for that one
    (``--run``, a confirmed dialog, ``audit --run-checks``); ``never``: it never runs them."""
    forecast_spread: float = Field(default=0.5, ge=0, le=3, allow_inf_nan=False)
    """How much one restore varies around its estimate, for ``planner forecast``: the standard
    deviation of the logarithm of its duration (0.5: one restore in ten takes more than 1.9 times
    the median); 0 makes the forecast the deterministic schedule."""
    forecast_threshold: float = Field(default=0.8, gt=0, le=1, allow_inf_nan=False)
    """``rto-unlikely``: a service whose forecast probability of meeting its RTO is under this."""


class Person(StrictModel):
    """Someone who can be paged."""

    id: Id
    """Unique person id, used by teams, escalation paths and roles."""
    name: str | None = None
    """Full name."""
    contact: str | None = None
    """Email, phone or chat handle."""


class Team(StrictModel):
    """A team that owns services and runs their recovery tasks."""

    id: Id
    """Unique team id, used by ``owner`` fields."""
    name: str | None = None
    """Display name."""
    members: list[Id] = Field(default_factory=list)
    """Person ids of the members."""
    escalation: list[Id] = Field(default_factory=list)
    """Escalation path, in order: person ids."""
    escalation_tested: date | None = None
    """Date the escalation path was last tested."""
    capacity: StrictInt | None = Field(default=None, ge=1)
    """Parallel recovery tasks the team can run (default: ``policy.default_team_capacity``)."""
    channel: str | None = None
    """Chat channel of the team."""


class Roles(StrictModel):
    """Incident roles, as person ids. Other role names are allowed beside the three known ones."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Id] = Field(init=False)

    incident_commander: Id | None = None
    """Person who leads the incident response."""
    communications_lead: Id | None = None
    """Person who sends stakeholder updates."""
    scribe: Id | None = None
    """Person who keeps the journal."""

    def assigned(self) -> dict[str, str]:
        """Every role that names a person, known and extra ones alike."""
        out = {
            name: getattr(self, name)
            for name in ("incident_commander", "communications_lead", "scribe")
            if getattr(self, name) is not None
        }
        out.update(self.__pydantic_extra__ or {})
        return out


class Dependency(StrictModel):
    """One dependency of a service; the short form is just the service id (hard, no check)."""

    service: Id
    """The service depended on."""
    check: str | None = None
    """How to confirm the dependency works, e.g. a command."""
    kind: Literal["hard", "soft"] = "hard"
    """``hard``: must be restored first; ``soft``: the dependent runs degraded without it."""

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"service": data}
        return data

    @property
    def hard(self) -> bool:
        """True for a hard dependency."""
        return self.kind == "hard"


class Runbook(StrictModel):
    """Where the restore steps are written down, and when they were last reviewed."""

    url: str
    """Link to the runbook."""
    reviewed: date | None = None
    """Date of the last review."""


class Service(StrictModel):
    """Something that can fail and must be restored."""

    id: Id
    """Unique service id."""
    name: str | None = None
    """Display name (default: the id)."""
    description: str | None = None
    """What it is, for people reading the plan."""
    owner: Id | None = None
    """Team id accountable for restoring it."""
    criticality: Criticality = Criticality.MEDIUM
    """critical | high | medium | low."""
    rto: Duration | None = None
    """Recovery time objective, from incident start."""
    rpo: Duration | None = None
    """Recovery point objective."""
    restore_time: Duration | None = None
    """Estimated time to restore it after its own failure."""
    restart_time: Duration = timedelta(0)
    """Time to bring it back once its dependencies are back."""
    verify: str | None = None
    """How restoration is confirmed, e.g. a health-check command."""
    runbook: Runbook | None = None
    """The written restore steps."""
    alerts_reviewed: date | None = None
    """Last time its alert thresholds were tuned."""
    depends_on: list[Dependency] = Field(default_factory=list)
    """What it needs: service ids (short form) or mappings with ``service``, ``check``, ``kind``."""
    tags: list[str] = Field(default_factory=list)
    """Free-form labels."""

    @property
    def label(self) -> str:
        """The display name, or the id."""
        return self.name or self.id


class Workaround(StrictModel):
    """A temporary change that bypasses a dependency check, tracked until removed."""

    id: Id
    """Unique workaround id, e.g. ``WA-17``."""
    service: Id
    """The service running with the bypass."""
    bypasses: Id
    """The dependency whose check is bypassed."""
    description: str
    """What was changed and why."""
    owner: Id | None = None
    """Team accountable for removing it."""
    applied_by: Id | None = None
    """Person who applied it."""
    applied: UtcDatetime
    """When it was applied."""
    expires: UtcDatetime | None = None
    """When it must be gone."""
    removed: UtcDatetime | None = None
    """When it was taken out (empty while it is in place)."""


class Scenario(StrictModel):
    """A named failure: a set of services that go down together."""

    id: Id
    """Unique scenario id."""
    name: str | None = None
    """Display name."""
    description: str | None = None
    """What happens in this scenario."""
    failed: list[Id] = Field(min_length=1)
    """Service ids that fail."""


class Exercise(StrictModel):
    """A recovery drill that was run."""

    scenario: Id
    """Scenario id exercised."""
    date: date
    """When it was run."""
    notes: str | None = None
    """What was learnt."""
    score: StrictInt | None = Field(default=None, ge=0, le=100)
    """Its score out of 100 (``planner exercise score --write``)."""


class Component(StrictModel):
    """A function customers or staff know ("Checkout", "Internal wiki"), and the services it
    rests on; during an incident its state follows from theirs (docs/design/semantics.md)."""

    id: Id
    """Unique component id."""
    name: str
    """What its users call it."""
    audience: Literal["public", "internal"] = "internal"
    """``public``: named in customer updates and on the public status page; ``internal``
    (the default, so nothing is shown to customers unless the plan says so): staff only."""
    description: str | None = None
    """What it does, in its users' words."""
    needs: list[Id] = Field(default_factory=list)
    """Services it cannot work without: one down is an outage of the component."""
    uses: list[Id] = Field(default_factory=list)
    """Services it works without, degraded."""

    @model_validator(mode="after")
    def _some_service(self) -> Component:
        if not self.needs and not self.uses:
            raise ValueError(
                "it names no service; list the services it needs under 'needs' (or uses, under 'uses')"
            )
        return self


class Plan(StrictModel):
    """A recovery plan: the whole file."""

    version: Annotated[Literal[1], BeforeValidator(_exactly_an_int)]
    """Format version; only 1 exists (the number 1, not true, 1.0 or "1")."""
    name: str
    """Name of the plan, e.g. the environment it covers."""
    policy: Policy = Field(default_factory=Policy)
    """Review intervals, cadences and rule overrides."""
    people: list[Person] = Field(default_factory=list)
    """Everyone who can be paged."""
    teams: list[Team] = Field(default_factory=list)
    """Owner teams with escalation paths."""
    roles: Roles = Field(default_factory=Roles)
    """Incident roles."""
    services: list[Service] = Field(default_factory=list)
    """The services, each with its dependencies."""
    workarounds: list[Workaround] = Field(default_factory=list)
    """Temporary changes that bypass dependency checks."""
    scenarios: list[Scenario] = Field(default_factory=list)
    """Named failures."""
    exercises: list[Exercise] = Field(default_factory=list)
    """Drills that were run."""
    components: list[Component] = Field(default_factory=list)
    """Customer- and staff-facing functions, each mapped to the services it needs and uses."""
