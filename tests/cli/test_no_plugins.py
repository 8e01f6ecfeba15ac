"""The planner looks for no pydantic plugin: its entry point stands in for pydantic's plugin
loader, so that no process imports :mod:`importlib.metadata` to read every installed package's
entry points (0.02 s of each ``planner`` process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pydantic.plugin._loader

from planner.cli.no_plugins import LOADER, skip_pydantic_plugins
from tests.conftest import EXAMPLES

STARTED = """
import atexit, sys
atexit.register(lambda: print("importlib.metadata" in sys.modules, file=sys.stderr))
sys.argv = ["planner", "incident", "start", *sys.argv[1:]]
from planner.cli import run
run()
"""


def test_a_process_builds_its_models_without_reading_entry_points(tmp_path: Path) -> None:
    store = tmp_path / "incidents.db"
    proc = subprocess.run(
        [sys.executable, "-c", STARTED, str(EXAMPLES / "small.yaml"), "--store", str(store)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1].startswith("INC-")  # models validated, events written
    assert proc.stderr.splitlines()[-1] == "False"


ASKED = """
from planner.cli.no_plugins import skip_pydantic_plugins
skip_pydantic_plugins()
import importlib, sys
loader = importlib.import_module("pydantic.plugin._loader")
print(list(loader.get_plugins()), "importlib.metadata" in sys.modules)
print(loader.PYDANTIC_ENTRY_POINT_GROUP, sys.modules["pydantic.plugin._loader"] is loader)
"""


def test_any_other_name_of_the_loader_comes_from_pydantic_itself() -> None:
    proc = subprocess.run([sys.executable, "-c", ASKED], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["[] False", "pydantic False"]


def test_a_loader_imported_already_is_left_to_decide() -> None:
    assert sys.modules[LOADER] is pydantic.plugin._loader
    skip_pydantic_plugins()
    assert sys.modules[LOADER] is pydantic.plugin._loader
