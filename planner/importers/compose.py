"""Docker Compose files to a plan.

Follows the Compose specification where it matters for recovery: several ``-f`` files merged in
order (later ones override and extend; ``depends_on`` entries combine), YAML anchors and merge
keys, ``extends``, variable substitution from the environment and ``.env``, and ``profiles``.
Each service becomes a plan service; ``depends_on`` becomes dependencies whose checks come from
the target's healthcheck when the gate is ``service_healthy``.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping
from typing import Any

from ruamel.yaml.comments import CommentedMap

from planner.engine.graph import depths
from planner.errors import PlanError, Problem
from planner.importers.compose_file import ComposeService
from planner.importers.compose_project import ComposeProject, normalize_depends_on
from planner.importers.emit import document, mapping, note, sequence
from planner.importers.interpolate import ShellText, Variable, joined
from planner.suggest import did_you_mean

DEFAULT_OWNER_LABEL = "com.recovery-planner.owner"


def healthcheck_command(config: Mapping[str, Any]) -> str | None:
    """The shell command of a service's healthcheck, or None without one.

    ``CMD`` lists are an argv: the command is quoted so that a shell runs that same argv
    (``["CMD", "sh", "-c", "curl x | grep -q ok"]`` stays one ``-c`` argument). ``CMD-SHELL``
    and a plain string are shell commands already, taken as written. The command runs inside the
    service's container (``docker compose exec``), not on the responder's machine. A value taken
    from the environment or ``.env`` stays a ``${NAME}`` reference (:func:`quoted`).

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
        head, rest = str(test[0]), [t if isinstance(t, str) else str(t) for t in test[1:]]
        if head == "CMD-SHELL":
            command = joined(rest)
            return command if command.strip() else None
        if head == "CMD" and rest:
            return joined(quoted(arg) for arg in rest)
    return None  # NONE, an empty CMD, or not a healthcheck Compose knows


def quoted(text: str) -> str:
    """``text`` as one shell word, as :func:`shlex.quote` writes it, except that each reference
    to a variable (:class:`ShellText`) stays outside the single quotes, double-quoted: the shell
    that runs the command substitutes it, as Compose did, but the plan never holds the value.

    Examples
    --------
    >>> from planner.importers.interpolate import interpolate
    >>> quoted(interpolate("-p${PW}", {"PW": "hunter2"}, keep=True))
    '-p"${PW}"'
    >>> quoted("a b")
    "'a b'"
    """
    if not isinstance(text, ShellText):
        return shlex.quote(text)
    return "".join(
        f'"${{{part.name}}}"' if isinstance(part, Variable) else shlex.quote(part) for part in text.parts
    )


def image_healthcheck(config: Mapping[str, Any]) -> bool:
    """True when the service keeps its image's own healthcheck: a ``healthcheck`` without a
    ``test`` (``disable: false``, or only its timing), which Compose runs as the image says."""
    check = config.get("healthcheck")
    return isinstance(check, dict) and check.get("disable") is not True and check.get("test") is None


def exec_command(service: str, config: Mapping[str, Any]) -> str | None:
    """The healthcheck of ``service`` as a responder types it on a machine that runs the
    project: ``docker compose exec -T SERVICE`` and the healthcheck's argv (a ``CMD`` list), or
    ``sh -c '...'`` around a ``CMD-SHELL`` script, so that ``--run`` checks the container
    itself, not the responder's laptop. The image's own healthcheck, whose test the Compose file
    does not hold, is read from the container's health status instead.

    Examples
    --------
    >>> exec_command("db", {"healthcheck": {"test": ["CMD-SHELL", "pg_isready -U postgres"]}})
    "docker compose exec -T db sh -c 'pg_isready -U postgres'"
    >>> exec_command("api", {"healthcheck": {"test": ["CMD", "curl", "-f", "http://x/health"]}})
    'docker compose exec -T api curl -f http://x/health'
    """
    if image_healthcheck(config):
        return health_status_command(service)
    command = healthcheck_command(config)
    if command is None:
        return None
    test = config["healthcheck"]["test"]
    if isinstance(test, list) and str(test[0]) == "CMD":
        return f"docker compose exec -T {shlex.quote(service)} {command}"
    return f"docker compose exec -T {shlex.quote(service)} sh -c {quoted(command)}"


def health_status_command(service: str) -> str:
    """A check that ``service``'s container reports itself healthy (``docker compose ps``)."""
    status = 'docker compose ps --format "{{.Health}}" ' + shlex.quote(service)
    script = 'test "$(' + status + ')" = healthy'
    return "sh -c " + shlex.quote(script)


def referenced(config: Mapping[str, Any]) -> list[str]:
    """The variables the healthcheck of ``config`` refers to (left as ``${NAME}``)."""
    check = config.get("healthcheck")
    test = check.get("test") if isinstance(check, dict) else None
    items = test if isinstance(test, list) else [test]
    return [name for item in items if isinstance(item, ShellText) for name in item.variables]


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
STATUS_NOTE = [
    "verify and check commands ask `docker compose ps` whether a container is healthy or a one-shot",
    "job ended well: run them (`--run`, `audit --run-checks`) from the project's directory (`--cwd`)",
    "on a machine that runs its containers.",
]


def _variables_note(names: Iterable[str]) -> list[str]:
    """The header lines for commands that refer to variables instead of holding their values."""
    shown = ", ".join(sorted(set(names)))
    return [
        f"Commands refer to {shown} as ${{NAME}}, not their values (which may be secrets):",
        "set them in the shell that runs the commands (`set -a; . ./.env; set +a`).",
    ]


def _header_notes(project: ComposeProject, deps: Mapping[str, Mapping[str, dict[str, Any]]]) -> list[str]:
    """What the header says about the commands: the healthcheck note over ``docker compose
    exec`` commands, the status note where the only commands ask ``docker compose ps`` (an
    image's own healthcheck, a one-shot job's exit), none without commands; and the variables
    the commands refer to."""
    services = project.services
    in_container = [n for n, s in services.items() if healthcheck_command(s.config) is not None]
    if in_container:
        lines = list(HEALTHCHECK_NOTE)
    elif any(image_healthcheck(s.config) for s in services.values()) or any(
        spec["condition"] == "service_completed_successfully" for d in deps.values() for spec in d.values()
    ):
        lines = list(STATUS_NOTE)
    else:
        return []
    names = [name for n in in_container for name in referenced(services[n].config)]
    return lines + (_variables_note(names) if names else [])


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
        *_header_notes(project, deps),
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
        note(out, "verify", _check_note(svc.name, config))
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
        note(out, "check", _check_note(dep, services[dep].config))
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


def _check_note(service: str, config: Mapping[str, Any]) -> str:
    if image_healthcheck(config):
        return f"the healthcheck of {service}'s image (the Compose file has no test): its health status"
    return f"the healthcheck of {service}, in its container"


def _labels(config: Mapping[str, Any]) -> dict[str, str]:
    labels = config.get("labels")
    if isinstance(labels, dict):
        return {str(k): str(v) for k, v in labels.items()}
    if isinstance(labels, list):
        return dict(str(item).split("=", 1) for item in labels if "=" in str(item))
    return {}
