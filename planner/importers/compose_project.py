"""Reading a Compose project as ``docker compose`` does: several ``-f`` files merged in order
(later ones override and extend; ``depends_on`` entries combine; ``!reset`` and ``!override``),
``include``, YAML anchors and merge keys, ``extends``, variables from the environment and
``.env``, profiles (``--profile`` or ``COMPOSE_PROFILES``), the project name, and the
dependencies Compose implies without ``depends_on`` (``network_mode: service:X``, ``links``,
``volumes_from``)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.errors import PlannerError
from planner.importers.compose_extends import Extends
from planner.importers.compose_file import ComposeService, load_file, service_lines
from planner.importers.compose_tags import Override, Reset, plain
from planner.importers.interpolate import Budget, interpolate_all, interpolate_document, read_env_file


@dataclass
class ComposeProject:
    """The merged configuration of several Compose files."""

    services: dict[str, ComposeService]
    skipped_by_profile: list[str]
    warnings: list[str]
    name: str = "imported"
    """The project name: ``-p``, else the files' ``name:``, else ``COMPOSE_PROJECT_NAME``, else
    the first file's directory (as ``docker compose`` picks it)."""
    profiles: tuple[str, ...] = ()
    """The active profiles (``--profile``, else ``COMPOSE_PROFILES``)."""


def normalize_depends_on(value: Any) -> dict[str, dict[str, Any]]:
    """List or mapping form of ``depends_on`` as ``{name: {condition, required}}``.

    Examples
    --------
    >>> normalize_depends_on(["db"])
    {'db': {'condition': 'service_started', 'required': True}}
    """
    if isinstance(value, Override):
        value = value.value
    if value is None or isinstance(value, Reset):
        return {}
    if isinstance(value, list):
        return {str(v): {"condition": "service_started", "required": True} for v in value}
    if isinstance(value, dict):
        out = {}
        for name, raw in value.items():
            spec = raw if isinstance(raw, dict) else {}
            out[str(name)] = {
                "condition": spec.get("condition", "service_started"),
                "required": spec.get("required", True) is not False,
            }
            if "via" in spec:
                out[str(name)]["via"] = spec["via"]
        return out
    return {}


def _merge(base: Any, override: Any) -> Any:
    """Compose's merge: mappings merge key by key, ``depends_on`` entries combine, other values
    from the later file win; ``!reset`` drops a key, ``!override`` replaces without merging."""
    if isinstance(override, Override):
        return plain(override.value)
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            if isinstance(value, Reset):
                out.pop(key, None)
            elif isinstance(value, Override):
                out[key] = plain(value.value)
            elif key == "depends_on":
                merged = normalize_depends_on(base.get(key))
                merged.update(normalize_depends_on(value))
                out[key] = merged
            elif key in out:
                out[key] = _merge(out[key], value)
            else:
                out[key] = value
        return out
    return plain(override)


Loaded = dict[Path, tuple[dict[str, Any], Any]]
"""Files read so far (their data and node tree): each is parsed once, not once for its
``include`` entries and again for its services."""


def _load(path: Path, loaded: Loaded) -> tuple[dict[str, Any], Any]:
    if path not in loaded:
        loaded[path] = load_file(path)
    return loaded[path]


def _with_includes(files: Sequence[Path], variables: Mapping[str, str], loaded: Loaded) -> list[Path]:
    """The files to read in order: each file's ``include`` entries (and theirs, to any depth,
    without recursion) before it; a file included twice is read once, a loop is an error."""
    out: list[Path] = []
    done: set[Path] = set()
    for path in files:
        if path.resolve() in done:
            continue
        stack = [(path, path.resolve(), iter(_included(path, variables, loaded)))]
        while stack:
            current, real, pending = stack[-1]
            target = next(pending, None)
            if target is None:
                stack.pop()
                done.add(real)
                out.append(current)
                continue
            target_real = target.resolve()
            if any(target_real == r for _, r, _ in stack):
                chain = " -> ".join(str(p) for p, _, _ in stack)
                raise PlannerError(f"{target}: 'include' loops back to itself ({chain} -> {target})")
            if target_real not in done:
                stack.append((target, target_real, iter(_included(target, variables, loaded))))
    return out


def _included(path: Path, variables: Mapping[str, str], loaded: Loaded) -> list[Path]:
    """The files ``path`` includes, relative to its folder."""
    data, _ = _load(path, loaded)
    budget = Budget(str(path))
    out = []
    for entry in data.get("include") or []:
        named = entry.get("path") if isinstance(entry, dict) else entry
        for item in named if isinstance(named, list) else [named]:
            if not isinstance(item, str):
                raise PlannerError(f"{path}: an 'include' entry must be a path, not {item!r}")
            target = Path(interpolate_all(item, variables, str(path), budget=budget))
            out.append(target if target.is_absolute() else path.parent / target)
    return out


IMPLIED = {"network_mode": "network_mode: service:", "links": "links", "volumes_from": "volumes_from"}
"""Settings through which Compose starts one service after another without ``depends_on``."""


def implied_dependencies(config: Mapping[str, Any]) -> dict[str, str]:
    """Services ``config`` needs through ``network_mode: service:X``, ``links`` (``X`` or
    ``X:alias``) and ``volumes_from`` (``X`` or ``X:ro``; ``container:...`` is not a service):
    ``{name: the setting that implies it}``."""
    out: dict[str, str] = {}
    mode = config.get("network_mode")
    if isinstance(mode, str) and mode.startswith("service:"):
        out[mode.removeprefix("service:")] = "network_mode"
    for setting in ("links", "volumes_from"):
        for item in config.get(setting) or []:
            if isinstance(item, str) and not item.startswith("container:"):
                out.setdefault(item.split(":", 1)[0], setting)
    return out


def _add_implied(service: ComposeService) -> None:
    """Write the dependencies Compose implies into ``depends_on`` (started, required), each
    marked with the setting it comes from, unless ``depends_on`` names them already."""
    implied = implied_dependencies(service.config)
    if not implied:
        return
    deps = normalize_depends_on(service.config.get("depends_on"))
    for name, setting in implied.items():
        if name not in deps:
            deps[name] = {"condition": "service_started", "required": True, "via": setting}
    service.config["depends_on"] = deps


def load_project(
    files: Sequence[Path],
    env: Mapping[str, str] | None = None,
    *,
    env_file: Path | None = None,
    profiles: Iterable[str] = (),
    all_profiles: bool = False,
    project_name: str | None = None,
) -> ComposeProject:
    """Load, interpolate and merge Compose files in order (each one's ``include`` first), then
    apply ``extends``, the dependencies Compose implies, and profiles."""
    if not files:
        raise PlannerError("give at least one Compose file")
    variables = dict(os.environ if env is None else env)
    dotenv = env_file or files[0].parent / ".env"
    if dotenv.exists():
        variables = {**read_env_file(dotenv), **variables}
    elif env_file is not None:
        raise PlannerError(f"no such env file: {env_file}")
    loaded: Loaded = {}
    services, warnings, named = _read_files(_with_includes(files, variables, loaded), variables, loaded)
    extends = Extends(services, files[0].parent, variables, _merge)
    resolved = {name: extends.resolve(name) for name in services}
    for name, service in services.items():
        service.config = resolved[name]
        _add_implied(service)
    active = tuple(profiles) or tuple(
        p.strip() for p in variables.get("COMPOSE_PROFILES", "").split(",") if p.strip()
    )
    wanted = set(active)
    skipped = sorted(
        n
        for n, s in services.items()
        if s.config.get("profiles") and not all_profiles and not (wanted & set(s.config["profiles"]))
    )
    kept = {n: s for n, s in services.items() if n not in skipped}
    name = (
        project_name
        or named
        or variables.get("COMPOSE_PROJECT_NAME", "").strip()
        or files[0].resolve().parent.name
        or "imported"
    )
    return ComposeProject(kept, skipped, warnings, name, active)


def _read_files(
    paths: Sequence[Path], variables: Mapping[str, str], loaded: Loaded
) -> tuple[dict[str, ComposeService], list[str], str | None]:
    """Read, interpolate and merge ``paths`` in order: the services, warnings about unset
    variables, and the last ``name:`` given."""
    services: dict[str, ComposeService] = {}
    warnings: list[str] = []
    named: str | None = None
    for path in paths:
        data, node = _load(path, loaded)
        unset: set[str] = set()
        data = interpolate_document(data, variables, str(path), unset)
        if unset:
            names = sorted(unset)
            shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
            warnings.append(
                f"{path}: {len(names)} variable{'s' if len(names) != 1 else ''} not set ({shown}); "
                "substituted empty strings, as docker compose does: set them or add a .env"
            )
        if isinstance(data.get("name"), str) and data["name"].strip():
            named = data["name"].strip()
        lines = service_lines(node, variables, str(path))
        for name, raw in (data.get("services") or {}).items():
            config = raw or {}
            line, dep_lines = lines.get(name, (1, {}))
            if name in services:
                svc = services[name]
                svc.config = _merge(svc.config, config)
            else:
                svc = ComposeService(name, _merge({}, config), str(path), line)
                services[name] = svc
            for dep, dep_line in dep_lines.items():
                svc.dep_lines[dep] = (str(path), dep_line)
    return services, warnings, named
