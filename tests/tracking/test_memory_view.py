"""An incident's rows in memory answer "which checks does this service hold" and "which checks
are held on it" in id order, however the rows came (a store returns them in its own order)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from planner.tracking.domain.state import PASSED, CheckRow, IncidentMeta, IncidentRow, MemoryView

AT = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
_PAIRS = [("api", "db"), ("api", "cache"), ("web", "api"), ("web", "cache"), ("batch", "db"), ("cache", "db")]


def _view(pairs: list[tuple[str, str]]) -> MemoryView:
    row = IncidentRow("INC-1", "t", "full-outage", "h", "p", False, AT, None, {})
    meta = IncidentMeta(1800, 1, {}, {})
    checks = {(s, d): CheckRow(s, d, None) for s, d in pairs}
    return MemoryView(row, meta, {}, checks)


def test_checks_and_dependents_come_in_id_order_whatever_the_rows_order() -> None:
    shuffled = _PAIRS[:]
    random.Random(4).shuffle(shuffled)
    view = _view(shuffled)
    assert [c.dependency for c in view.checks("api")] == ["cache", "db"]
    assert [c.service for c in view.dependents("db")] == ["api", "batch", "cache"]
    assert [c.service for c in view.dependents("cache")] == ["api", "web"]
    assert view.checks("db") == view.dependents("web") == []
    assert view == _view(sorted(_PAIRS))


def test_a_check_written_after_its_dependents_were_asked_for_is_seen_by_both() -> None:
    view = _view(_PAIRS)
    assert [c.state for c in view.dependents("db")] == ["pending"] * 3
    view.put_check(CheckRow("batch", "db", None, PASSED))
    assert [c.state for c in view.dependents("db")] == ["pending", "passed", "pending"]
    assert [c.state for c in view.checks("batch")] == ["passed"]
