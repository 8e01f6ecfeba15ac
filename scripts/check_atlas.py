"""Every picture of the atlas of a generated 2,000-service plan, as Graphviz lays it out: at most
60 boxes, every edge left to right, the legend's text at least as large as the labels, every box
a link to a page of the site (tests/helpers/atlas.py says how). pytest checks the teams and a
sample of the services; this checks them all. ``scripts/test`` runs it after pytest.

Run: ``python scripts/check_atlas.py [SERVICES]`` (default 2000); prints the time it took and
exits 1 listing the pictures that fail.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import layered_plan, write_plan  # noqa: E402
from planner.audit import as_of_moment  # noqa: E402
from planner.export.site import build_atlas  # noqa: E402
from planner.export.site.pictures import every_picture  # noqa: E402
from planner.planfile.loader import load_plan  # noqa: E402
from tests.helpers.atlas import layouts, problems  # noqa: E402


def main(services: int) -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="check-atlas-") as where:
        plan = Path(where) / f"plan-{services}.yaml"
        write_plan(layered_plan(services), plan)
        atlas = build_atlas(load_plan(plan), as_of_moment(None))
    pages = {*atlas.files.values(), "index.html", "audit.html"}
    pictures = list(every_picture(atlas))
    failed = []
    for (page, _), lay in zip(pictures, layouts(dot for _, dot in pictures), strict=True):
        failed += [f"{page}: {said}" for said in problems(lay, pages)]
    seconds = time.perf_counter() - started
    print(f"atlas of {services:,} services: {len(pictures):,} pictures checked in {seconds:.1f} s")
    if failed:
        print("\n".join(failed[:50]))
        print(f"{len(failed)} problems")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
