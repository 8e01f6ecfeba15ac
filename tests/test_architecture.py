"""The engine is headless: importing every engine module never loads textual or rich.

One subprocess imports them all: if any one of them pulled textual or rich in, it would be in
``sys.modules`` afterwards (and the import-linter contracts say which import did it).
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import grimp
import networkx as nx
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


def test_the_engine_modules_are_many() -> None:
    assert len(ENGINE) > 40
    assert {"planner.engine.schedule", "planner.tracking.persistence.store", "planner.audit.rules"} <= set(
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


# --- no import cycle --------------------------------------------------------------------------

PACKAGES = sorted(
    {"models"}
    | {m.name for m in pkgutil.iter_modules(planner.__path__, prefix="planner.")} - {"planner.__main__"}
)
"""Each top-level package and module of ``planner`` (and ``models``): a cycle is reported under
each one it touches."""


@pytest.fixture(scope="module")
def import_graph() -> grimp.ImportGraph:
    """grimp's graph of the imports among the modules of ``planner`` and ``models`` (the graph
    import-linter checks its contracts on)."""
    return grimp.build_graph("planner", "models", cache_dir=None)


@pytest.fixture(scope="module")
def import_cycles(import_graph: grimp.ImportGraph) -> list[list[str]]:
    """Every import cycle: the strongly connected components of more than one module, each as
    its sorted module names."""
    imports = nx.DiGraph()
    for module in import_graph.modules:
        imports.add_edges_from(
            (module, other) for other in import_graph.find_modules_directly_imported_by(module)
        )
    return sorted(sorted(c) for c in nx.strongly_connected_components(imports) if len(c) > 1)


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycle(package: str, import_cycles: list[list[str]]) -> None:
    def inside(module: str) -> bool:
        return module == package or module.startswith(f"{package}.")

    found = [cycle for cycle in import_cycles if any(inside(m) for m in cycle)]
    assert found == [], "import cycles (each a set of modules that import one another):\n" + "\n".join(
        " <-> ".join(cycle) for cycle in found
    )


def test_the_import_graph_holds_imports_inside_functions(import_graph: grimp.ImportGraph) -> None:
    """A command imports its modules when it runs: those imports are in the graph too."""
    assert len(import_graph.modules) > 100
    assert "planner.engine.planning" in import_graph.find_modules_directly_imported_by(
        "planner.cli.plan_commands"
    )
