"""Loading large plans: each distinct unknown id worked out once, services validated one by one."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from models.plan import Plan
from planner.errors import PlanError
from planner.planfile import loader
from planner.planfile.loader import load_plan
from planner.planfile.references import check_references
from tests.conftest import ROOT


def test_validate_works_out_each_unknown_id_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # renaming a hub that many services depend on: one suggestion, not one per dependent (it was
    # a difflib search over every service for each of them: 90 s for 5,000 dependents)
    calls = []
    real = difflib.get_close_matches

    def counted(*args: object, **kwargs: object) -> list[str]:
        calls.append(args[0])
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(difflib, "get_close_matches", counted)
    services = [{"id": "core-hub"}] + [{"id": f"svc-{i}", "depends_on": ["core-hb"]} for i in range(200)]
    plan = Plan.model_validate({"version": 1, "name": "x", "services": services})
    problems = check_references(plan)
    assert len(problems) == 200
    assert all(p.message.endswith("did you mean 'core-hub'?") for p in problems)
    assert calls == ["core-hb"]


_CORPUS = sorted([*(ROOT / "tests" / "data" / "bad").iterdir(), *(ROOT / "examples").glob("*.yaml")])


@pytest.mark.parametrize("path", _CORPUS, ids=lambda p: p.name)
def test_services_validated_one_by_one_give_the_same_plan_and_problems(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a large plan's services are validated one at a time, each parsed item dropped once built;
    # a problem sends it back to the whole document: the same plan, the same problems
    def outcome() -> object:
        try:
            loaded = load_plan(path)
        except PlanError as exc:
            return exc.problems
        return loaded.plan, loaded.problems

    whole = outcome()
    monkeypatch.setattr(loader, "IN_PLACE_FROM", 1)
    assert outcome() == whole
