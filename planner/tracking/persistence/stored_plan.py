"""The plan an incident started from, read back from the store's copy, for what only the plan
says (its components): the incident's rows never change when the plan file does."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from planner.tracking.domain.state import IncidentRow
from planner.tracking.persistence.store import Store

if TYPE_CHECKING:
    from models.plan import Plan


_AFTER_KEY = re.compile(r"""["']?\s*:""")
"""What follows the word ``components`` when it is a key, quoted or not (see :func:`may_declare`)."""
_CACHE: dict[str, Plan | None] = {}
"""Plans read, by content hash (a hash names one text, whatever the store): a long-running reader
(the status page) asks for each incident's plan again and again."""
CACHED = 8
"""Plans kept at most (the oldest read is dropped first)."""


def plan_with_components(store: Store, row: IncidentRow, declared: bool | None = None) -> Plan | None:
    """The stored plan of incident ``row`` when it declares components; None when it declares
    none (a plan whose text has no ``components`` key is not parsed, so an incident on a large
    plan without components pays nothing) or when the store has lost it. Read once per plan.
    ``declared``: whether the incident's start saw components in the plan
    (:attr:`~planner.tracking.domain.state.IncidentMeta.components`); False reads nothing (asking
    the database whether a 5 MB text mentions the word took 4-7 ms of every status)."""
    if declared is False:
        return None
    if row.plan_hash in _CACHE:
        return _CACHE[row.plan_hash]
    mentioned = plan_mentions(store, row.plan_hash, "components")  # the text is read only if so
    if mentioned is None:
        return None
    plan = None
    if mentioned:
        text = store.plan_text(row.plan_hash)
        if text is None:
            return None
        plan = _parse(text, row.id) if may_declare(text) else None
    if len(_CACHE) >= CACHED:
        del _CACHE[next(iter(_CACHE))]
    _CACHE[row.plan_hash] = plan
    return plan


def plan_mentions(store: Store, digest: str, word: str) -> bool | None:
    """Whether the text of a stored plan may hold ``word`` (None when the store has lost the
    plan), asked of the database: a status need not read a 5 MB plan to learn that it declares
    no components. SQLite's ``LIKE`` ignores ASCII case, so False is certain and True means
    "look" (``word`` holds no ``%`` or ``_``)."""
    query = "SELECT text LIKE ? FROM plans WHERE hash = ?"
    row = store.db.execute(query, (f"%{word}%", digest)).fetchone()
    return None if row is None else bool(row[0])


def may_declare(text: str) -> bool:
    """Whether ``text`` may hold the ``components`` key: at the start of a line, or after ``{`` or
    ``,`` (JSON, YAML flow style), with only blanks between; a plan that only says the word in a
    description or a name is not parsed. Only the places of the word are looked at (a regular
    expression tried at every place of a 10,000-service plan took 0.1-0.2 s).

    Examples
    --------
    >>> may_declare("version: 1\\ncomponents: []"), may_declare("name: storage components")
    (True, False)
    """
    word = "components"
    found = text.find(word)
    while found >= 0:
        if _key_at(text, found, found + len(word)):
            return True
        found = text.find(word, found + len(word))
    return False


def _key_at(text: str, start: int, end: int) -> bool:
    """Whether the word at ``text[start:end]`` is a key that starts a line or follows ``{``/``,``."""
    if not _AFTER_KEY.match(text, end):
        return False
    at = start - 1 if start > 0 and text[start - 1] in "\"'" else start
    while at > 0 and text[at - 1].isspace():
        if text[at - 1] == "\n":
            return True
        at -= 1
    return at == 0 or text[at - 1] in "{,"


def _parse(text: str, incident: str) -> Plan | None:
    from planner.planfile.loader import load_source  # only plans with components pay for the models
    from planner.planfile.source import Source

    plan = load_source(Source(f"<plan of {incident}>", text, "yaml"), references=False).plan
    return plan if plan.components else None
