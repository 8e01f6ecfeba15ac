"""Reading many rows at once (a status reads every task and check of an incident) gives what
reading them one by one gives: the same row objects, or the same damaged row named, whatever the
columns hold (another program may have written anything into an SQLite store)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.tracking.persistence.damage import Garbled
from planner.tracking.persistence.store_tables import CHECKS, INCIDENTS, TASKS, WORKAROUNDS, Column, Table

_GARBAGE = st.sampled_from([None, "x", "", 1.5, True, -3, b"\x00", Garbled("\ufffd")])


def _value(column: Column) -> st.SearchStrategy[Any]:
    """What the planner writes in ``column``, or now and then something it never writes."""
    if column.values is not None:
        written: st.SearchStrategy[Any] = st.sampled_from([str(m) for m in column.values])
    elif column.kind in ("int", "bool"):
        written = st.integers(min_value=0, max_value=3)
    elif column.kind == "time":
        written = st.sampled_from(["2026-12-05T10:00:00+00:00", "2026-12-05T10:30:00+00:00"])
    elif column.kind == "json":
        written = st.sampled_from(['{"scribe": "erin"}', "{}"])
    else:
        written = st.text(max_size=3)
    if column.null:
        written = st.none() | written
    return st.one_of(written, written, written, _GARBAGE)


def _rows(table: Table[Any]) -> st.SearchStrategy[list[tuple[Any, ...]]]:
    columns = [c for c in table.columns if c.field]
    return st.lists(st.tuples(*(_value(c) for c in columns)), max_size=6)


def _one_by_one(table: Table[Any], rows: list[tuple[Any, ...]]) -> object:
    try:
        return [table.read(row, "INC-1") for row in rows]
    except Exception as exc:  # noqa: BLE001 - compared with what the other way raises
        return (type(exc), str(exc))


def _at_once(table: Table[Any], rows: list[tuple[Any, ...]]) -> object:
    try:
        return table.read_many(rows, "INC-1")
    except Exception as exc:  # noqa: BLE001 - compared with what the other way raises
        return (type(exc), str(exc))


_TABLES = (TASKS, CHECKS, WORKAROUNDS, INCIDENTS)


@settings(max_examples=25, deadline=None)
@given(st.tuples(*(_rows(t) for t in _TABLES)))
def test_rows_read_at_once_are_the_rows_read_one_by_one(drawn: tuple[list[tuple[Any, ...]], ...]) -> None:
    for table, rows in zip(_TABLES, drawn, strict=True):
        assert _at_once(table, rows) == _one_by_one(table, rows)


def test_a_damaged_row_among_many_is_named_as_when_read_alone() -> None:
    good = ("db", 1, 1, "DB", "dba", "high", 3600, 600, None, None, "down", 0, 0, None, None, 0)
    damaged = ("api", 2, 2, "API", "app", "high", 3600, "long", None, None, "down", 0, 0, None, None, 0)
    outcome = _at_once(TASKS, [good, damaged])
    assert outcome == _one_by_one(TASKS, [good, damaged])
    assert isinstance(outcome, tuple)
    assert "duration of api" in outcome[1]
