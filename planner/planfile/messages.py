"""Turn pydantic's validation errors into messages in the plan author's words."""

from __future__ import annotations

import types
from datetime import date, datetime
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from models.plan import Plan
from planner.suggest import did_you_mean

_KIND_WORDS = {
    "services": "service",
    "people": "person",
    "teams": "team",
    "scenarios": "scenario",
    "workarounds": "workaround",
    "components": "component",
}


def describe(value: Any) -> str:
    """How a value reads in a message: its YAML type and a short repr.

    Examples
    --------
    >>> describe(True)
    'the boolean true'
    >>> describe([1, 2])
    'a list'
    """
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, datetime):
        return f"the datetime {value.isoformat()}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"'{shown}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def model_at(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc`` in a plan, if it is one."""
    current: Any = Plan
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = get_args(current)
            if get_origin(current) is not list or not args:
                return None
            current = args[0]
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            if field is None:
                return None
            current = field.annotation
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        rest = [a for a in get_args(annotation) if a is not type(None)]
        return rest[0] if len(rest) == 1 else annotation
    return annotation


KEY_ERRORS = frozenset({"extra_forbidden", "missing"})
"""Pydantic error types about a key itself (unknown, missing) rather than its value."""


def translate(error: ErrorDetails) -> tuple[tuple[str | int, ...], str]:
    """The path and the user-facing message for one pydantic error."""
    loc = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    field = str(loc[-1]) if loc else "plan"
    if kind == "extra_forbidden":
        parent = model_at(loc[:-1])
        allowed = sorted(parent.model_fields) if parent else []
        hint = did_you_mean(field, allowed)
        if not hint and allowed:
            hint = "; allowed keys: " + ", ".join(allowed)
        return loc, f"unknown key '{field}'{hint}"
    if kind == "missing":
        return loc, f"missing required key '{field}'"
    if loc == ("version",):
        if isinstance(value, int) and not isinstance(value, bool):
            return loc, f"unsupported version {value}: only version 1 exists (write 'version: 1')"
        return loc, f"'version' must be the number 1, got {describe(value)} (write 'version: 1')"
    if kind == "string_type":
        hint = " (quote it so it is read as text)" if isinstance(value, (bool, int, float, date)) else ""
        return loc, f"'{field}' must be text, got {describe(value)}{hint}"
    if kind == "string_pattern_mismatch":
        return loc, (
            f"{describe(value)} is not a valid id: ids start with a letter or digit and use only "
            "letters, digits, '-', '_' and '.'"
        )
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return loc, f"'{field}' must be a whole number, got {describe(value)}"
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        return loc, f"'{field}' must be at least {bound}, got {describe(value)}"
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", ""))
        options = [o.strip().strip("'") for o in expected.replace(" or ", ", ").split(",")]
        hint = did_you_mean(str(value), options) if isinstance(value, str) else ""
        return loc, f"'{field}' must be one of {expected}, got {describe(value)}{hint}"
    if kind.startswith(("date", "datetime")):
        wanted = "a datetime (2026-11-25T02:40:00Z)" if kind.startswith("datetime") else "a date (YYYY-MM-DD)"
        return loc, f"'{field}' must be {wanted}, got {describe(value)}"
    if kind in ("list_type", "tuple_type", "set_type"):
        return loc, f"'{field}' must be a list, got {describe(value)}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return loc, f"'{field}' must be a mapping of keys to values, got {describe(value)}"
    if kind == "too_short":
        return loc, f"'{field}' must not be empty"
    if kind == "string_too_long":
        return loc, f"'{field}' is too long (at most {ctx.get('max_length')} characters)"
    if kind == "value_error":
        message = str(ctx.get("error", error["msg"]))
        if len(loc) >= 2 and isinstance(loc[-1], int):  # a whole item: name it by its id
            ident = value.get("id") if isinstance(value, dict) else None
            return loc, f"{kind_word(str(loc[-2]))} {describe(ident) if ident else f'#{loc[-1]}'}: {message}"
        return loc, f"'{field}': {message}"
    return loc, f"'{field}': {error['msg']}"


def kind_word(collection: str) -> str:
    """``services`` -> ``service``."""
    return _KIND_WORDS.get(collection, collection)
