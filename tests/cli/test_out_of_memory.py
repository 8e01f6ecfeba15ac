"""Running out of memory is not a bug: the command ends with one line saying what ran out and
what limit this process has, and exits 2 (the input is more than it may hold), never 70."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from planner.cli import main
from planner.planfile import loader
from tests.conftest import EXAMPLES


def test_a_memory_error_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def exhausted(*args: object, **kwargs: object) -> loader.LoadedPlan:
        raise MemoryError

    monkeypatch.setattr(loader, "load_plan", exhausted)
    assert main(["audit", str(EXAMPLES / "small.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: out of memory: planner audit needs more memory than this process may use; ")
    assert "bug" not in err
    assert "Traceback" not in err


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def exhausted(*args: object, **kwargs: object) -> loader.LoadedPlan:
        raise MemoryError

    monkeypatch.setattr(loader, "load_plan", exhausted)
    with pytest.raises(MemoryError):
        main(["validate", str(EXAMPLES / "small.yaml"), "--debug"])


_LIMITED = (
    "import re, resource, runpy, sys\n"
    "import planner.cli, planner.planfile.loader, yaml_rs\n"
    "size = int(re.search(r'VmSize:\\s+(\\d+)', open('/proc/self/status').read())[1]) * 1024\n"
    "resource.setrlimit(resource.RLIMIT_AS, (size + 48 * 2**20, resource.RLIM_INFINITY))\n"
    "sys.argv = ['planner', *sys.argv[1:]]\n"
    "runpy.run_module('planner', run_name='__main__')\n"
)
"""``planner ARGS`` with 48 MB of address space to spare once its modules are loaded."""


def test_a_plan_larger_than_the_address_space_allows(tmp_path: Path) -> None:
    """A real one: a 40 MB plan under an address-space limit (``ulimit -v``) it cannot fit in."""
    plan = tmp_path / "big.yaml"
    words = "x" * 10_000
    plan.write_text(
        "version: 1\nname: big\nservices:\n"
        + "".join(f"  - id: s{i}\n    description: {words}\n" for i in range(4_000)),
        encoding="utf-8",
    )
    proc: Any = subprocess.run(
        [sys.executable, "-c", _LIMITED, "validate", str(plan)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: out of memory: planner validate needs more memory"), proc.stderr
    assert "its address space is limited to " in proc.stderr
    assert "(ulimit -v)" in proc.stderr
    assert proc.stderr.count("\n") == 1


_ENVIRONMENT_SEEN = (
    "import os, resource, sys\n"
    "import planner.cli\n"
    "if sys.argv[1] != 'free':\n"
    "    which = resource.RLIMIT_AS if sys.argv[1] == 'capped' else resource.RLIMIT_DATA\n"
    "    resource.setrlimit(which, (8 * 2**30, resource.RLIM_INFINITY))\n"
    "sys.argv = ['planner', *sys.argv[2:]]\n"
    "planner.cli.no_rust_backtraces_when_capped()\n"
    "print(os.environ.get('RUST_BACKTRACE'))\n"
)
"""What the planner's entry point leaves of ``RUST_BACKTRACE``, with and without a limit."""


@pytest.mark.parametrize(
    ("limit", "argv", "seen"),
    [("capped", [], "0"), ("data", [], "0"), ("capped", ["--debug"], "1"), ("free", [], "1")],
)
def test_no_rust_backtrace_under_an_address_space_limit(limit: str, argv: list[str], seen: str) -> None:
    """A Rust panic's backtrace, taken while memory is exhausted, can hang (seen with a
    4,100,000-edge plan under 2 GB): under a limit the planner turns it off, unless --debug."""
    env = {**os.environ, "RUST_BACKTRACE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _ENVIRONMENT_SEEN, limit, *argv],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert done.stdout.strip() == seen
