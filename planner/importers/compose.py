"""Docker Compose files to a plan.

Follows the Compose specification where it matters for recovery: several ``-f`` files merged in
order (later ones override and extend; ``depends_on`` entries combine), YAML anchors and merge
keys, ``extends``, variable substitution from the environment and ``.env``, and ``profiles``.
Each service becomes a plan service; ``depends_on`` becomes dependencies whose checks come from
the target's healthcheck when the gate is ``service_healthy``.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from ruamel.yaml.comments import CommentedMap

from planner.engine.graph import depths
from planner.errors import PlanError, Problem
from planner.importers.compose_project import (
    ComposeProject,
    ComposeService,
    normalize_depends_on,
)
from planner.importers.emit import document, mapping, note, sequence
from planner.suggest import did_you_mean

DEFAULT_OWNER_LABEL = "com.recovery-planner.owner"


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


def _dependencies(
    project: ComposeProject, warnings: list[str], keep_going: bool
) -> dict[str, dict[str, dict[str, Any]]]:
    """Each service's dependencies on services of the plan; one naming no service is a problem
    (a warning with ``keep_going``), an optional one behind an inactive profile is left out."""
    services = project.services
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
            if dep in project.skipped_by_profile and not spec["required"]:
                # docker compose starts the service without it: so does the plan
                warnings.append(
                    f"{file}:{line}: '{svc.name}' has an optional dependency (required: false) on "
                    f"'{dep}', which is behind an inactive profile; left out, as docker compose does"
                )
                continue
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
    return deps


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
    deps = _dependencies(project, warnings, keep_going)
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
    if "via" in spec:
        note(out, "service", f"implied by {spec['via']} (Compose starts {dep} first)")
    elif "check" not in out:
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
