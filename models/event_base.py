"""What every journal event records (:mod:`models.events` has the events themselves)."""

# No ``from __future__ import annotations``: pydantic would evaluate every field's annotation
# text again for each event class (1.5 ms of every `planner incident` action).

from pydantic import BaseModel, ConfigDict

from models.scalars import UtcDatetime


class EventBase(BaseModel):
    """What every journal event records."""

    # Each `planner incident` action is its own short process: a schema is built only for the
    # event kinds it touches (defer_build), and attribute docstrings are not read from the source
    # (they cost ~40% of importing this module and serve no published schema).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    seq: int = 0
    """Position in the store's journal (assigned when stored; 0 before)."""
    incident: str
    """Incident id."""
    at: UtcDatetime
    """When it happened (not when it was typed in)."""
    actor: str
    """Who did it (``--as``, default the login name)."""
