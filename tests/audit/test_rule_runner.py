"""Placing findings in the plan file (``rule_runner.locator``)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from models.plan import Plan
from planner.audit.findings import Finding, Severity
from planner.audit.rule_runner import _lengths, locator
from planner.planfile.loader import list_lengths, load_source
from planner.planfile.source import Source
from tests.strategies import examples, plans

TEXT = """\
version: 1
name: x
services:
  - id: a
    rto: 1h
  - id: b
    depends_on:
      - a
      - service: c
  - id: c
"""


@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_lengths_are_the_plans(plan: Plan) -> None:
    """A service's ``depends_on`` is read straight from the service: the same length as
    :func:`list_lengths` gives for it, and for every other path."""
    n = len(plan.services)
    paths: list[tuple[str | int, ...]] = [
        ("services",),
        ("teams",),
        ("services", 0),
        ("services", n, "depends_on"),
    ]
    paths += [("services", -1, "depends_on"), ("services", "x", "depends_on")]
    paths += [("services", i, key) for i in range(n) for key in ("depends_on", "tags", "id")]
    assert [_lengths(plan)(p) for p in paths] == [list_lengths(plan)(p) for p in paths]


def test_place_gives_lines_columns_and_locations() -> None:
    """Each finding without a line gets its line, column and location, a path given twice or in
    any order included; one whose path is not in the file gets line 1; one already placed is
    left alone."""
    loaded = load_source(Source("plan.yaml", TEXT, "yaml"))

    def finding(*path: str | int) -> Finding:
        return Finding(rule="r", severity=Severity.WARNING, message="m", path=path)

    placed = finding("services", 0)
    placed.line, placed.location = 3, "kept"
    findings = [
        finding("services", 1, "depends_on", 1),
        finding("services", 0, "rto"),
        finding("services", 1, "depends_on", 1),
        finding("services", 2),
        placed,
        finding("roles"),
    ]
    assert locator(loaded)(findings) == [f for f in findings if f is not placed]
    assert [(f.line, f.column, f.location) for f in findings] == [
        (9, 9, "plan.yaml:9:9"),
        (5, 5, "plan.yaml:5:5"),
        (9, 9, "plan.yaml:9:9"),
        (10, 5, "plan.yaml:10:5"),
        (3, None, "kept"),
        (1, 1, "plan.yaml:1:1"),
    ]
