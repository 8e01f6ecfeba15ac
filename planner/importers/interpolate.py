"""Compose variable substitution: ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``,
``${VAR:?error}``, ``${VAR?error}``, ``${VAR:+alt}``, ``$VAR`` and ``$$`` for a literal dollar."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from planner.errors import PlannerError
from planner.importers.compose_tags import Override
from planner.planfile.source import read_bounded

_PATTERN = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)


class InterpolationError(PlannerError):
    """A required variable (``${VAR:?message}``) is not set."""


def interpolate(text: str, env: Mapping[str, str], where: str = "", missing: set[str] | None = None) -> str:
    """Substitute variables in one string, as Docker Compose does.

    Examples
    --------
    >>> interpolate("${DB:-postgresql}", {})
    'postgresql'
    >>> interpolate("${DB-postgresql}", {"DB": ""})
    ''
    >>> interpolate("$$HOME and ${X}", {"X": "x"})
    '$HOME and x'
    """

    def replace(match: re.Match[str]) -> str:
        if match.group("escaped"):
            return "$"
        name = match.group("braced") or match.group("named")
        op, arg = match.group("op"), match.group("arg") or ""
        value = env.get(name)
        if op in (":-", "-"):
            unset = value is None or (op == ":-" and value == "")
            return interpolate(arg, env, where) if unset else str(value)
        if op in (":?", "?"):
            unset = value is None or (op == ":?" and value == "")
            if unset:
                raise InterpolationError(
                    f"{where}: required variable {name} is not set: {arg or 'no message'}"
                )
            return str(value)
        if op in (":+", "+"):
            present = value is not None and (op == "+" or value != "")
            return interpolate(arg, env, where) if present else ""
        if value is None and missing is not None:
            missing.add(name)
        return "" if value is None else str(value)

    return _PATTERN.sub(replace, text)


def interpolate_all(
    value: Any, env: Mapping[str, str], where: str = "", missing: set[str] | None = None
) -> Any:
    """Substitute in every string value (not keys) of a loaded Compose document; names of unset
    variables without a default go into ``missing``."""
    if isinstance(value, str):
        return interpolate(value, env, where, missing)
    if isinstance(value, list):
        return [interpolate_all(v, env, where, missing) for v in value]
    if isinstance(value, dict):
        return {k: interpolate_all(v, env, where, missing) for k, v in value.items()}
    if isinstance(value, Override):
        return Override(interpolate_all(value.value, env, where, missing))
    return value


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=value`` lines of a ``.env`` file (comments, ``export`` and quotes allowed)."""
    out: dict[str, str] = {}
    for raw in read_bounded(path, "an env file").decode("utf-8", "replace").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        key = key.removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        out[key] = value
    return out
