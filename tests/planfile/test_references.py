"""The referential checks' cost: each distinct unknown id is worked out once."""

from __future__ import annotations

import difflib

import pytest

from models.plan import Plan
from planner.planfile.references import check_references


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
