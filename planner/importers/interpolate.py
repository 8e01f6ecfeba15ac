"""Compose variable substitution: ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``,
``${VAR:?error}``, ``${VAR?error}``, ``${VAR:+alt}``, ``$VAR`` and ``$$`` for a literal dollar."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.errors import PlannerError
from planner.importers.compose_tags import Override
from planner.planfile.source import max_input_bytes, read_bounded

_PATTERN = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)


class InterpolationError(PlannerError):
    """A required variable (``${VAR:?message}``) is not set, or substitution makes a file larger
    than the read limit."""


@dataclass(frozen=True)
class Variable:
    """A variable whose value comes from the environment or ``.env``, left as a reference."""

    name: str

    def __str__(self) -> str:
        return "${" + self.name + "}"


class ShellText(str):
    """Text of a command in which the values of the environment and ``.env`` are left as
    ``${NAME}`` references (its ``parts``): such a value may be a password, and a plan is no place
    for one. The text itself shows each reference as ``${NAME}``."""

    parts: tuple[str | Variable, ...]

    def __new__(cls, parts: Iterable[str | Variable]) -> ShellText:
        kept = tuple(parts)
        text = super().__new__(cls, "".join(map(str, kept)))
        text.parts = kept
        return text

    @property
    def variables(self) -> list[str]:
        """The names referred to, in order."""
        return [p.name for p in self.parts if isinstance(p, Variable)]


def parts_of(text: str) -> tuple[str | Variable, ...]:
    """The literal pieces and references of ``text`` (one piece for plain text)."""
    return text.parts if isinstance(text, ShellText) else (text,)


def joined(items: Iterable[str], separator: str = " ") -> str:
    """``separator.join(items)``, keeping the references of any :class:`ShellText` among them."""
    texts = list(items)
    if not any(isinstance(t, ShellText) for t in texts):
        return separator.join(texts)
    parts: list[str | Variable] = []
    for i, text in enumerate(texts):
        if i:
            parts.append(separator)
        parts.extend(parts_of(text))
    return ShellText(parts)


class Budget:
    """What substitution may still add to one file: the read limit, as for the file itself (a
    400 KB file of ``${X}`` with a long ``X`` once made a 100 MB value)."""

    def __init__(self, where: str) -> None:
        self.limit = max_input_bytes()
        self.left = self.limit
        self.where = where

    def spend(self, size: int, name: str | None = None) -> None:
        self.left -= size
        if self.left < 0:
            what = f"${{{name}}} ({size:,} characters) " if name else ""
            raise InterpolationError(
                f"{self.where}: substituting {what}takes the file past {self.limit // 2**20} MB, the "
                "read limit; variables may not multiply a file beyond it (shorten the value, or set "
                "PLANNER_MAX_INPUT_MB)"
            )


def interpolate(
    text: str,
    env: Mapping[str, str],
    where: str = "",
    missing: set[str] | None = None,
    *,
    keep: bool = False,
    budget: Budget | None = None,
) -> str:
    """Substitute variables in one string, as Docker Compose does; with ``keep``, each value
    taken from ``env`` stays a ``${NAME}`` reference (a :class:`ShellText` comes back when there
    is one). The text that comes from the file itself (a default, an alternative) is written in.

    Examples
    --------
    >>> interpolate("${DB:-postgresql}", {})
    'postgresql'
    >>> interpolate("${DB-postgresql}", {"DB": ""})
    ''
    >>> interpolate("$$HOME and ${X}", {"X": "x"})
    '$HOME and x'
    >>> interpolate("-p$PW ${U:-root}", {"PW": "hunter2"}, keep=True)
    '-p${PW} root'
    """
    budget = budget or Budget(where)
    parts: list[str | Variable] = []
    done = 0
    for match in _PATTERN.finditer(text):
        parts.append(text[done : match.start()])
        budget.spend(match.start() - done)
        done = match.end()
        parts.extend(_substitute(match, env, where, missing, keep=keep, budget=budget))
    parts.append(text[done:])
    budget.spend(len(text) - done)
    if any(isinstance(p, Variable) for p in parts):
        return ShellText(p for p in parts if p != "")
    return "".join(p for p in parts if isinstance(p, str))


def _substitute(
    match: re.Match[str],
    env: Mapping[str, str],
    where: str,
    missing: set[str] | None,
    *,
    keep: bool,
    budget: Budget,
) -> tuple[str | Variable, ...]:
    """What one ``$...`` stands for: literal text, or a :class:`Variable` with ``keep``."""
    if match.group("escaped"):
        budget.spend(1)
        return ("$",)
    name = match.group("braced") or match.group("named")
    op, arg = match.group("op"), match.group("arg") or ""
    value = env.get(name)

    def nested(text: str) -> tuple[str | Variable, ...]:
        return parts_of(interpolate(text, env, where, keep=keep, budget=budget))

    def found() -> tuple[str | Variable, ...]:
        if keep:
            budget.spend(len(name) + 3)
            return (Variable(name),)
        budget.spend(len(str(value)), name)
        return (str(value),)

    if op in (":-", "-"):
        unset = value is None or (op == ":-" and value == "")
        return nested(arg) if unset else found()
    if op in (":?", "?"):
        if value is None or (op == ":?" and value == ""):
            raise InterpolationError(f"{where}: required variable {name} is not set: {arg or 'no message'}")
        return found()
    if op in (":+", "+"):
        present = value is not None and (op == "+" or value != "")
        return nested(arg) if present else ()
    if value is None:
        if missing is not None:
            missing.add(name)
        return ()
    return found()


def interpolate_all(
    value: Any,
    env: Mapping[str, str],
    where: str = "",
    missing: set[str] | None = None,
    budget: Budget | None = None,
    *,
    keep: bool = False,
) -> Any:
    """Substitute in every string value (not keys) of a loaded Compose document; names of unset
    variables without a default go into ``missing``. All of it together may not grow past the
    read limit."""
    budget = budget or Budget(where)
    if isinstance(value, str):
        return interpolate(value, env, where, missing, keep=keep, budget=budget)
    if isinstance(value, list):
        return [interpolate_all(v, env, where, missing, budget, keep=keep) for v in value]
    if isinstance(value, dict):
        return {k: interpolate_all(v, env, where, missing, budget, keep=keep) for k, v in value.items()}
    if isinstance(value, Override):
        return Override(interpolate_all(value.value, env, where, missing, budget, keep=keep))
    return value


def interpolate_document(
    data: dict[str, Any], env: Mapping[str, str], where: str = "", missing: set[str] | None = None
) -> dict[str, Any]:
    """:func:`interpolate_all` for a whole Compose file, in which each service's healthcheck
    ``test`` (the plan's commands) keeps its variables as references (:class:`ShellText`)."""
    budget = Budget(where)
    out = {}
    for key, value in data.items():
        if key == "services" and isinstance(value, dict):
            out[key] = {name: _service(config, env, where, missing, budget) for name, config in value.items()}
        else:
            out[key] = interpolate_all(value, env, where, missing, budget)
    return out


def _service(
    config: Any, env: Mapping[str, str], where: str, missing: set[str] | None, budget: Budget
) -> Any:
    if isinstance(config, Override):
        return Override(_service(config.value, env, where, missing, budget))
    if not isinstance(config, dict):
        return interpolate_all(config, env, where, missing, budget)
    out = {}
    for key, value in config.items():
        check = value.value if isinstance(value, Override) else value
        if key == "healthcheck" and isinstance(check, dict):
            inner = {
                k: interpolate_all(v, env, where, missing, budget, keep=k == "test") for k, v in check.items()
            }
            out[key] = Override(inner) if isinstance(value, Override) else inner
        else:
            out[key] = interpolate_all(value, env, where, missing, budget)
    return out


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
