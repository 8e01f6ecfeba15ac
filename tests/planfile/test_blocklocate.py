"""The block-style locator agrees with the exact event scan wherever it answers."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from models.plan import Plan
from planner.errors import YamlPath
from planner.planfile.blocklocate import BlockLocator
from planner.planfile.loader import list_lengths, load_plan
from planner.planfile.locate import scan
from tests.conftest import EXAMPLES
from tests.dump import dump_yaml
from tests.strategies import examples, plans


def _paths(plan: Plan) -> set[YamlPath]:
    out: set[YamlPath] = {("services",), ("teams",), ("roles",), ("exercises",)}
    for i, s in enumerate(plan.services):
        out |= {("services", i), ("services", i, "id"), ("services", i, "rto"), ("services", i, "runbook")}
        for j in range(len(s.depends_on)):
            out |= {("services", i, "depends_on", j), ("services", i, "depends_on", j, "check")}
    for k in range(len(plan.teams)):
        out |= {("teams", k), ("teams", k, "escalation")}
    for w in range(len(plan.workarounds)):
        out |= {("workarounds", w), ("workarounds", w, "expires")}
    return out


def _agree(text: str, plan: Plan) -> int:
    paths = _paths(plan)
    exact = scan(text, paths).positions
    block = BlockLocator(text, list_lengths(plan))
    answered = 0
    for path in paths:
        found = block.locate(path)
        if found is None:
            continue
        answered += 1
        assert path in exact, path
        assert (found.line, found.column) == (exact[path].line, exact[path].column), path
    return answered


def _agree_everywhere(text: str, plan: Plan) -> None:
    """Block-style text: the block reader answers every path that exists, as the scan does."""
    paths = _paths(plan)
    assert _agree(text, plan) == len(paths & scan(text, paths).positions.keys())


def test_examples() -> None:
    for name in ("small.yaml", "enterprise.yaml"):
        loaded = load_plan(EXAMPLES / name)
        # all but the item of one flow-style list ("depends_on: [network-core]")
        assert (
            _agree(loaded.source.text, loaded.plan)
            == len(_paths(loaded.plan) & scan(loaded.source.text, _paths(loaded.plan)).positions.keys()) - 1
        )


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_dumped_plans(plan: Plan) -> None:
    _agree_everywhere(dump_yaml(plan), plan)


def test_gives_up_on_flow_style() -> None:
    text = "version: 1\nname: x\nservices: [{id: a}, {id: b}]\n"
    plan = Plan.model_validate({"version": 1, "name": "x", "services": [{"id": "a"}, {"id": "b"}]})
    assert BlockLocator(text, list_lengths(plan)).locate(("services", 1)) is None
