"""Compose projects that once hung, crashed or leaked: ``extends`` and ``include`` chains deeper
than Python's recursion limit, ``extends`` across files (loops refused), variable substitution
past the read limit, secrets from the environment written into the plan, and the image's own
healthcheck."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import Result


def _plan(result: Result, out: Path) -> dict:  # type: ignore[type-arg]
    assert result.code == 0, result.err
    return yaml.safe_load(out.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _by_id(plan: dict) -> dict:  # type: ignore[type-arg]
    return {s["id"]: s for s in plan["services"]}


def test_an_extends_chain_deeper_than_the_recursion_limit_imports(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """s0 extends s1 extends ... s1499, which has the healthcheck: every service gets it (this
    exited 70 on a RecursionError)."""
    depth = 1500
    lines = ["services:"]
    for i in range(depth - 1):
        lines += [f"  s{i}:", f"    extends: s{i + 1}"]
    lines += [f"  s{depth - 1}:", "    image: busybox", "    healthcheck: {test: [CMD, 'true']}"]
    compose = tmp_path / "compose.yaml"
    compose.write_text("\n".join(lines) + "\n")
    out = tmp_path / "plan.yaml"
    services = _by_id(_plan(run_cli("import", "compose", compose, "-o", out), out))
    assert len(services) == depth
    assert services["s0"]["verify"] == "docker compose exec -T s0 true"


def test_extends_in_another_file_is_followed_there(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """The base's own ``extends`` is resolved in its file, and a ``file:`` there is relative to
    that file (the importer kept the base's settings without them)."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "base.yaml").write_text(
        "services:\n  middle:\n    extends: {service: root, file: root.yaml}\n    restart: always\n"
    )
    (tmp_path / "sub" / "root.yaml").write_text(
        "services:\n  root:\n    image: busybox\n    healthcheck: {test: [CMD-SHELL, 'pg_isready']}\n"
    )
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    extends: {service: middle, file: sub/base.yaml}\n")
    out = tmp_path / "plan.yaml"
    web = _by_id(_plan(run_cli("import", "compose", compose, "-o", out), out))["web"]
    assert web["verify"] == "docker compose exec -T web sh -c pg_isready"
    assert "image: busybox" in out.read_text()


def test_an_extends_loop_across_files_is_refused(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.yaml").write_text("services:\n  web:\n    extends: {service: base, file: b.yaml}\n")
    (tmp_path / "b.yaml").write_text(
        "services:\n  base:\n    image: x\n    extends: {service: web, file: ./sub/../a.yaml}\n"
    )
    result: Result = run_cli("import", "compose", tmp_path / "a.yaml")
    assert result.code == 2
    assert result.err.count("\n") == 1, result.err
    assert "b.yaml:2: 'extends' loops through base: base (" in result.err
    assert "-> web (" in result.err


def test_an_extends_file_that_is_not_a_path_is_said(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    extends: {service: base, file: 5}\n")
    result: Result = run_cli("import", "compose", compose)
    assert result.code == 2
    assert "compose.yaml:2: 'extends' file must be a path, not 5" in result.err


def test_an_include_chain_deeper_than_the_recursion_limit_imports(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """This was refused as 'nested too deeply to read' at a file that was not nested at all."""
    depth = 1100
    for i in range(depth):
        include = f"include:\n  - inc{i + 1}.yaml\n" if i < depth - 1 else ""
        (tmp_path / f"inc{i}.yaml").write_text(f"{include}services:\n  s{i}:\n    image: busybox\n")
    out = tmp_path / "plan.yaml"
    plan = _plan(run_cli("import", "compose", tmp_path / "inc0.yaml", "-o", out), out)
    assert len(plan["services"]) == depth


def test_substitution_may_not_grow_a_file_past_the_read_limit(
    tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A 2 KB file and a 10 KB variable: 2 MB once substituted, past a 1 MB limit."""
    monkeypatch.setenv("PLANNER_MAX_INPUT_MB", "1")
    (tmp_path / ".env").write_text("X=" + "x" * 10_000 + "\n")
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  a:\n    image: busybox\n    command:\n" + "      - ${X}\n" * 200)
    result: Result = run_cli("import", "compose", compose)
    assert result.code == 2, result.err
    assert f"{compose}: substituting ${{X}} (10,000 characters) takes the file past 1 MB" in result.err
    assert result.err.count("\n") == 1


@pytest.mark.parametrize(
    "body",
    [
        # depends_on names (the keys of its mapping form) are substituted to find their lines
        "services:\n  a:\n    image: x\n    depends_on:\n"
        + "".join(f'      "{i}${{X}}": {{condition: service_started}}\n' for i in range(200)),
        # include paths
        "include:\n" + "".join(f'  - "{i}${{X}}.yaml"\n' for i in range(200)) + "services: {}\n",
    ],
    ids=["depends-on-names", "include-paths"],
)
def test_substitution_in_names_and_paths_is_bounded_too(
    body: str, tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PLANNER_MAX_INPUT_MB", "1")
    (tmp_path / ".env").write_text("X=" + "x" * 10_000 + "\n")
    compose = tmp_path / "compose.yaml"
    compose.write_text(body)
    result: Result = run_cli("import", "compose", compose)
    assert result.code == 2, result.err
    assert "takes the file past 1 MB" in result.err


def test_substitution_under_the_limit_is_read(
    tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PLANNER_MAX_INPUT_MB", "1")
    (tmp_path / ".env").write_text("X=" + "x" * 10_000 + "\n")
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  a:\n    image: busybox\n    command:\n" + "      - ${X}\n" * 50)
    assert run_cli("import", "compose", compose).code == 0


SECRET = "pa ss'\"$HOME`;|x"
"""A password with every character a shell cares about."""


def _compose_with_secrets(tmp_path: Path) -> Path:
    compose = tmp_path / "compose.yaml"
    compose.write_text(
        "services:\n"
        "  db:\n    image: postgres\n"
        "    healthcheck:\n"
        "      test:\n"
        "        - CMD-SHELL\n"
        "        - 'pg_isready -U ${PGUSER:-postgres} -p ${PGPORT} && psql \"${DB_PASSWORD}\"'\n"
        "  api:\n    image: api\n"
        "    healthcheck:\n"
        "      test: [CMD, curl, -u, 'admin:${API_TOKEN}', 'http://localhost:${PORT:-80}/$${HOME}']\n"
        "    depends_on: {db: {condition: service_healthy}}\n"
    )
    return compose


def _argv_docker_gets(command: str, tmp_path: Path, env: dict[str, str]) -> list[str]:
    """The arguments ``docker`` receives when a shell runs ``command`` with ``env`` (a fake
    docker that writes them down)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "docker"
    fake.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\0" "$a"; done > "$ARGV_OUT"\n')
    fake.chmod(0o755)
    out = tmp_path / "argv"
    environment = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "ARGV_OUT": str(out), **env}
    subprocess.run(["/bin/sh", "-c", command], env=environment, check=True)
    return out.read_bytes().decode().split("\0")[:-1]


def test_values_of_the_environment_stay_references_in_commands(
    tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """The password from the environment (or .env) is not in the plan; the commands refer to it,
    and a shell that has the variables hands docker exactly what Compose would have."""
    env = {"DB_PASSWORD": SECRET, "API_TOKEN": "t0ken-" + SECRET, "PGPORT": "5433"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PGUSER", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    out = tmp_path / "plan.yaml"
    text_result = run_cli("import", "compose", _compose_with_secrets(tmp_path), "-o", out)
    services = _by_id(_plan(text_result, out))
    text = out.read_text()
    assert "pa ss" not in text
    assert "t0ken" not in text
    assert "5433" not in text
    assert "# Commands refer to API_TOKEN, DB_PASSWORD, PGPORT as ${NAME}, not their values" in text
    db_script = f'pg_isready -U postgres -p 5433 && psql "{SECRET}"'
    assert _argv_docker_gets(services["db"]["verify"], tmp_path, env) == [
        *("compose", "exec", "-T", "db", "sh", "-c"),
        db_script,
    ]
    assert _argv_docker_gets(services["api"]["verify"], tmp_path, env) == [
        *("compose", "exec", "-T", "api", "curl", "-u"),
        f"admin:t0ken-{SECRET}",
        "http://localhost:80/${HOME}",
    ]
    check = services["api"]["depends_on"][0]["check"]
    assert check == services["db"]["verify"]


def test_defaults_from_the_file_are_written_in(
    tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Nothing set: the defaults are the file's own text and stay; no note about variables."""
    for name in ("PGUSER", "PGPORT", "DB_PASSWORD", "API_TOKEN", "PORT"):
        monkeypatch.delenv(name, raising=False)
    out = tmp_path / "plan.yaml"
    services = _by_id(_plan(run_cli("import", "compose", _compose_with_secrets(tmp_path), "-o", out), out))
    assert (
        services["db"]["verify"]
        == "docker compose exec -T db sh -c 'pg_isready -U postgres -p  && psql \"\"'"
    )
    assert "Commands refer to" not in out.read_text()


def test_the_images_own_healthcheck_is_its_health_status(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """``disable: false`` (or a healthcheck with only its timing) keeps the image's test, which
    the file does not hold: the verify and a service_healthy gate read the container's health."""
    compose = tmp_path / "compose.yaml"
    compose.write_text(
        "services:\n"
        "  db:\n    image: postgres\n    healthcheck: {disable: false}\n"
        "  cache:\n    image: redis\n    healthcheck: {interval: 5s}\n"
        "  idle:\n    image: x\n    healthcheck: {disable: true}\n"
        "  api:\n    image: api\n    depends_on: {db: {condition: service_healthy}}\n"
    )
    out = tmp_path / "plan.yaml"
    services = _by_id(_plan(run_cli("import", "compose", compose, "-o", out), out))
    status = 'sh -c \'test "$(docker compose ps --format "{{.Health}}" db)" = healthy\''
    assert services["db"]["verify"] == status
    assert services["cache"]["verify"].endswith("cache)\" = healthy'")
    assert "verify" not in services["idle"]
    assert services["api"]["depends_on"][0]["check"] == status
    text = out.read_text()
    assert "verify: " + status + "  # the healthcheck of db's image (the Compose file has no test)" in text
    assert "Compose healthchecks" not in text
    assert "# verify and check commands ask `docker compose ps` whether" in text


def test_a_service_name_yaml_reads_as_a_boolean_is_said(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """``off`` and ``123`` are names to Compose (YAML 1.2); PyYAML reads false and a number, which
    ended in an internal error (exit 70) when both were there."""
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  off:\n    image: x\n  123:\n    image: y\n    depends_on: [off]\n")
    result: Result = run_cli("import", "compose", compose)
    assert result.code == 2, result.err
    assert f"{compose}:2: service name off is read as a boolean here; quote it ('off')" in result.err
    assert f"{compose}:4: service name 123 is read as a number here" in result.err


def test_no_healthcheck_no_healthcheck_header(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  a:\n    image: x\n  b:\n    image: y\n    depends_on: [a]\n")
    out = tmp_path / "plan.yaml"
    _plan(run_cli("import", "compose", compose, "-o", out), out)
    text = out.read_text()
    assert "Compose healthchecks" not in text
    assert "docker compose" not in text


def test_completion_checks_get_their_own_header(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    compose = tmp_path / "compose.yaml"
    compose.write_text(
        "services:\n  init:\n    image: x\n    restart: 'no'\n"
        "  b:\n    image: y\n    depends_on: {init: {condition: service_completed_successfully}}\n"
    )
    out = tmp_path / "plan.yaml"
    _plan(run_cli("import", "compose", compose, "-o", out), out)
    text = out.read_text()
    assert "Compose healthchecks" not in text
    assert "# verify and check commands ask `docker compose ps` whether" in text
