"""``planner impact`` prints a bounded chain per service: the chains of a deep graph together
grow with the square of its depth (a 10,000-service chain printed 440 MB and used 1.4 GB; at
50,000 it died), so past a bound each chain is cut, and the JSON's ``parent`` has the rest."""

from __future__ import annotations

import json
from pathlib import Path

from planner.cli.plan_output import JSON_PATH_LIMIT, TEXT_PATH_LIMIT
from planner.engine.graph import RecoveryGraph
from planner.engine.impact import compute_impact
from planner.engine.scenario import select
from planner.planfile.loader import load_valid_plan
from tests.conftest import EXAMPLES

LENGTH = 400


def _chain(tmp_path: Path) -> Path:
    services = [{"id": "s0", "owner": "t"}]
    services += [{"id": f"s{i}", "owner": "t", "depends_on": [f"s{i - 1}"]} for i in range(1, LENGTH)]
    plan = {"version": 1, "name": "chain", "teams": [{"id": "t"}], "services": services}
    path = tmp_path / "chain.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


def test_json_paths_are_bounded_and_parent_has_the_rest(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("impact", _chain(tmp_path), "s0", "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert max(len(p) for p in data["paths"].values()) == JSON_PATH_LIMIT
    assert data["paths"]["s5"] == ["s0", "s1", "s2", "s3", "s4", "s5"]  # short chains whole
    last = data["paths"][f"s{LENGTH - 1}"]
    assert last == [f"s{i}" for i in range(LENGTH - JSON_PATH_LIMIT, LENGTH)]
    assert data["paths_cut"] == LENGTH - JSON_PATH_LIMIT
    node, hops = f"s{LENGTH - 1}", 1
    while data["parent"][node] is not None:
        node, hops = data["parent"][node], hops + 1
    assert (node, hops) == ("s0", LENGTH)


def test_text_chains_are_bounded(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("impact", _chain(tmp_path), "s0")
    assert result.code == 0, result.err
    assert max(len(line) for line in result.out.splitlines()) < 120
    assert f"s0 -> … {LENGTH - 6} more … -> s{LENGTH - 5} -> s{LENGTH - 4}" in result.out
    assert "  s0 -> s1 -> s2 -> s3 -> s4 -> s5 -> s6 -> s7\n" in result.out  # 8: whole


def test_length_and_source_agree_with_the_whole_path() -> None:
    plan = load_valid_plan(EXAMPLES / "enterprise.yaml")
    graph = RecoveryGraph.from_plan(plan)
    for failed in (["storage-cluster"], ["dns-internal", "network-core"], sorted(graph.services)[:3]):
        impact = compute_impact(graph, select(plan, failed=failed))
        for service in impact.impacted:
            whole = impact.path(service)
            assert impact.length(service) == len(whole) <= TEXT_PATH_LIMIT + 10
            assert impact.source(service) == whole[0] in failed
            assert impact.path(service, last=2) == whole[-2:]
