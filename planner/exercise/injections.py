"""Reading an injection file (``planner exercise start --inject FILE``), validated like a plan:
bounded reads, every problem listed with its ``file:line:col``, unknown services and people named
with the closest id (docs/guide/exercises.md#the-injection-file).

.. code-block:: yaml

    injections:
      - at: +10m
        check: db-primary -> storage-cluster   # the check of storage-cluster for db-primary fails
      - at: +15m
        no_answer: tom                          # tom does not answer: escalate
      - at: +20m
        update: customer                        # the customer update is due
      - at: +30m
        fails: app-api                          # app-api fails again
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from models.duration import DurationError, parse_duration
from models.exercise import Injection, InjectionKind
from models.plan import Plan
from planner.engine.graph import RecoveryGraph
from planner.errors import PlanError, Problem, YamlPath
from planner.planfile.source import Source, parse, read_bounded
from planner.style import visible
from planner.suggest import did_you_mean

ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
"""An injection's id, as the plan's ids are written."""
MAX_INJECTIONS = 500
"""More than this many surprises in one drill is a mistake, not a game day."""
KINDS: dict[str, InjectionKind] = {
    "check": "check_fails",
    "no_answer": "no_answer",
    "fails": "fails_again",
    "update": "update_due",
}
"""The key that says what happens, and the kind of injection it makes."""
KEYS = ("id", "at", *KINDS, "service", "says")
AUDIENCES = ("technical", "executive", "customer")


@dataclass(frozen=True)
class Drill:
    """What the injections are checked against: the plan and the services the drill restores."""

    plan: Plan
    impacted: Collection[str]
    """Services the scenario impacts (a check or a failure elsewhere has no row in the drill)."""
    graph: RecoveryGraph
    failed: Collection[str] = ()
    """The services that failed first: a person's silence is escalated on one of these first."""


def load_injections(path: str | Path, drill: Drill) -> list[Injection]:
    """The injections of the file at ``path``, in file order, checked against ``drill``.

    Raises
    ------
    PlanError
        Listing every problem, each located in the file.
    """
    name = "<stdin>" if str(path) == "-" else str(path)
    try:
        text = read_bounded(path, "an injection file").decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanError([Problem(f"not valid UTF-8: {exc.reason}; save it as UTF-8", file=name)]) from None
    source = Source(name, text, "yaml")
    data = parse(source)
    problems: list[Problem] = []
    injections = _read(data, drill, problems.append)
    if problems:
        raise PlanError(_located(source, problems))
    return injections


def _read(data: Any, drill: Drill, problem: Callable[[Problem], None]) -> list[Injection]:
    items = data.get("injections") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(items, list):
        problem(Problem("an injection file is a mapping with a list under 'injections:'"))
        return []
    for key in data:
        if key != "injections":
            hint = did_you_mean(str(key), ["injections"])
            problem(Problem(f"unknown key '{key}'{hint}", (key,), at_key=True))
    if len(items) > MAX_INJECTIONS:
        problem(Problem(f"{len(items)} injections: at most {MAX_INJECTIONS} in one drill", ("injections",)))
        return []
    out: list[Injection] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        injection = _item(item, ("injections", index), drill, problem)
        if injection is None:
            continue
        if injection.id in seen:
            problem(Problem(f"injection id '{injection.id}' is used twice", ("injections", index, "id")))
            continue
        seen.add(injection.id)
        out.append(injection)
    return out


def _item(  # long: one check per key of an injection
    item: Any, at: YamlPath, drill: Drill, problem: Callable[[Problem], None]
) -> Injection | None:
    if not isinstance(item, dict):
        problem(Problem("an injection is a mapping (at: +10m, then what happens)", at))
        return None
    before = _Counter(problem)
    for key in item:
        if key not in KEYS:
            before(Problem(f"unknown key '{key}'{did_you_mean(str(key), KEYS)}", (*at, key), at_key=True))
    said = [k for k in KINDS if k in item]
    if len(said) != 1:
        choices = ", ".join(f"'{k}'" for k in KINDS)
        before(Problem(f"say what happens with exactly one of {choices}", at))
        return None
    key = said[0]
    after = _after(item.get("at"), (*at, "at"), before)
    fields: dict[str, Any] = {"what": KINDS[key], "says": str(item.get("says") or "")}
    value = item[key]
    if not isinstance(value, str) or not value.strip():
        before(Problem(f"'{key}' must be text", (*at, key)))
        return None
    value = value.strip()
    where = (*at, key)
    if key == "check":
        fields.update(_check(value, where, drill, before))
    elif key == "fails":
        fields["service"] = _service(value, where, drill, before)
    elif key == "update":
        if value not in AUDIENCES:
            hint = did_you_mean(value, AUDIENCES)
            before(Problem(f"'update' is one of {', '.join(AUDIENCES)}{hint}", where))
        fields["audience"] = value
    else:
        fields.update(_no_answer(value, item.get("service"), at, drill, before))
    if "service" in item and key != "no_answer":
        before(
            Problem(
                "'service' goes with 'no_answer' only (the other kinds name their service)", (*at, "service")
            )
        )
    ident = str(item.get("id", f"I{int(at[-1]) + 1}"))
    if not ID.fullmatch(ident):
        before(
            Problem(f"{visible(ident)!r} is not a valid id: letters, digits, '-', '_' and '.'", (*at, "id"))
        )
    if before.count or after is None:
        return None
    return Injection(id=ident, after=after, **fields)


class _Counter:
    """Passes problems on and counts them (an injection with one is left out)."""

    def __init__(self, problem: Callable[[Problem], None]) -> None:
        self.problem, self.count = problem, 0

    def __call__(self, found: Problem) -> None:
        self.count += 1
        self.problem(found)


def _after(value: Any, where: YamlPath, problem: Callable[[Problem], None]) -> int | None:
    """``+10m`` (or ``10m``): seconds from the drill's start."""
    if value is None:
        problem(Problem("missing 'at': when it happens, from the drill's start (at: +10m)", where[:-1]))
        return None
    try:
        return int(parse_duration(str(value).strip().removeprefix("+")).total_seconds())
    except DurationError as exc:
        problem(Problem(f"'at': {exc}", where))
        return None


def _service(name: str, where: YamlPath, drill: Drill, problem: Callable[[Problem], None]) -> str:
    if name not in drill.graph.services:
        problem(Problem(f"no service '{name}' in the plan{did_you_mean(name, drill.graph.services)}", where))
    elif name not in drill.impacted:
        problem(Problem(f"{name} is not impacted by this scenario: it has no task in the drill", where))
    return name


def _check(value: str, where: YamlPath, drill: Drill, problem: Callable[[Problem], None]) -> dict[str, str]:
    """``A -> B``: the check between A and B, whichever depends on the other."""
    left, arrow, right = (part.strip() for part in value.partition("->"))
    if not arrow or not left or not right:
        problem(Problem("'check' names a dependency edge: SERVICE -> DEPENDENCY", where))
        return {}
    counted = _Counter(problem)
    for name in (left, right):
        _service(name, where, drill, counted)
    if counted.count:
        return {}
    hard = drill.graph.hard_deps
    if right in hard.get(left, ()):
        return {"service": left, "dependency": right}
    if left in hard.get(right, ()):
        return {"service": right, "dependency": left}
    problem(Problem(f"{left} and {right} have no hard dependency between them, so no check", where))
    return {}


def _no_answer(
    person: str, service: Any, at: YamlPath, drill: Drill, problem: Callable[[Problem], None]
) -> dict[str, str]:
    """Who does not answer, and the service to escalate: the one given, else the first impacted
    service whose owner team has them on its escalation path."""
    people = [p.id for p in drill.plan.people]
    if person not in people:
        hint = did_you_mean(person, people)
        problem(Problem(f"no person '{person}' in the plan{hint}", (*at, "no_answer")))
        return {}
    if service is not None:
        return {"person": person, "service": _service(str(service), (*at, "service"), drill, problem)}
    paths = {t.id: t.escalation for t in drill.plan.teams}
    for name in sorted(drill.impacted, key=lambda s: (s not in drill.failed, s)):
        owner = drill.graph.services[name].owner
        if owner is not None and person in paths.get(owner, []):
            return {"person": person, "service": name}
    text = f"{person} is on no impacted service's escalation path: add 'service:'"
    problem(Problem(text, (*at, "no_answer")))
    return {}


def _located(source: Source, problems: list[Problem]) -> list[Problem]:
    positions = source.locate({p.path for p in problems})
    out = []
    for found in problems:
        pos = positions.get(found.path)
        if pos is None:
            out.append(replace(found, file=source.name, line=1))
        elif found.at_key:
            out.append(replace(found, file=source.name, line=pos.line, column=pos.column))
        else:
            out.append(replace(found, file=source.name, line=pos.value_line, column=pos.value_column))
    return sorted(out, key=lambda p: (p.line or 0, p.column or 0, p.message))


def one_injection(item: dict[str, Any], drill: Drill, ident: str) -> Injection:
    """One injection given on the command line (``planner exercise inject``), checked like a
    file's; raises :class:`~planner.errors.UsageError` naming what is wrong."""
    from planner.errors import UsageError

    problems: list[Problem] = []
    found = _item({**item, "id": ident}, ("injections", 0), drill, problems.append)
    if problems or found is None:
        raise UsageError("; ".join(p.message for p in problems) or "nothing to inject")
    return found
