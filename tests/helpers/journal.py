"""A journal to work on, shared by the store tests of ``tests/store`` and ``tests/tracking``: an
``IncidentStarted`` event to append by hand, and a real incident started through the CLI."""

from __future__ import annotations

import contextlib
import io
from datetime import UTC, datetime

from models.events import IncidentStarted
from planner.cli import main
from tests.conftest import EXAMPLES

AT = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
ENTERPRISE = EXAMPLES / "enterprise.yaml"


def incident_started(incident: str = "INC-1") -> IncidentStarted:
    """The first event of a storage outage ``incident`` (on a plan it does not load)."""
    return IncidentStarted(
        incident=incident,
        at=AT,
        actor="alice",
        title="storage down",
        plan_hash="x",
        scenario="storage-outage",
        failed=["storage-cluster"],
    )


def enterprise_incident(where: str) -> str:
    """A real incident (the enterprise storage outage) started in the store ``where``; its id."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["incident", "start", str(ENTERPRISE), "--scenario", "storage-outage", "--store", where])
    assert code == 0
    return out.getvalue().split()[-1]
