"""Reading a stored event without building a validator, and dumping one without building a
serializer.

Every status and report reads the incident's journal, and building pydantic's validator of the 25
kinds of event (or of each kind met) costs more than reading the events: about 8 ms of CPU of a
10,000-task status, for a journal of 55 events. The store writes each event with its model's
``model_dump_json``. An event in exactly that form is read here into the instance that validating
it gives (the same class, the same values in the same order, the same fields set): every value of
the very type its field declares (nothing to coerce), times as ``2026-12-06T01:44:00Z`` or with six
digits of microseconds, no unknown or repeated key, no NaN, no big number, no lone surrogate, at
most 1 MB and 200 brackets.

Anything else (a damaged event, a value pydantic would coerce, a model this reader does not know
how to read) is not read here: :func:`read_plain` returns None and the caller validates the text,
which gives the same event as before, or the same error saying why it cannot be read. Past
:data:`PLAIN_READS` events in a process (a long journal), the validator reads them: faster then.
A model is read here only when each of its fields is one of the types below, with no alias,
validator, serializer or setting that changes what validation or a dump gives; any other model is
always validated. :func:`plain_dump` is ``model_dump(mode="json")`` of such a model.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from types import NoneType, UnionType
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

from annotated_types import Ge, MinLen
from pydantic import AfterValidator, BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from models.scalars import Id, UtcDatetime, as_utc

M = TypeVar("M", bound=BaseModel)

LONGEST = 1 << 20
"""A longer text is left to the validator (the reader would hold a parse of it too)."""
BRACKETS = 200
"""An event with more brackets is left to the validator (no deep nesting reaches the parser)."""

_ONE_ID = r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}"
""":data:`~models.scalars.Id`: its pattern (whose ``$`` ends the text: no newline) and its
``max_length`` (200)."""
_ID = re.compile(_ONE_ID)
_IDS = re.compile(f"{_ONE_ID}(?:\n{_ONE_ID})*")
"""Ids joined by newlines."""
_ID_METADATA = FieldInfo.from_annotation(Id).metadata
_UTC_METADATA = [AfterValidator(as_utc)]
_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{6}))?Z")
"""A time as ``model_dump_json`` writes a UTC one."""
_SETTINGS = {"extra", "frozen", "defer_build"}
"""The model settings that do not change what validating JSON gives (with ``extra="forbid"``),
nor what dumping it gives."""

_BIGGEST = 1 << 53

Read = Callable[[Any], Any]


class _UnreadError(Exception):
    """Not in the form the store writes: left to the validator."""


class _UnknownError(Exception):
    """A field or model this reader does not read: such a model is always validated."""


PLAIN_READS = 500
"""Events a process reads here: the validator costs 8 ms to build and then reads an event in 5 us
(against 15 us here), so the rest of a longer journal is validated."""
_left = PLAIN_READS


def plain_event(text: str, kinds: Callable[[], Mapping[str, type[M]]]) -> M | None:
    """:func:`read_plain` of ``text`` (``kinds()``: the models by their ``kind``), for the first
    :data:`PLAIN_READS` events of the process read here (None after that)."""
    global _left  # noqa: PLW0603 - a count of this process's reads
    if _left <= 0:
        return None
    event = read_plain(text, kinds())
    if event is not None:
        _left -= 1
    return event


def plain_dump(event: BaseModel) -> dict[str, Any]:
    """``event.model_dump(mode="json")`` (the same keys in the same order, the same values),
    without building its model's serializer when the model is one this module reads (a status
    dumps the journal's events: 7 ms of building for 11 kinds)."""
    if _model_reader(type(event)) is not None:
        try:
            return _dumped(event)
        except _UnreadError:
            pass  # a time not in UTC, a number that is not finite: pydantic's own words
    return event.model_dump(mode="json")


def _dumped(model: BaseModel) -> dict[str, Any]:
    values = model.__dict__
    return {name: _dumped_value(values[name]) for name in type(model).model_fields}


def _dumped_value(value: object) -> object:
    if value is None or type(value) in (str, int, bool):
        return value
    if isinstance(value, float) and type(value) is float and math.isfinite(value):
        return value
    if isinstance(value, datetime) and type(value) is datetime and value.tzinfo is UTC:
        return value.replace(tzinfo=None).isoformat() + "Z"
    if isinstance(value, list) and type(value) is list:
        return [_dumped_value(each) for each in value]
    if isinstance(value, BaseModel) and _model_reader(type(value)) is not None:
        return _dumped(value)
    raise _UnreadError


def read_plain(text: str, kinds: Mapping[str, type[M]]) -> M | None:
    """The event ``text`` holds when it is in the form the store writes (its ``kind`` one of
    ``kinds``), as validating it would give; None for anything else."""
    if len(text) > LONGEST or text.count("{") + text.count("[") > BRACKETS:
        return None
    if not text.isascii():
        try:
            text.encode()
        except UnicodeEncodeError:
            return None
    try:
        data = json.loads(text, object_pairs_hook=_object, parse_constant=_constant)
    except (ValueError, _UnreadError):
        return None
    if not isinstance(data, dict):
        return None
    model = kinds.get(data["kind"]) if type(data.get("kind")) is str else None
    reader = None if model is None else _model_reader(model)
    if reader is None:
        return None
    try:
        return reader(data)  # type: ignore[no-any-return]
    except _UnreadError:
        return None


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _UnreadError  # a repeated key
    return found


def _constant(name: str) -> float:
    raise _UnreadError(name)  # NaN, Infinity


_READERS: dict[type[BaseModel], Read | None] = {}


def _model_reader(model: type[BaseModel]) -> Read | None:
    """How to read ``model`` from parsed JSON (None: it is always validated), made once."""
    if model not in _READERS:
        try:
            _READERS[model] = _reader_of(model)
        except _UnknownError:
            _READERS[model] = None
    return _READERS[model]


def _reader_of(model: type[BaseModel]) -> Read:
    config = model.model_config
    decorators = model.__pydantic_decorators__
    if (
        not set(config) <= _SETTINGS
        or config.get("extra") != "forbid"
        or model.__pydantic_post_init__ is not None
        or model.__pydantic_root_model__
        or model.__private_attributes__
        or model.__pydantic_generic_metadata__["origin"] is not None
        or any(
            (
                decorators.validators,
                decorators.field_validators,
                decorators.root_validators,
                decorators.model_validators,
                decorators.field_serializers,
                decorators.model_serializers,
                decorators.computed_fields,
            )
        )
    ):
        raise _UnknownError(model)
    fields = {name: _field_reader(field) for name, field in model.model_fields.items()}
    required = {name for name, field in model.model_fields.items() if field.is_required()}
    construct = model.model_construct

    def read(data: object) -> BaseModel:
        if type(data) is not dict or not required <= data.keys() or not data.keys() <= fields.keys():
            raise _UnreadError
        return construct(**{name: fields[name](value) for name, value in data.items()})

    return read


def _field_reader(field: FieldInfo) -> Read:
    plain = (
        field.alias,
        field.validation_alias,
        field.serialization_alias,
        field.exclude,
        field.exclude_if,
        field.discriminator,
        field.validate_default,
        field.default_factory not in (None, list),
    )
    if any(value not in (None, False) for value in plain):
        raise _UnknownError(field)
    default = field.default
    immutable = type(default) in (int, str, bool, NoneType)
    if default is not PydanticUndefined and not immutable and not (type(default) is list and not default):
        raise _UnknownError(field)  # validation and model_construct copy an empty list alike
    metadata = field.metadata
    annotation = field.annotation
    if metadata == _ID_METADATA and annotation is str:
        return _identifier
    if metadata == _UTC_METADATA and annotation is datetime:
        return _time
    if len(metadata) == 1 and isinstance(metadata[0], MinLen) and annotation is str:
        return _at_least(metadata[0].min_length)
    if (
        len(metadata) == 1
        and isinstance(metadata[0], Ge)
        and type(metadata[0].ge) is int
        and annotation is int
    ):
        return _no_less(metadata[0].ge)
    if metadata:
        raise _UnknownError(field)
    return _type_reader(annotation)


def _type_reader(annotation: object) -> Read:
    if annotation == Id:
        return _identifier
    if annotation == UtcDatetime:
        return _time
    if isinstance(annotation, type) and annotation in _SCALARS:
        return _SCALARS[annotation]
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal and all(type(arg) is str for arg in args):
        return _one_of(frozenset(args))
    if origin is list and args == (Id,):
        return _identifiers
    if origin is list and len(args) == 1:
        return _list_of(_type_reader(args[0]))
    if origin in (Union, UnionType) and len(args) == 2 and args[1] is NoneType:
        return _or_none(_type_reader(args[0]))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        reader = _model_reader(annotation)
        if reader is not None:
            return reader
    raise _UnknownError(annotation)


def _text(value: object) -> str:
    if type(value) is not str:
        raise _UnreadError
    if not value.isascii():
        try:
            value.encode()
        except UnicodeEncodeError:
            raise _UnreadError from None  # a lone surrogate (``"\\ud800"``)
    return value


def _integer(value: object) -> int:
    if type(value) is not int or not -(1 << 63) <= value < (1 << 63):
        raise _UnreadError
    return value


def _flag(value: object) -> bool:
    if type(value) is not bool:
        raise _UnreadError
    return value


def _number(value: object) -> float:
    if type(value) is float and math.isfinite(value):
        return value
    if type(value) is int and -_BIGGEST <= value <= _BIGGEST:
        return float(value)
    raise _UnreadError


_SCALARS: dict[object, Read] = {str: _text, int: _integer, bool: _flag, float: _number}


def _identifier(value: object) -> str:
    if type(value) is not str or _ID.fullmatch(value) is None:
        raise _UnreadError
    return value


def _identifiers(value: object) -> list[str]:
    """A list of ids at once (a full outage's first event names every service: 0.4 ms, not 3 ms,
    for 10,000): joined by newlines, which no id holds, they match only if each one does."""
    if type(value) is not list:
        raise _UnreadError
    try:
        joined = "\n".join(value)  # only strings join (the parser makes no str subclass)
    except TypeError:
        raise _UnreadError from None
    if value and (joined.count("\n") != len(value) - 1 or _IDS.fullmatch(joined) is None):
        raise _UnreadError
    return value


def _time(value: object) -> datetime:
    found = _TIME.fullmatch(value) if type(value) is str else None
    if found is None:
        raise _UnreadError
    year, month, day, hour, minute, second, micro = found.groups()
    try:
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), int(micro or 0), UTC
        )
    except ValueError:
        raise _UnreadError from None  # 2026-02-30, a leap second, year 0


def _at_least(length: int) -> Read:
    def read(value: object) -> str:
        text = _text(value)
        if len(text) < length:
            raise _UnreadError
        return text

    return read


def _no_less(least: int) -> Read:
    def read(value: object) -> int:
        number = _integer(value)
        if number < least:
            raise _UnreadError
        return number

    return read


def _one_of(allowed: frozenset[str]) -> Read:
    def read(value: object) -> str:
        if type(value) is not str or value not in allowed:
            raise _UnreadError
        return value

    return read


def _list_of(item: Read) -> Read:
    def read(value: object) -> list[Any]:
        if type(value) is not list:
            raise _UnreadError
        return [item(each) for each in value]

    return read


def _or_none(inner: Read) -> Read:
    def read(value: object) -> object:
        return None if value is None else inner(value)

    return read
