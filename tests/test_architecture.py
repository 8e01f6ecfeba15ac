"""The engine is headless: importing every engine module never loads textual or rich.

One subprocess imports them all: if any one of them pulled textual or rich in, it would be in
``sys.modules`` afterwards (and the import-linter contracts say which import did it).
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

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


TESTS = Path(__file__).resolve().parent


def _test_modules_imported(path: Path, root: Path = TESTS.parent) -> set[str]:
    """The test modules (``test_*``) of ``tests`` that the Python file ``path`` (under ``root``)
    imports."""
    package = list(path.relative_to(root).with_suffix("").parts[:-1])
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            parts = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*parts, *([node.module] if node.module else [])])
            names += [module, *(f"{module}.{alias.name}" for alias in node.names)]
    return {
        ".".join(parts[: next(i for i, p in enumerate(parts) if p.startswith("test_")) + 1])
        for name in names
        if (parts := name.split("."))[0] == "tests" and any(p.startswith("test_") for p in parts)
    }


def test_the_import_finder_sees_every_form(tmp_path: Path) -> None:
    module = tmp_path / "tests" / "store" / "test_probe.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "import tests.tui.test_track\n"
        "from tests.audit.test_rules import base\n"
        "from tests.tracking import test_incident_cli\n"
        "from . import test_backends\n"
        "from .test_listener import x\n"
        "from tests.helpers import journal\n"
        "from tests.conftest import EXAMPLES\n",
        encoding="utf-8",
    )
    assert _test_modules_imported(module, tmp_path) == {
        "tests.tui.test_track",
        "tests.audit.test_rules",
        "tests.tracking.test_incident_cli",
        "tests.store.test_backends",
        "tests.store.test_listener",
    }


def test_no_test_module_imports_another() -> None:
    """Helpers shared by several test modules live in fixtures (``conftest.py``) or in
    ``tests/helpers``, never in a test module: a test file can be changed, split or deleted
    without breaking another one."""
    found = {
        (path.relative_to(TESTS.parent).as_posix(), module)
        for path in sorted(TESTS.rglob("*.py"))
        for module in _test_modules_imported(path)
    }
    assert found == set(), "share it through a fixture or tests/helpers instead"
