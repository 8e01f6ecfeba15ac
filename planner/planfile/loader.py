"""Load a plan file into models, reporting every structural and referential problem at once."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from models.plan import (
    RULE_IDS,
    Component,
    Exercise,
    Person,
    Plan,
    Policy,
    Roles,
    Scenario,
    Service,
    Team,
    Workaround,
)
from planner.errors import PlanError, Problem, YamlPath
from planner.planfile.blocklocate import ExpectedLength
from planner.planfile.lifetime import keep_until_exit
from planner.planfile.messages import KEY_ERRORS, kind_word, translate
from planner.planfile.pieces import Pieces, split
from planner.planfile.references import check_references
from planner.planfile.services import service_index, validate_services
from planner.planfile.source import Source, parse, read_source
from planner.suggest import did_you_mean

_ID_COLLECTIONS = ("people", "teams", "services", "scenarios", "workarounds", "components")


@dataclass
class LoadedPlan:
    """A structurally valid plan, with any referential problems it still has."""

    plan: Plan
    """The validated models."""
    source: Source
    """Where it came from, for locating findings."""
    problems: list[Problem] = field(default_factory=list)
    """Referential problems (unknown ids, self-dependencies, cycles), located."""
    checked: bool = True
    """False while the referential checks are deferred (``references=False``): see
    :meth:`ensure_checked`."""
    index: dict[str, int] | None = field(default=None, repr=False)
    """Each service id's place in ``plan.services``, when reading worked it out (ids unique),
    for the referential checks; dropped once they have run."""

    def ensure_checked(self) -> list[Problem]:
        """Run the deferred referential checks (once); the problems found."""
        if not self.checked:
            found = check_references(self.plan, index=self.index)
            self.problems = _located(self.source, found, list_lengths(self.plan))
            self.checked = True
            self.index = None
        return self.problems

    def require_valid(self) -> Plan:
        """The plan, or :class:`PlanError` when it has referential problems."""
        if self.ensure_checked():
            raise PlanError(self.problems)
        return self.plan


def load_plan(path: str | Path, *, references: bool = True) -> LoadedPlan:
    """Read, parse and validate the plan at ``path`` (``-`` for stdin). With
    ``references=False`` the referential checks wait for :meth:`LoadedPlan.ensure_checked`
    (an audit runs them beside the engine).

    Raises
    ------
    PlanError
        For structural problems: the file is unusable, and every problem is listed.
    """
    return load_source(read_source(path), references=references)


def load_valid_plan(path: str | Path) -> Plan:
    """Load a plan and refuse it if it has referential problems too."""
    return load_plan(path).require_valid()


def load_source(source: Source, *, references: bool = True) -> LoadedPlan:
    """Validate an already-read source; see :func:`load_plan`."""
    pieces = split(source.text) if source.format == "yaml" else None
    read = _validate_pieces(pieces) if pieces is not None else None
    if read is not None:  # a large plain plan, read a few hundred services at a time
        return _loaded(read[0], source, references, read[1])
    plan: Plan | None = None
    data = parse(source)
    if not isinstance(data, dict):
        raise PlanError(
            [
                Problem(
                    "a plan is a mapping with 'version', 'name' and 'services' at the top level, "
                    f"not {'a list' if isinstance(data, list) else repr(data)}",
                    file=source.name,
                    line=1,
                    column=1,
                )
            ]
        )
    problems = _raw_problems(data)
    services = data.get("services")
    if not problems and isinstance(services, list) and len(services) >= IN_PLACE_FROM:
        plan = _validate_in_place(data, services)
        if plan is None:  # invalid: read again, for every problem with its place (rare, and slow)
            data = parse(source)
    if plan is None:
        try:
            plan = Plan.model_validate(data)
        except ValidationError as exc:
            problems.extend(_from_validation(exc))
    if problems or plan is None:
        lenient, partial = _lenient_plan(data)
        problems.extend(check_references(lenient, partial=partial))
        raise PlanError(_located(source, problems))
    return _loaded(plan, source, references)


def _loaded(plan: Plan, source: Source, references: bool, index: dict[str, int] | None = None) -> LoadedPlan:
    loaded = LoadedPlan(plan=plan, source=source, checked=False, index=index)
    keep_until_exit(loaded)
    if references:
        loaded.ensure_checked()
    return loaded


IN_PLACE_FROM = 1000
"""Services from which a plan's services are validated one by one, each parsed item dropped as
soon as its model is built: the parsed document and the models are not held whole at once (at
100,000 services they take about 520 MB and 360 MB)."""


def _validate_in_place(data: dict[str, Any], items: list[Any]) -> Plan | None:
    """The plan of ``data``, its services (``items``) validated a few at a time, the items
    dropped from the list once their models are built; None when something is invalid
    (``items`` is then partly emptied)."""
    try:
        rest = Plan.model_validate({**data, "services": []})
        services: list[Service] = []
        validate_services(items, services, {})
    except ValidationError:
        return None
    return rest.model_copy(update={"services": services})


def _validate_pieces(pieces: Pieces) -> tuple[Plan, dict[str, int]] | None:
    """The plan of a large plain plan read in pieces (:mod:`planner.planfile.pieces`): the
    document without its services, then each piece of services validated and dropped; None
    when anything is not plain or not valid (the plan is then read whole, for every problem
    with its place). With it, each service id's place (made to find a duplicate id, kept for
    the referential checks)."""
    head = pieces.head()
    if not isinstance(head, dict) or head.get("services") != [] or _raw_problems(head):
        return None
    services: list[Service] = []
    shared: dict[frozenset[str], set[str]] = {}
    try:
        rest = Plan.model_validate(head)
        for items in pieces.items():
            if items is None:
                return None
            validate_services(items, services, shared)
    except ValidationError:
        return None
    index = service_index(services)
    if len(index) != len(services):  # a duplicate id: said with its place
        return None
    return rest.model_copy(update={"services": services}), index


_ITEM_MODELS: dict[str, type[BaseModel]] = {
    "people": Person,
    "teams": Team,
    "services": Service,
    "scenarios": Scenario,
    "workarounds": Workaround,
    "exercises": Exercise,
    "components": Component,
}


# Required fields of a stand-in; empty ids are never checked as references.
_STAND_IN: dict[str, dict[str, Any]] = {
    "scenarios": {"failed": []},
    "workarounds": {"service": "", "bypasses": "", "description": "", "applied": datetime.min},
    "components": {"name": ""},
}


def _lenient_plan(data: dict[str, Any]) -> tuple[Plan, set[str]]:
    """A best-effort plan from data that failed validation, so references can still be checked,
    and the ids of services whose dependencies are not all known (see below).

    Every list item that validates is kept. One that does not is salvaged: the keys (or list
    entries) pydantic names as wrong are dropped until the rest validates, so its good
    references are still checked in the same run ("every problem at once"). What cannot be
    salvaged becomes a bare stand-in keeping its id (so nothing that refers to it is reported as
    unknown). Indices stay aligned.
    """
    parts: dict[str, Any] = {}
    partial: set[str] = set()
    for collection, model in _ITEM_MODELS.items():
        items = data.get(collection)
        kept: list[BaseModel] = []
        for index, item in enumerate(items if isinstance(items, list) else []):
            try:
                kept.append(model.model_validate(item))
                continue
            except ValidationError:
                pass
            salvaged, complete = _salvage(model, item, _STAND_IN.get(collection, {}))
            if salvaged is not None:
                kept.append(salvaged)
                if collection == "services" and not complete:
                    partial.add(str(getattr(salvaged, "id", "")))
                continue
            ident = item.get("id") if isinstance(item, dict) else None
            stand_in = ident if isinstance(ident, str) else f"<item {index}>"
            fill: dict[str, Any] = {"id": stand_in, **_STAND_IN.get(collection, {})}
            if model is Exercise:  # no id; keep its scenario reference when it is text
                scenario = item.get("scenario") if isinstance(item, dict) else None
                fill = {"scenario": scenario if isinstance(scenario, str) else "", "date": date.min}
            kept.append(model.model_construct(**fill))
            if collection == "services":
                partial.add(stand_in)
        parts[collection] = kept
    try:
        parts["roles"] = Roles.model_validate(data.get("roles") or {})
    except ValidationError:
        parts["roles"] = Roles()
    return Plan.model_construct(version=1, name="", policy=Policy(), **parts), partial


def _salvage(model: type[BaseModel], item: object, fill: dict[str, Any]) -> tuple[BaseModel | None, bool]:
    """``item`` validated with what pydantic objects to dropped (its required keys filled from
    ``fill``), and whether its ``depends_on`` came through whole; None when that does not work."""
    if not isinstance(item, dict) or not isinstance(item.get("id", ""), str):
        return None, False
    work = copy.deepcopy(item)
    complete = True
    for _ in range(_SALVAGE_STEPS):
        try:
            return model.model_validate(work), complete
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
        where = error["loc"]
        if error["type"] == "missing" and len(where) == 1 and where[0] in fill:
            work[str(where[0])] = fill[str(where[0])]
            continue
        if not _drop(work, where):
            return None, False
        complete = complete and (not where or where[0] != "depends_on")
    return None, False


_SALVAGE_STEPS = 50
"""Keys dropped from one item at most before it is given up for a stand-in."""


def _drop(data: dict[str, Any], where: tuple[int | str, ...]) -> bool:
    """Remove what ``where`` points at (the deepest key or list entry that exists); False when
    nothing there can be removed."""
    parent: Any = data
    for depth, step in enumerate(where):
        there = (isinstance(parent, dict) and step in parent) or (
            isinstance(parent, list) and isinstance(step, int) and 0 <= step < len(parent)
        )
        if not there:  # a location pydantic made up (a union member's name): drop what holds it
            if parent is not data and isinstance(parent, dict | list):
                parent.clear()
                return True
            return False
        child = parent[step]
        if depth == len(where) - 1 or not isinstance(child, dict | list):
            del parent[step]
            return True
        parent = child
    return False


def _from_validation(exc: ValidationError) -> list[Problem]:
    out = []
    for error in exc.errors(include_url=False):
        path, message = translate(error)
        out.append(Problem(message, path=path, at_key=error["type"] in KEY_ERRORS))
    return out


def _raw_problems(data: dict[str, Any]) -> list[Problem]:
    """Checks pydantic cannot express per item: duplicate ids, unknown rule ids."""
    problems: list[Problem] = []
    for collection in _ID_COLLECTIONS:
        items = data.get(collection)
        if not isinstance(items, list):
            continue
        first: dict[str, int] = {}
        for index, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                continue
            ident = item["id"]
            if ident in first:
                problems.append(
                    Problem(
                        f"duplicate {kind_word(collection)} id '{ident}' "
                        f"(first defined at {collection}[{first[ident]}]); ids must be unique",
                        path=(collection, index, "id"),
                    )
                )
            else:
                first[ident] = index
    policy = data.get("policy")
    rules = policy.get("rules") if isinstance(policy, dict) else None
    if isinstance(rules, dict):
        for rule in rules:
            if rule not in RULE_IDS:
                problems.append(
                    Problem(
                        f"unknown audit rule '{rule}'{did_you_mean(str(rule), RULE_IDS)}",
                        path=("policy", "rules", rule),
                        at_key=True,
                    )
                )
    return problems


def list_lengths(plan: Plan) -> ExpectedLength:
    """The length of the list at each path of ``plan`` (None where there is no list), for the
    block locator to check its reading of the text against."""

    def length(path: YamlPath) -> int | None:
        node: Any = plan
        for part in path:
            try:
                node = node[part] if isinstance(part, int) else getattr(node, part)
            except (AttributeError, IndexError, TypeError):
                return None
        return len(node) if isinstance(node, list) else None

    return length


def _located(
    source: Source, problems: list[Problem], expected: ExpectedLength | None = None
) -> list[Problem]:
    if not problems:
        return []
    positions = source.locate({p.path for p in problems}, expected)
    out = []
    for problem in problems:
        pos = positions.get(problem.path)
        if pos is None:
            out.append(replace(problem, file=source.name, line=1))
        elif problem.at_key:
            out.append(replace(problem, file=source.name, line=pos.line, column=pos.column))
        else:
            out.append(replace(problem, file=source.name, line=pos.value_line, column=pos.value_column))
    return sorted(out, key=lambda p: (p.line or 0, p.column or 0, p.message))
