"""Reading one Compose file: YAML with anchors and merge keys (PyYAML), its node tree for line
numbers, and the shapes the importer relies on checked, each wrong one a problem naming the file
and line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from models.scalars import ID_PATTERN
from planner.errors import PlanError, Problem
from planner.importers.compose_tags import ComposeLoader, RecursiveAliasError, plain
from planner.importers.interpolate import Budget, interpolate
from planner.importers.reading import kind_of, read_import_text, refuse_surrogates, yaml_errors

_ID = re.compile(ID_PATTERN)


@dataclass
class ComposeService:
    """One service of the merged configuration, with where it was defined."""

    name: str
    config: dict[str, Any]
    file: str
    line: int
    dep_lines: dict[str, tuple[str, int]] = field(default_factory=dict)


def refuse_duplicate_keys(node: yaml.Node | None, name: str) -> None:
    """Refuse a key given twice in one mapping, as docker compose does (PyYAML keeps the last
    silently, so the importer would read another file than Compose runs).

    Raises
    ------
    PlanError
        At each repeated key.
    """
    problems, stack = [], [node] if node is not None else []
    seen_nodes: set[int] = set()  # an aliased node is one node: checked once
    while stack:
        current = stack.pop()
        if id(current) in seen_nodes:
            continue
        seen_nodes.add(id(current))
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                    if key.value in seen:
                        message = f"key '{key.value}' appears twice in the same mapping; keep one"
                        problems.append(Problem(message, file=name, line=key.start_mark.line + 1))
                    seen.add(key.value)
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    if problems:
        raise PlanError(sorted(problems, key=lambda p: p.line or 0))


def load_file(path: Path) -> tuple[dict[str, Any], yaml.Node | None]:
    """The file's data and its node tree (None for an empty file)."""
    text = read_import_text(path, "a Compose file")
    with yaml_errors(text, str(path)):
        try:
            node = yaml.compose(text, Loader=ComposeLoader)
            data = yaml.load(text, Loader=ComposeLoader)  # anchors, merge keys, !reset and !override
        except RecursiveAliasError as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark else 1
            raise PlanError([Problem(str(exc.problem), file=str(path), line=line)]) from None
    if data is None:
        return {}, None
    refuse_surrogates(text, data, str(path))
    refuse_duplicate_keys(node, str(path))
    if not isinstance(data, dict):
        raise PlanError([Problem("a Compose file is a mapping with 'services'", file=str(path), line=1)])
    services = data.get("services")
    if services is not None and not isinstance(services, dict):
        raise PlanError(
            [
                Problem(
                    "'services' must be a mapping of service names to their settings, "
                    f"not {kind_of(services)}",
                    file=str(path),
                    line=_line_of(node, "services"),
                )
            ]
        )
    found = mapping_get(node, "services")
    keys = [k for k, _ in found[1].value] if found and isinstance(found[1], yaml.MappingNode) else []
    _refuse_unquoted_names(keys, str(path))
    lines = {k.value: k.start_mark.line + 1 for k in keys if isinstance(k, yaml.ScalarNode)}
    for name, config in (services or {}).items():
        _check_service(str(path), str(name), plain(config), lines.get(str(name), 1))
    return data, node


def _refuse_unquoted_names(keys: list[yaml.Node], file: str) -> None:
    """Refuse a service name that YAML 1.1 reads as something else than text (``off`` is false,
    ``123`` a number): Compose reads YAML 1.2, where both are names, and the plan needs text.

    Raises
    ------
    PlanError
        At each such name.
    """
    problems = [
        Problem(
            f"service name {key.value} is read as {_TAGS.get(key.tag, 'something else than text')} "
            f"here; quote it ('{key.value}') so it is read as a name"
            if isinstance(key, yaml.ScalarNode)
            else "a service name must be text, not a list or a mapping",
            file=file,
            line=key.start_mark.line + 1,
        )
        for key in keys
        if not (isinstance(key, yaml.ScalarNode) and key.tag == "tag:yaml.org,2002:str")
    ]
    if problems:
        raise PlanError(problems)


_TAGS = {
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:null": "nothing (null)",
    "tag:yaml.org,2002:timestamp": "a date",
}


def _line_of(node: yaml.Node | None, key: str) -> int:
    found = mapping_get(node, key)
    return found[0].start_mark.line + 1 if found else 1


def _check_service(file: str, name: str, config: object, line: int) -> None:
    """The shapes the importer reads: a mapping, ``extends`` as a name or a mapping with a
    ``service`` name, ``profiles`` as a list of names."""
    wrong = None
    if not _ID.match(name):
        wrong = (
            f"service name '{name}' cannot be a plan id: ids start with a letter or digit and use only "
            "letters, digits, '-', '_' and '.'"
        )
    elif config is not None and not isinstance(config, dict):
        wrong = f"service '{name}' must be a mapping of settings, not {kind_of(config)}"
    elif isinstance(config, dict):
        ext = config.get("extends")
        if ext is not None and not (
            isinstance(ext, str) or (isinstance(ext, dict) and isinstance(ext.get("service"), str))
        ):
            wrong = f"service '{name}': 'extends' must be a service name or {{service: NAME, file: FILE}}"
        depends = config.get("depends_on")
        if depends is not None and not isinstance(depends, list | dict):
            wrong = (
                f"service '{name}': 'depends_on' must be a list or a mapping of services, "
                f"not {kind_of(depends)}"
            )
        profiles = config.get("profiles")
        if profiles is not None and not (
            isinstance(profiles, list) and all(isinstance(p, str) for p in profiles)
        ):
            wrong = f"service '{name}': 'profiles' must be a list of profile names, not {kind_of(profiles)}"
    if wrong:
        raise PlanError([Problem(wrong, file=file, line=line)])


def mapping_get(node: yaml.Node | None, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    """The (key, value) nodes of ``key`` in a mapping node."""
    if not isinstance(node, yaml.MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return k, v
    return None


def service_lines(
    node: yaml.Node | None, env: Mapping[str, str], file: str
) -> dict[str, tuple[int, dict[str, int]]]:
    """Service name -> (line of its key, {dependency name: line of its entry})."""
    out: dict[str, tuple[int, dict[str, int]]] = {}
    budget = Budget(file)  # the whole file's names together: as bounded as its values
    services = mapping_get(node, "services")
    if services is None or not isinstance(services[1], yaml.MappingNode):
        return out
    for key, value in services[1].value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        deps: dict[str, int] = {}
        found = mapping_get(value, "depends_on")
        if found is not None:
            seq = found[1]
            if isinstance(seq, yaml.SequenceNode):
                for item in seq.value:
                    if isinstance(item, yaml.ScalarNode):
                        deps[interpolate(item.value, env, file, budget=budget)] = item.start_mark.line + 1
            elif isinstance(seq, yaml.MappingNode):
                for k, _ in seq.value:
                    if isinstance(k, yaml.ScalarNode):
                        deps[interpolate(k.value, env, file, budget=budget)] = k.start_mark.line + 1
        out[key.value] = (key.start_mark.line + 1, deps)
    return out
