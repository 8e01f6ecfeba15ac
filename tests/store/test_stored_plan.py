"""An incident's plan read back from the store for its components, on either backend."""

from __future__ import annotations

import json

from planner.tracking.persistence import stored_plan
from planner.tracking.persistence.store import Store
from tests.conftest import EXAMPLES
from tests.helpers.incident_cli import T0
from tests.helpers.journal import enterprise_incident


def test_the_plan_of_an_incident_comes_back_once(where: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    stored_plan._CACHE.clear()
    enterprise = enterprise_incident(where)
    small = run_cli("incident", "start", EXAMPLES / "small.yaml", "--store", where, "--at", T0).out.split()[
        -1
    ]
    with Store(where) as store:
        rows = {r.id: r for r in store.incident_rows()}
        plan = stored_plan.plan_with_components(store, rows[enterprise])
        assert plan is not None
        assert [c.id for c in plan.components][:3] == ["storefront", "search", "checkout"]
        assert stored_plan.plan_with_components(store, rows[enterprise]) is plan  # read once
        assert stored_plan.plan_with_components(store, rows[small]) is None  # no components
    status = run_cli("incident", "status", enterprise, "--store", where, "--format", "json")
    assert len(json.loads(status.out)["components"]) == 10
