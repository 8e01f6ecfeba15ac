"""Property tests of the loader: round-trips, and no traceback for any input whatsoever."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.plan import Plan
from planner.cli import EXIT_BAD_INPUT, EXIT_OK, main
from planner.errors import PlanError, Problem
from planner.planfile.loader import load_plan
from tests.conftest import EXAMPLES
from tests.dump import dump_json, dump_yaml
from tests.strategies import examples, plans

SURVIVED = (EXIT_OK, EXIT_BAD_INPUT)
"""What any input may end with; never EXIT_INTERNAL (70), which is a crash."""
SMALL = (EXAMPLES / "small.yaml").read_bytes()


def _load_text(text: str, suffix: str) -> Plan:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"plan{suffix}"
        path.write_text(text, encoding="utf-8")
        return load_plan(path).require_valid()


@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_yaml_round_trip_is_identity(plan: Plan) -> None:
    assert _load_text(dump_yaml(plan), ".yaml") == plan


@settings(max_examples=examples(30), suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_json_round_trip_is_identity(plan: Plan) -> None:
    assert _load_text(dump_json(plan), ".json") == plan


def _run_on_bytes(data: bytes, suffix: str = ".yaml") -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"plan{suffix}"
        path.write_bytes(data)
        problems = _problems(path)
        assert all(p.line is not None for p in problems)
        return main(["validate", str(path)])


def _problems(path: Path) -> list[Problem]:
    """The problems the loader reports (every one located), or none for a valid plan."""
    try:
        load_plan(path).require_valid()
    except PlanError as exc:
        assert exc.problems, "a PlanError always carries its problems"  # noqa: PT017
        return exc.problems
    return []


@settings(max_examples=examples(300), deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    assert _run_on_bytes(data) in SURVIVED


@settings(max_examples=examples(300), deadline=None)
@given(st.binary(max_size=200), st.sampled_from([".yaml", ".json"]))
def test_arbitrary_bytes_as_json_never_raise(data: bytes, suffix: str) -> None:
    assert _run_on_bytes(data, suffix) in SURVIVED


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(SMALL) - 1), st.integers(0, 8), st.binary(max_size=6)),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_example_never_raises(edits: list[tuple[int, int, bytes]]) -> None:
    data = bytearray(SMALL)
    for start, length, replacement in edits:
        data[start : start + length] = replacement
    assert _run_on_bytes(bytes(data)) in SURVIVED


@settings(max_examples=examples(200), deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    ["version", "name", "services", "id", "depends_on", "teams", "rto", "owner", "x"]
                ),
                children,
                max_size=5,
            )
        ),
        max_leaves=25,
    )
)
def test_arbitrary_structures_never_raise(value: object) -> None:
    import json

    assert _run_on_bytes(json.dumps(value).encode(), ".json") in SURVIVED
