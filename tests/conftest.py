"""Shared fixtures: paths to the examples, a helper that runs the CLI in-process, and the
hypothesis profiles.

Hypothesis profiles: ``ci``, the fast default used when nothing is said (CI runs it), and
``deep``, ten times the examples and more large plans, run by name:
``pytest --hypothesis-profile=deep``. A test that sets its own ``max_examples`` scales it with the
profile through :func:`tests.strategies.examples`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from planner.cli import main
from tests.pg import fresh_database

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,  # no timing assertions in tests: the machine may be shared and loaded
    print_blob=True,  # a failure in CI prints what reproduces it locally
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("deep", settings.get_profile("ci"), max_examples=1000)
settings.load_profile("ci")  # ``--hypothesis-profile=deep`` loads another after this module


@dataclass
class Result:
    """What a CLI run returned and printed."""

    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _whole_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Output is not fitted to a terminal's width in tests unless a test sets ``COLUMNS``."""
    monkeypatch.delenv("COLUMNS", raising=False)


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run ``planner ARGS...`` in-process; returns exit code, stdout and stderr."""

    def run(*args: str) -> Result:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture(params=["sqlite", "postgresql"])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty incident store on each backend: an SQLite file, a PostgreSQL database (on
    the test server: see :mod:`tests.pg`). Given as text, as ``--store`` takes it."""
    if request.param == "sqlite":
        yield str(tmp_path / "incidents.db")
        return
    with fresh_database() as url:
        yield url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database on the test server (skipped without one, except in CI)."""
    with fresh_database() as url:
        yield url
