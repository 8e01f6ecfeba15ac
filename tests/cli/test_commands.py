"""The command lists: every command is in one, each entry is the command it names, and a command
imports only its own modules (``planner incident note`` loads neither the engine nor Graphviz nor
Textual)."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

import planner.cli
from planner.cli.commands import COMMANDS, EXERCISE_COMMANDS, INCIDENT_COMMANDS, cli, incident, load_command
from tests.conftest import EXAMPLES

LISTED = {**COMMANDS, **{f"incident {name}": where for name, where in INCIDENT_COMMANDS.items()}}
LISTED |= {f"exercise {name}": where for name, where in EXERCISE_COMMANDS.items()}


@pytest.mark.parametrize(("name", "where"), sorted(LISTED.items()))
def test_each_entry_is_the_command_it_names(name: str, where: str) -> None:
    command = load_command(where)
    assert command.name == name.rsplit(maxsplit=1)[-1]


def test_every_command_of_the_package_is_listed() -> None:
    """A command defined in a module of ``planner.cli`` but in no list would never run."""
    listed = {id(cli)} | {id(load_command(where)) for where in LISTED.values()}
    for group in (load_command(COMMANDS["import"]), load_command(COMMANDS["store"])):
        assert isinstance(group, click.Group)
        listed |= {id(c) for c in group.commands.values()}  # a group's own subcommands
    found = []
    for info in pkgutil.iter_modules(planner.cli.__path__, prefix="planner.cli."):
        module = importlib.import_module(info.name)
        found += [(info.name, n) for n, v in vars(module).items() if isinstance(v, click.Command)]
    missing = [
        f"{module}:{name}" for module, name in found if id(getattr(sys.modules[module], name)) not in listed
    ]
    assert len(found) > 30
    assert missing == [], missing
    assert load_command(COMMANDS["incident"]) is incident


NOTE = """
import sys
from planner.cli import main
code = main(["incident", "note", sys.argv[1], "hello", "--store", sys.argv[2]])
heavy = ("planner.engine", "networkx", "graphviz", "textual", "planner.export", "planner.audit")
loaded = sorted({m.split(".")[0] if not m.startswith("planner.") else ".".join(m.split(".")[:2])
                 for m in sys.modules if m.startswith(heavy)})
print(code, ",".join(loaded))
"""


def test_an_incident_note_imports_nothing_heavy(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "incidents.db"
    started = run_cli("incident", "start", EXAMPLES / "small.yaml", "--store", store)
    assert started.code == 0, started.err
    incident_id = started.out.splitlines()[-1]
    proc = subprocess.run(
        [sys.executable, "-c", NOTE, incident_id, str(store)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    code, loaded = proc.stdout.splitlines()[-1].split(" ")
    assert code == "0"
    assert loaded.strip() == ""


STATUS = """
import sys
from planner.tracking.reports import odds
odds.TASK_LIMIT = 0  # as on an incident with too much left to sample
from planner.cli import main
code = main(["incident", "status", sys.argv[1], "--store", sys.argv[2], *sys.argv[3:]])
heavy = ("numpy", "planner.forecast", "planner.delivery", "planner.tracking.persistence.pg_", "psycopg",
         "models.common")
print(code, ",".join(sorted({m for m in sys.modules if m.startswith(heavy)})))
"""


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_status_imports_only_what_it_shows(tmp_path: Path, run_cli, fmt: str) -> None:  # type: ignore[no-untyped-def]
    """No forecast to sample, no update delivered, an SQLite store: no numpy (0.1 s), no delivery
    config, no PostgreSQL backend, not the plan models' base (9 ms)."""
    store = tmp_path / "incidents.db"
    started = run_cli("incident", "start", EXAMPLES / "small.yaml", "--store", store)
    assert started.code == 0, started.err
    incident_id = started.out.splitlines()[-1]
    proc = subprocess.run(
        [sys.executable, "-c", STATUS, incident_id, str(store), "--format", fmt],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "0 "
