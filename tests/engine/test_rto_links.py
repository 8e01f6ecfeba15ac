"""RTO-miss chains in ``schedule --format json``: each miss gives its chain's start and length,
and ``rto_chain_links`` holds every link once, so the output stays linear in the tasks however
long the chains (a list per miss grew with the square of a chain's length)."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings

from models.plan import Plan
from planner.cli.plan_output import schedule_json
from planner.engine.planning import plan_recovery
from tests.strategies import dag_plans, examples


def _chain(links: dict[str, str | None], service: str) -> list[str]:
    out = [service]
    while (previous := links[out[-1]]) is not None:
        out.append(previous)
    return out[::-1]


@settings(max_examples=examples(150), deadline=None)
@given(dag_plans(max_services=60))
def test_each_miss_reads_its_chain_back_from_the_links(case: tuple[Plan, list[str] | None]) -> None:
    plan, failed = case
    planning = plan_recovery(plan, failed=failed)
    data: dict[str, Any] = schedule_json(planning)
    tasks = {t["service"]: t for t in data["tasks"]}
    for kind, links in data["rto_chain_links"].items():
        assert set(links) <= set(tasks), kind  # each task once per kind: linear
    for miss in data["rto_misses"]:
        links = data["rto_chain_links"]["unachievable" if miss["unachievable"] else "missed"]
        chain = _chain(links, miss["service"])
        assert chain[0] == miss["chain_start"]
        assert len(chain) == miss["chain_length"]
        for before, after in itertools.pairwise(chain):  # each link a hard dependency
            assert before in {d.service for d in planning.graph.services[after].depends_on}


def test_a_long_chain_of_misses_stays_linear() -> None:
    """400 services in one line, every RTO missed: the JSON holds 400 links, not 80,000."""
    services = [
        {"id": f"s{i}", "rto": "1m", "restore_time": "10m", "depends_on": [f"s{i - 1}"] if i else []}
        for i in range(400)
    ]
    plan = Plan.model_validate({"version": 1, "name": "line", "services": services})
    data = schedule_json(plan_recovery(plan))
    assert len(data["rto_misses"]) == 400
    assert sum(len(links) for links in data["rto_chain_links"].values()) == 400
    last = next(m for m in data["rto_misses"] if m["service"] == "s399")
    assert (last["chain_start"], last["chain_length"]) == ("s0", 400)
