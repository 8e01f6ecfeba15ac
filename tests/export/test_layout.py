"""The diagrams as Graphviz lays them out (``dot -Tjson``): every edge points the way
restoration flows (left to right), edge labels sit on their edges, the legend is a small part
of the canvas, and the full and scenario views put shared services in the same order. On the
enterprise example, a generated 150-service plan and a real Compose project."""

from __future__ import annotations

import itertools
import json
import math
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import layered_plan, write_plan

EXAMPLES = Path(__file__).parents[2] / "examples"
COMPOSE = Path(__file__).parents[1] / "data" / "compose"
pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def layout(dot: str) -> dict[str, Any]:
    done = subprocess.run(["dot", "-Tjson"], input=dot, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _points(spline: str) -> list[tuple[float, float]]:
    out = []
    for part in spline.split():
        bits = part.split(",")
        if bits[0] in {"e", "s"}:
            bits = bits[1:]
        out.append((float(bits[0]), float(bits[1])))
    return out


def _distance(point: tuple[float, float], line: list[tuple[float, float]]) -> float:
    best = math.inf
    for (x1, y1), (x2, y2) in itertools.pairwise(line):
        dx, dy = x2 - x1, y2 - y1
        t = (
            0.0
            if dx == dy == 0
            else max(0.0, min(1.0, ((point[0] - x1) * dx + (point[1] - y1) * dy) / (dx * dx + dy * dy)))
        )
        best = min(best, math.dist(point, (x1 + t * dx, y1 + t * dy)))
    return best


def _positions(lay: dict[str, Any]) -> dict[int, tuple[str, float]]:
    return {
        o["_gvid"]: (o["name"], float(o["pos"].split(",")[0]))
        for o in lay["objects"]
        if "pos" in o and "name" in o and not o["name"].startswith("cluster")
    }


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    where = tmp_path_factory.mktemp("plans")
    generated = where / "generated-150.yaml"
    write_plan(layered_plan(150), generated)
    return {"enterprise": EXAMPLES / "enterprise.yaml", "generated-150": generated}


def _imported(run_cli: Any, tmp_path: Path) -> Path:
    out = tmp_path / "supabase.yaml"
    result = run_cli("import", "compose", COMPOSE / "supabase" / "docker-compose.yml", "-o", out)
    assert result.code == 0, result.err
    return out


@pytest.mark.parametrize("which", ["enterprise", "generated-150", "supabase"])
def test_edges_point_forward_labels_stay_on_their_edges_and_the_legend_is_small(
    which: str, plans: dict[str, Path], run_cli: Any, tmp_path: Path
) -> None:
    plan = _imported(run_cli, tmp_path) if which == "supabase" else plans[which]
    lay = layout(run_cli("export", plan, "--format", "dot").out)
    nodes = _positions(lay)
    backwards = [
        (nodes[e["tail"]][0], nodes[e["head"]][0])
        for e in lay.get("edges", [])
        if nodes[e["head"]][1] <= nodes[e["tail"]][1]
    ]
    assert backwards == []
    for edge in lay.get("edges", []):
        if "lp" in edge:
            x, y = (float(v) for v in edge["lp"].split(","))
            assert _distance((x, y), _points(edge["pos"])) < 40, edge.get("label")
    x0, y0, x1, y1 = (float(v) for v in lay["bb"].split(","))
    legend = next(o for o in lay["objects"] if o.get("name") == "legend")
    assert float(legend["width"]) * 72 * float(legend["height"]) * 72 < 0.15 * (x1 - x0) * (y1 - y0)


def test_full_and_scenario_views_put_shared_services_in_the_same_order(run_cli: Any) -> None:
    plan = EXAMPLES / "enterprise.yaml"

    def ranks(*extra: str) -> dict[str, int]:
        nodes = _positions(layout(run_cli("export", plan, "--format", "dot", *extra).out)).values()
        columns = sorted({round(x) for _, x in nodes})
        return {name: columns.index(round(x)) for name, x in nodes if name != "legend"}

    full, scenario = ranks(), ranks("--scenario", "storage-outage")
    shared = sorted(set(full) & set(scenario))
    assert len(shared) > 20
    for a in shared:
        for b in shared:
            if full[a] < full[b]:
                assert scenario[a] < scenario[b], (a, b)
    # a focus view hides services, so columns close up; none is ever drawn in the reverse order
    focus = ranks("--focus", "db-primary", "--depth", "1")
    assert len(focus) > 5
    for a in focus:
        for b in focus:
            if full[a] < full[b]:
                assert focus[a] <= focus[b], (a, b)


def test_a_large_plan_is_one_box_per_team_unless_asked(run_cli: Any, tmp_path: Path) -> None:
    plan = tmp_path / "plan-300.yaml"
    write_plan(layered_plan(300), plan)
    collapsed = run_cli("export", plan, "--format", "dot").out
    assert "300 services: one box per owner team" in collapsed
    assert "--focus SERVICE" in collapsed
    teams = {line.split()[0] for line in collapsed.splitlines() if line.strip().startswith("team_")}
    assert 1 < len(teams) < 300
    assert " hard" in collapsed
    detailed = run_cli("export", plan, "--format", "dot", "--detail").out
    assert "one box per owner team" not in detailed
    assert detailed.count("label=") > 300
    mermaid = run_cli("export", plan, "--format", "mermaid").out
    assert "one box per owner team" in mermaid


def test_a_large_plan_by_wave_is_a_chain_that_reads_forward(run_cli: Any, tmp_path: Path) -> None:
    plan = tmp_path / "plan-300.yaml"
    write_plan(layered_plan(300), plan)
    dot = run_cli("export", plan, "--format", "dot", "--cluster", "wave").out
    assert "300 services: one box per restore wave" in dot
    lay = layout(dot)
    nodes = _positions(lay)
    assert all(nodes[e["head"]][1] > nodes[e["tail"]][1] for e in lay.get("edges", []))
