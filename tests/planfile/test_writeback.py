"""Write-back: a plan edited in place keeps its comments and order, and never comes out broken."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.errors import PlannerError
from planner.planfile.writeback import edit_plan, edit_text, unified_diff
from tests.conftest import EXAMPLES


def test_an_edit_changes_only_its_own_lines() -> None:
    path = EXAMPLES / "enterprise.yaml"
    before, after = edit_plan(path, lambda doc: doc.__setitem__("name", "Renamed"))
    diff = unified_diff(before, after, "enterprise.yaml").splitlines()
    changed = [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert len(changed) == 2
    assert changed[1].startswith("+")
    assert "Renamed" in changed[1]
    assert [line for line in before.splitlines() if line.lstrip().startswith("#")] == [
        line for line in after.splitlines() if line.lstrip().startswith("#")
    ]


def test_an_edit_that_breaks_the_plan_is_refused() -> None:
    text = (EXAMPLES / "enterprise.yaml").read_text()
    with pytest.raises(PlannerError):
        edit_text(text, "enterprise.yaml", lambda doc: doc.__setitem__("services", "none"))


def test_a_json_plan_is_not_rewritten_as_yaml(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('{"version": 1}')
    with pytest.raises(PlannerError, match="YAML plans only"):
        edit_plan(plan, lambda doc: None)
