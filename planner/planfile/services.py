"""Validating a large plan's services a batch at a time, in loops that run no Python code per
model where that can be helped (at 100,000 services: 550,000 models)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from functools import partial
from itertools import chain, count, repeat
from operator import attrgetter, is_not
from typing import Any

from pydantic import BaseModel

from models.plan import Service

BATCH = 250
"""Items validated before they are dropped (a plan read whole holds its parsed items until then)."""


def validate_services(
    items: list[Any], services: list[Service], shared: dict[frozenset[str], set[str]]
) -> None:
    """Validate each of ``items`` as a service onto ``services``, dropping the items a batch at a
    time once their models are built; ``shared``: the field sets kept so far (see
    :func:`share_fields_sets`).

    Raises
    ------
    ValidationError
        At the first invalid item.
    """
    validate = _validator()
    for start in range(0, len(items), BATCH):
        stop = start + BATCH
        batch = list(map(validate, items[start:stop]))
        items[start:stop] = repeat(None, len(batch))
        share_fields_sets(batch, shared)
        services.extend(batch)


def _validator() -> Callable[[Any], Service]:
    """:meth:`Service.model_validate` without its Python frame (0.07 s at 100,000 services)."""
    # Built now if its build was deferred (defer_build); model_rebuild reads the names of the
    # caller's frame (this one: none) beside the module's, as a deferred build does.
    Service.model_rebuild()
    return Service.__pydantic_validator__.validate_python


def share_fields_sets(services: list[Service], shared: dict[frozenset[str], set[str]]) -> None:
    """Give each of ``services``, its runbook and its dependencies the one set of field names
    already held for models that set the same fields. Pydantic keeps a set per model (200 bytes;
    550,000 of them at 100,000 services) and only reads it (a copy takes its own), so equal sets
    can be one.

    Examples
    --------
    >>> a, b = Service.model_validate({"id": "a"}), Service.model_validate({"id": "b"})
    >>> share_fields_sets([a, b], {})
    >>> a.model_fields_set is b.model_fields_set, a.model_fields_set
    (True, {'id'})
    """
    runbooks = filter(partial(is_not, None), map(_RUNBOOK, services))
    models = [*services, *runbooks, *chain.from_iterable(map(_DEPENDS_ON, services))]
    fields = list(map(_FIELDS_SET, models))
    ones = list(map(shared.setdefault, map(frozenset, fields), fields))
    deque(map(_SET_FIELDS_SET, models, ones), maxlen=0)


def service_index(services: list[Service]) -> dict[str, int]:
    """Each service id's place in ``services`` (the last, for an id given twice).

    Examples
    --------
    >>> service_index([Service.model_validate({"id": "a"}), Service.model_validate({"id": "b"})])
    {'a': 0, 'b': 1}
    """
    return dict(zip(map(_ID, services), count()))


_ID = attrgetter("id")
_RUNBOOK = attrgetter("runbook")
_DEPENDS_ON = attrgetter("depends_on")
_FIELDS_SET = attrgetter("__pydantic_fields_set__")
_SET_FIELDS_SET = BaseModel.__dict__["__pydantic_fields_set__"].__set__
"""Sets a model's field set as ``object.__setattr__`` does (the slot of a frozen model)."""
