"""Docker Compose files to a plan.

Follows the Compose specification where it matters for recovery: several ``-f`` files merged in
order (later ones override and extend; ``depends_on`` entries combine), YAML anchors and merge
keys, ``extends``, variable substitution from the environment and ``.env``, and ``profiles``.
Each service becomes a plan service; ``depends_on`` becomes dependencies whose checks come from
the target's healthcheck when the gate is ``service_healthy``.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from planner.engine.graph import depths
from planner.errors import PlanError, PlannerError, Problem
from planner.importers.compose_file import load_file, service_lines
from planner.importers.emit import document, mapping, note, sequence
from planner.importers.interpolate import interpolate_all, read_env_file
from planner.suggest import did_you_mean

DEFAULT_OWNER_LABEL = "com.recovery-planner.owner"


@dataclass
class ComposeService:
    """One service of the merged configuration, with where it was defined."""

    name: str
    config: dict[str, Any]
    file: str
    line: int
    dep_lines: dict[str, tuple[str, int]] = field(default_factory=dict)


@dataclass
class ComposeProject:
    """The merged configuration of several Compose files."""

    services: dict[str, ComposeService]
    skipped_by_profile: list[str]
    warnings: list[str]


def normalize_depends_on(value: Any) -> dict[str, dict[str, Any]]:
    """List or mapping form of ``depends_on`` as ``{name: {condition, required}}``.

    Examples
    --------
    >>> normalize_depends_on(["db"])
    {'db': {'condition': 'service_started', 'required': True}}
    """
    if value is None:
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
        return out
    return {}


def _merge(base: Any, override: Any) -> Any:
    """Compose's merge: mappings merge key by key, ``depends_on`` entries combine, other values
    from the later file win."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            if key == "depends_on":
                merged = normalize_depends_on(base.get(key))
                merged.update(normalize_depends_on(value))
                out[key] = merged
            elif key in out:
                out[key] = _merge(out[key], value)
            else:
                out[key] = value
        return out
    return override


def load_project(
    files: Sequence[Path],
    env: Mapping[str, str] | None = None,
    env_file: Path | None = None,
    profiles: Iterable[str] = (),
    all_profiles: bool = False,
) -> ComposeProject:
    """Load, interpolate and merge Compose files in order, then apply ``extends`` and profiles."""
    if not files:
        raise PlannerError("give at least one Compose file")
    variables = dict(os.environ if env is None else env)
    dotenv = env_file or files[0].parent / ".env"
    if dotenv.exists():
        variables = {**read_env_file(dotenv), **variables}
    elif env_file is not None:
        raise PlannerError(f"no such env file: {env_file}")
    services: dict[str, ComposeService] = {}
    warnings: list[str] = []
    for path in files:
        data, node = load_file(path)
        unset: set[str] = set()
        data = interpolate_all(data, variables, str(path), unset)
        if unset:
            names = sorted(unset)
            shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
            warnings.append(
                f"{path}: {len(names)} variable{'s' if len(names) != 1 else ''} not set ({shown}); "
                "substituted empty strings, as docker compose does: set them or add a .env"
            )
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
    for name in list(services):
        services[name].config = _resolve_extends(name, services, files[0].parent, variables, set())
    wanted = set(profiles)
    skipped = sorted(
        n
        for n, s in services.items()
        if s.config.get("profiles") and not all_profiles and not (wanted & set(s.config["profiles"]))
    )
    kept = {n: s for n, s in services.items() if n not in skipped}
    return ComposeProject(kept, skipped, warnings)


def _resolve_extends(
    name: str, services: dict[str, ComposeService], base_dir: Path, env: Mapping[str, str], seen: set[str]
) -> dict[str, Any]:
    config = services[name].config
    ext = config.get("extends")
    if not ext:
        return config
    if name in seen:
        raise PlannerError(f"{services[name].file}:{services[name].line}: 'extends' loops through {name}")
    target, file = (ext, None) if isinstance(ext, str) else (ext.get("service"), ext.get("file"))
    if file:
        data, _ = load_file(base_dir / file)
        data = interpolate_all(data, env, file)
        base = (data.get("services") or {}).get(target)
        if base is None:
            raise PlannerError(
                f"{services[name].file}:{services[name].line}: extends names no service '{target}' in {file}"
            )
    else:
        if target not in services:
            raise PlannerError(
                f"{services[name].file}:{services[name].line}: extends names no service '{target}'"
                + did_you_mean(str(target), set(services))
            )
        base = _resolve_extends(target, services, base_dir, env, seen | {name})
    merged = _merge(base or {}, {k: v for k, v in config.items() if k != "extends"})
    return merged if isinstance(merged, dict) else config


def healthcheck_command(config: Mapping[str, Any]) -> str | None:
    """The shell command of a service's healthcheck, or None without one.

    ``CMD`` lists are an argv: the command is quoted so that a shell runs that same argv
    (``["CMD", "sh", "-c", "curl x | grep -q ok"]`` stays one ``-c`` argument). ``CMD-SHELL``
    and a plain string are shell commands already, taken as written. The command runs inside the
    service's container (``docker compose exec``), not on the responder's machine.

    Examples
    --------
    >>> healthcheck_command({"healthcheck": {"test": ["CMD-SHELL", "pg_isready -U postgres"]}})
    'pg_isready -U postgres'
    >>> healthcheck_command({"healthcheck": {"test": ["CMD", "curl", "-f", "http://x/health"]}})
    'curl -f http://x/health'
    >>> healthcheck_command({"healthcheck": {"test": ["CMD", "sh", "-c", "curl x | grep -q ok"]}})
    "sh -c 'curl x | grep -q ok'"
    """
    check = config.get("healthcheck")
    if not isinstance(check, dict) or check.get("disable") is True:
        return None
    test = check.get("test")
    if isinstance(test, str):
        return test if test.strip() else None
    if isinstance(test, list) and test:
        head, rest = str(test[0]), [str(t) for t in test[1:]]
        if head == "CMD-SHELL":
            command = " ".join(rest)
            return command if command.strip() else None
        if head == "CMD" and rest:
            return shlex.join(rest)
    return None  # NONE, an empty CMD, or not a healthcheck Compose knows


def exec_command(service: str, config: Mapping[str, Any]) -> str | None:
    """The healthcheck of ``service`` as a responder types it on a machine that runs the
    project: ``docker compose exec -T SERVICE`` and the healthcheck's argv (a ``CMD`` list), or
    ``sh -c '...'`` around a ``CMD-SHELL`` script, so that ``--run`` checks the container
    itself, not the responder's laptop.

    Examples
    --------
    >>> exec_command("db", {"healthcheck": {"test": ["CMD-SHELL", "pg_isready -U postgres"]}})
    "docker compose exec -T db sh -c 'pg_isready -U postgres'"
    >>> exec_command("api", {"healthcheck": {"test": ["CMD", "curl", "-f", "http://x/health"]}})
    'docker compose exec -T api curl -f http://x/health'
    """
    command = healthcheck_command(config)
    if command is None:
        return None
    test = config["healthcheck"]["test"]
    if isinstance(test, list) and str(test[0]) == "CMD":
        return f"docker compose exec -T {shlex.quote(service)} {command}"
    return f"docker compose exec -T {shlex.quote(service)} sh -c {shlex.quote(command)}"


def completed_command(service: str) -> str:
    """A check that one-shot ``service`` ran to completion with exit status 0."""
    status = 'docker compose ps --all --format "{{.ExitCode}}" ' + shlex.quote(service)
    script = 'test "$(' + status + ')" = 0'
    return "sh -c " + shlex.quote(script)


ONE_SHOT = "one-shot job (restart: no): it runs to completion, it is not kept up"
HEALTHCHECK_NOTE = [
    "verify and check commands are the Compose healthchecks, run in their containers with",
    "`docker compose exec -T SERVICE ...`: run them (`--run`, `audit --run-checks`) from the",
    "project's directory (`--cwd`) on a machine that runs its containers.",
]


def to_plan_yaml(
    project: ComposeProject,
    name: str,
    owner_label: str = DEFAULT_OWNER_LABEL,
    keep_going: bool = False,
) -> tuple[str, list[str]]:
    """The plan as YAML text with comments, and warnings for the user.

    Raises
    ------
    PlanError
        For a ``depends_on`` naming no service after merging (unless ``keep_going``).
    """
    services = project.services
    warnings: list[str] = []
    problems: list[Problem] = []
    deps: dict[str, dict[str, dict[str, Any]]] = {}
    for svc in services.values():
        entries = normalize_depends_on(svc.config.get("depends_on"))
        kept = {}
        for dep, spec in entries.items():
            if dep in services:
                kept[dep] = spec
                continue
            file, line = svc.dep_lines.get(dep, (svc.file, svc.line))
            hint = did_you_mean(dep, set(services))
            if dep in project.skipped_by_profile:
                hint = f" (it is behind an inactive profile: add --profile or --all-profiles){hint}"
            message = f"service '{svc.name}' depends on '{dep}', which names no service{hint}"
            if keep_going:
                warnings.append(f"{file}:{line}: {message}; dropped (--keep-going)")
            else:
                problems.append(Problem(message, file=file, line=line))
        deps[svc.name] = kept
    if problems:
        raise PlanError(problems)
    gated = {
        d
        for entries in deps.values()
        for d, spec in entries.items()
        if spec["condition"] == "service_healthy"
    }
    depth = depths(deps)
    order = sorted(services, key=lambda n: (depth[n], n))
    owners = sorted({str(o) for s in services.values() if (o := _labels(s.config).get(owner_label))})
    header = [
        "Imported by `planner import compose` from: "
        + ", ".join(sorted({s.file for s in services.values()})),
        "Fill in owners, RTOs and restore times; `planner audit` lists what is still missing.",
        *HEALTHCHECK_NOTE,
    ]
    plan = mapping(
        ("version", 1),
        ("name", name),
        ("teams", sequence(mapping(("id", o)) for o in owners) if owners else None),
        ("services", sequence(_service(services[n], deps[n], services, gated, owner_label) for n in order)),
    )
    return document(header, plan), warnings


def _service(
    svc: ComposeService,
    deps: dict[str, dict[str, Any]],
    services: Mapping[str, ComposeService],
    gated: set[str],
    owner_label: str,
) -> CommentedMap:
    config = svc.config
    owner = _labels(config).get(owner_label)
    restart = config.get("restart")
    one_shot = restart is False or restart == "no"
    out = mapping(
        ("id", svc.name),
        ("owner", owner),
        ("description", ONE_SHOT if one_shot else None),
        ("verify", exec_command(svc.name, config)),
    )
    image = f" (image: {config['image']})" if config.get("image") else ""
    todo = [] if owner else [f"owner: TODO (no '{owner_label}' label)"]
    todo += ["rto: TODO", "restore_time: TODO"]
    note(out, "id", f"from {svc.file}:{svc.line}{image}", below=todo)
    if "verify" in out:
        note(out, "verify", f"the healthcheck of {svc.name}, in its container")
    if deps:
        entries = sorted(deps.items())
        out["depends_on"] = sequence(_dependency(d, spec, services, gated) for d, spec in entries)
    return out


def _dependency(
    dep: str, spec: dict[str, Any], services: Mapping[str, ComposeService], gated: set[str]
) -> CommentedMap:
    condition = spec["condition"]
    check = exec_command(dep, services[dep].config)
    out = mapping(("service", dep))
    if condition == "service_healthy" and check:
        out["check"] = check
        note(out, "check", f"the healthcheck of {dep}, in its container")
    elif condition == "service_completed_successfully":
        out["check"] = completed_command(dep)
        note(out, "check", f"{dep} ran to completion with exit status 0")
    if not spec["required"]:
        out["kind"] = "soft"
    if "check" not in out:
        why = f"{condition}: unchecked"
        if dep not in gated and check:
            why += f"; {dep} has a healthcheck nobody gates on, free to add as `check:`"
        note(out, "service", why)
    return out


def _labels(config: Mapping[str, Any]) -> dict[str, str]:
    labels = config.get("labels")
    if isinstance(labels, dict):
        return {str(k): str(v) for k, v in labels.items()}
    if isinstance(labels, list):
        return dict(str(item).split("=", 1) for item in labels if "=" in str(item))
    return {}
