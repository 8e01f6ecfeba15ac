"""The engine is headless: importing any engine module never loads textual or rich."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import models
import planner

ENGINE = sorted(
    [f"models.{m.name}" for m in pkgutil.iter_modules(models.__path__)]
    + [
        m.name
        for m in pkgutil.walk_packages(planner.__path__, prefix="planner.")
        if not m.name.startswith(("planner.cli", "planner.tui", "planner.__main__"))
    ]
)


@pytest.mark.parametrize("module", ENGINE)
def test_engine_module_does_not_import_textual_or_rich(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "bad = [m for m in ('textual', 'rich') if m in sys.modules]; "
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{module} imports {proc.stdout.strip()} {proc.stderr}"
