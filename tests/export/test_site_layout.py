"""Every picture of the atlas, as Graphviz lays it out (``dot -Tjson``), is readable: at most 60
boxes, every edge left to right (the reading direction), the legend's text at least as large as
the labels, every box a link to a page of the site. On the enterprise example, a generated
150-service plan, an imported Compose project, and the teams and a sample of the services of a
generated 2,000-service plan (scripts/check_atlas.py checks every picture of that one)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import layered_plan, write_plan
from planner.audit import as_of_moment
from planner.export.site import build_atlas
from planner.export.site.pictures import every_picture, service_view
from planner.planfile.loader import load_plan
from tests.helpers.atlas import layouts, problems

EXAMPLES = Path(__file__).parents[2] / "examples"
COMPOSE = Path(__file__).parents[1] / "data" / "compose"
pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


@pytest.fixture(scope="module")
def plan_2000(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plans") / "plan-2000.json"  # JSON loads far faster than YAML
    write_plan(layered_plan(2000), out)
    return out


def _plan(which: str, run_cli: Any, where: Path) -> Path:
    if which == "enterprise":
        return EXAMPLES / "enterprise.yaml"
    if which == "compose":
        out = where / "social.yaml"
        compose = COMPOSE / "deathstarbench" / "socialNetwork" / "docker-compose.yml"
        result = run_cli("import", "compose", compose, "-o", out)
        assert result.code == 0, result.err
        return out
    out = where / f"{which}.json"
    write_plan(layered_plan(int(which)), out)
    return out


@pytest.mark.parametrize("which", ["enterprise", "150", "compose", "2000"])
def test_every_picture_is_readable_and_every_box_a_link(
    which: str, run_cli: Any, tmp_path: Path, plan_2000: Path
) -> None:
    path = plan_2000 if which == "2000" else _plan(which, run_cli, tmp_path)
    atlas = build_atlas(load_plan(path), as_of_moment(None))
    pages = {*atlas.files.values(), "index.html", "audit.html"}
    services = sorted(atlas.services)
    sample = services if len(services) <= 200 else services[:: len(services) // 12]
    pictures = list(every_picture(atlas, sample))
    assert len(pictures) >= len(sample) + 1
    drawn = 0
    for (page, _), lay in zip(pictures, layouts(dot for _, dot in pictures), strict=True):
        assert problems(lay, pages) == [], page
        drawn += 1
    assert drawn == len(pictures)


def test_a_hub_is_drawn_with_its_nearest_and_the_page_lists_the_rest(tmp_path: Path) -> None:
    plan = layered_plan(150)
    hub = plan["services"][0]["id"]
    for service in plan["services"][1:]:
        deps = service.setdefault("depends_on", [])
        if not any(hub in (d, d.get("service") if isinstance(d, dict) else None) for d in deps):
            deps.append({"service": hub, "kind": "soft"})
    path = tmp_path / "hub.yaml"
    write_plan(plan, path)
    atlas = build_atlas(load_plan(path), as_of_moment(None))
    ((_, dot),) = [(p, d) for p, d in every_picture(atlas, [hub]) if p == atlas.files[hub]]
    lay = next(layouts([dot]))
    assert problems(lay, set(atlas.files.values())) == []
    view, hidden = service_view(atlas, hub)
    assert len(view.nodes) == 60
    assert hidden == 149 - 59, "the page's caption and lists say how many more"


def test_the_single_picture_team_view_reads_left_to_right_with_a_legend(
    run_cli: Any, plan_2000: Path
) -> None:
    dot = run_cli("export", plan_2000, "--format", "dot").out
    lay = next(layouts([dot]))
    assert problems(lay, None) == []
    assert "legend" in dot
    assert "two-way" in dot, "the generated teams all depend on each other"


def test_a_focus_across_many_teams_draws_no_team_boxes(run_cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "plan-many-teams.yaml"
    write_plan(layered_plan(400, teams=40), path)
    dot = run_cli("export", path, "--format", "dot", "--focus", "svc-000200", "--depth", "2").out
    assert "subgraph cluster" not in dot, "boxes of one service each crossed one another"
    said = problems(next(layouts([dot])), None)
    assert [p for p in said if "boxes (at most" not in p] == [], "a single picture may hold 200"
    few = run_cli("export", EXAMPLES / "enterprise.yaml", "--format", "dot", "--focus", "db-primary").out
    assert "subgraph cluster" in few, "a few teams keep their boxes"


def test_more_teams_than_boxes_draws_the_largest(tmp_path: Path) -> None:
    path = tmp_path / "plan-many-teams.json"
    write_plan(layered_plan(400, teams=80), path)
    atlas = build_atlas(load_plan(path), as_of_moment(None))
    (_, dot), *_ = every_picture(atlas, [])
    assert problems(next(layouts([dot])), set(atlas.files.values())) == []
    assert dot.count("team_") >= 59


def test_the_mermaid_team_view_draws_each_pair_of_teams_once(run_cli: Any, plan_2000: Path) -> None:
    text = run_cli("export", plan_2000, "--format", "mermaid").out
    pairs = [
        tuple(sorted((line.split()[0], line.split()[-1]))) for line in text.splitlines() if "-->|" in line
    ]
    assert len(pairs) == len(set(pairs)) == 45, "10 teams: 45 pairs, each once"
    assert "<-->" in text, "the generated teams all depend on each other"
