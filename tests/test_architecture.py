"""The engine is headless: importing every engine module never loads textual or rich.

One subprocess imports them all: if any one of them pulled textual or rich in, it would be in
``sys.modules`` afterwards (and the import-linter contracts say which import did it).
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

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


def test_the_engine_modules_are_many() -> None:
    assert len(ENGINE) > 40
    assert {"planner.engine.schedule", "planner.tracking.persistence.store", "planner.audit.split"} <= set(
        ENGINE
    )


def test_no_engine_module_imports_textual_or_rich() -> None:
    code = (
        f"import sys, importlib\nfor m in {ENGINE!r}: importlib.import_module(m)\n"
        "bad = [m for m in ('textual', 'rich') if m in sys.modules]\n"
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"an engine module imports {proc.stdout.strip()} {proc.stderr}"


def test_no_import_circle_inside_tracking() -> None:
    """Every import inside planner.tracking counts (lazy and TYPE_CHECKING ones too): no module
    reaches itself again, so each sub-package can be read bottom-up."""
    import grimp
    import networkx as nx

    graph = grimp.build_graph("planner")
    edges = nx.DiGraph(
        (module, imported)
        for module in graph.modules
        if module.startswith("planner.tracking")
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.startswith("planner.tracking")
    )
    circles = sorted(sorted(c) for c in nx.strongly_connected_components(edges) if len(c) > 1)
    assert circles == []
