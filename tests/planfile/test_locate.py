"""Locating YAML paths for error messages."""

from __future__ import annotations

from planner.planfile.locate import scan
from planner.planfile.source import Source

DOC = """\
version: 1
name: x
services:
  - id: a
    depends_on:
      - b
      - service: c
        check: foo
  - id: d
    owner: t
    owner: u
"""


def test_positions_of_keys_and_values() -> None:
    found = scan(DOC, {("services", 0, "depends_on", 1, "check"), ("services", 1, "owner")}).positions
    check = found[("services", 0, "depends_on", 1, "check")]
    assert (check.line, check.column, check.value_line, check.value_column) == (8, 9, 8, 16)
    assert found[("services", 1, "owner")].line == 10


def test_sequence_items() -> None:
    found = scan(DOC, {("services", 0, "depends_on", 0), ("services", 1)}).positions
    assert found[("services", 0, "depends_on", 0)].value_line == 6
    assert found[("services", 1)].value_line == 9


def test_duplicates() -> None:
    assert scan(DOC, set(), duplicates=True).duplicates == [(("services", 1, "owner"), 11, 5)]


def test_missing_path_falls_back_to_nearest_ancestor() -> None:
    source = Source("plan.yaml", DOC, "yaml")
    pos = source.locate({("services", 1, "rto")})[("services", 1, "rto")]
    assert pos is not None
    assert pos.line == 9


def test_flow_style_and_json() -> None:
    found = scan('{"a": [1, {"b": 2}]}', {("a", 1, "b")}).positions
    assert found[("a", 1, "b")].value_column == 17


def test_unparseable_text_returns_what_was_found() -> None:
    result = scan("a: 1\nb: [\n", {("a",), ("b", 0)})
    assert ("a",) in result.positions
    assert ("b", 0) not in result.positions


def test_documents() -> None:
    assert scan("a: 1\n---\nb: 2\n", set()).documents == [1, 2]


def test_reader_gives_each_path_in_order_and_asks_the_scan_when_unsure() -> None:
    """A reader answers paths a part at a time, one position per path in the order given (twice
    for a path given twice); a path the block reader cannot follow (a flow-style list) is placed
    by the exact scan, as :meth:`Source.locate` places it."""
    text = DOC.replace("    owner: u\n", "    depends_on: [a, {service: b}]\n")
    lengths = {("services",): 2, ("services", 0, "depends_on"): 2, ("services", 1, "depends_on"): 2}
    read = Source("plan.yaml", text, "yaml").reader(lengths.get)
    parts = [
        [("services", 1, "owner"), ("services", 0, "depends_on", 1), ("services", 1, "owner")],
        [("services", 1, "depends_on", 1), ("services", 0, "nope"), ("services", 0, "depends_on", 0)],
    ]
    for part in parts:
        exact = Source("plan.yaml", text, "yaml").locate(part)
        assert read(part) == [exact[p] for p in part]
    flow = read([("services", 1, "depends_on", 1)])[0]
    assert flow is not None
    assert (flow.line, flow.column) == (11, 21)  # the exact scan: where "{service: b}" starts
