"""An exercise's injections: the surprises a facilitator plans for a drill (an injection file,
``planner exercise start --inject FILE``) or adds live (``planner exercise inject``). The journal
keeps them in its ``exercise_planned`` and ``injection_fired`` events."""

# No ``from __future__ import annotations``: pydantic would evaluate every field's annotation
# text again for each event class (1.5 ms of every `planner incident` action).

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from models.scalars import Id

InjectionKind = Literal["check_fails", "no_answer", "fails_again", "update_due"]
"""A dependency check fails; a person does not answer (escalate); a service fails again; a
stakeholder update is due."""


class Injection(BaseModel):
    """One surprise of an exercise's timeline (``planner exercise start --inject FILE``, or a
    facilitator's ``planner exercise inject``): what happens, and so what the team is asked to do."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str
    """Its id in the timeline (``I1``... in file order, or the file's ``id``; ``L1``... live)."""
    after: int = Field(ge=0)
    """Seconds from the drill's start at which it happens."""
    what: InjectionKind
    """A dependency check fails; a person does not answer (escalate); a service fails again; a
    stakeholder update is due."""
    service: Id | None = None
    """The service concerned (the checked one, the one to escalate, the one that fails)."""
    dependency: Id | None = None
    """For ``check_fails``: the dependency whose check fails."""
    person: str | None = None
    """For ``no_answer``: who does not answer."""
    audience: Literal["technical", "executive", "customer"] | None = None
    """For ``update_due``: who the update is for."""
    says: str = ""
    """What the facilitator says when it happens (free text)."""
