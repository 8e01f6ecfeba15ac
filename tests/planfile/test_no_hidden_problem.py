"""``validate`` promises every problem at once: a service with a structural error still has its
references checked in the same run, and no problem is reported that the plan does not have."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.errors import PlanError, Problem
from planner.planfile.loader import load_source
from planner.planfile.source import Source
from tests.strategies import examples, plans

STRUCTURAL = [
    ("rto", "banana"),
    ("criticality", "hgh"),
    ("restore_time", 45),
    ("colour", "red"),
    ("runbook", 7),
    ("tags", "not-a-list"),
]
"""Wrong values (or an unknown key) that make a service fail validation, each on its own key."""

REFERENCES = ["owner", "dependency", "duplicate", "self"]
"""Reference mistakes that can be injected in a service."""


def _problems(data: dict[str, Any]) -> list[Problem]:
    """Every problem of the plan: structural ones stop the load; referential ones of a plan that
    loads are kept on it (``validate`` reports both)."""
    try:
        loaded = load_source(Source("<plan>", json.dumps(data), "json"))
    except PlanError as exc:
        return exc.problems
    return list(loaded.problems)


def _referential(problems: list[Problem]) -> set[tuple[str, tuple[object, ...]]]:
    return {(p.message, tuple(p.path)) for p in problems if p.kind == "referential"}


@settings(max_examples=examples(80), deadline=None)
@given(plan=plans(max_services=8), data=st.data())
def test_every_reference_problem_is_reported_beside_structural_errors(plan: Any, data: st.DataObject) -> None:
    doc = plan.model_dump(mode="json", exclude_none=True)
    services = doc["services"]
    indices = list(range(len(services)))
    for i in data.draw(st.lists(st.sampled_from(indices), unique=True, max_size=3), label="referencing"):
        mistake = data.draw(st.sampled_from(REFERENCES), label=f"reference mistake {i}")
        service = services[i]
        deps = service.setdefault("depends_on", [])
        if mistake == "owner":
            service["owner"] = "no-such-team"
        elif mistake == "dependency":
            deps.append({"service": "no-such-service"})
        elif mistake == "duplicate" and deps:
            deps.append(dict(deps[0]))
        elif mistake == "self":
            deps.append({"service": service["id"]})
    expected = _problems(doc)
    broken = json.loads(json.dumps(doc))
    for i in data.draw(
        st.lists(st.sampled_from(indices), unique=True, min_size=1, max_size=3), label="broken"
    ):
        key, value = data.draw(st.sampled_from(STRUCTURAL), label=f"structural error {i}")
        broken["services"][i][key] = value
    found = _problems(broken)
    assert any(p.kind != "referential" for p in found), "the structural errors are reported"
    assert _referential(expected) <= _referential(found), "a reference problem was hidden"
    assert _referential(found) <= _referential(expected), "a reference problem the plan does not have"


def test_a_dependency_is_not_suggested_its_own_service(run_cli: Any, tmp_path: Any) -> None:
    plan = tmp_path / "p.yaml"
    plan.write_text(
        "version: 1\nname: x\nservices:\n"
        "  - id: lb\n    depends_on: [lbb]\n  - id: dns\n    depends_on: [lb]\n"
    )
    result = run_cli("validate", plan)
    assert result.code == 2
    assert "dependency 'lbb' names no service" in result.err
    assert "did you mean 'lb'" not in result.err


def test_a_duplicate_dependency_is_its_own_rule(run_cli: Any, tmp_path: Any) -> None:
    plan = tmp_path / "p.yaml"
    plan.write_text(
        "version: 1\nname: x\nteams: [{id: ops}]\nservices:\n  - id: dns\n    owner: ops\n"
        "  - id: lb\n    owner: ops\n    depends_on: [dns, dns]\n"
    )
    result = run_cli("audit", plan, "--format", "json")
    rules = {f["rule"] for f in json.loads(result.out)["findings"]}
    assert "duplicate-dependency" in rules
    assert "unknown-reference" not in rules


def test_coverage_does_not_count_an_unknown_team_as_an_owner(run_cli: Any, tmp_path: Any) -> None:
    plan = tmp_path / "p.yaml"
    plan.write_text(
        "version: 1\nname: x\nteams: [{id: ops}]\nservices:\n"
        "  - id: dns\n    owner: ops\n  - id: lb\n    owner: opz\n"
    )
    result = run_cli("audit", plan, "--format", "json")
    owned = json.loads(result.out)["coverage"]["services with an owner"]
    assert (owned["covered"], owned["total"]) == (1, 2)
