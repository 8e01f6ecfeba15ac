"""The atlas's speed (issue 28): ``planner export --format site`` for generated plans.

Prints, per size: building the atlas (load, audit, the recovery of everything and of each
scenario), then writing the pages and drawing the pictures with one and with two runs of ``dot``
at a time, and how much of that is ``dot`` (the same pictures drawn alone, without pages).
Run: ``python -m benchmarks.bench_site [SIZES...]`` (default 2000 10000).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.generate import layered_plan, write_plan
from planner.audit import as_of_moment
from planner.export.site import build_atlas, write_site
from planner.export.site.pictures import every_picture
from planner.export.site.svg import draw_all
from planner.planfile.loader import load_plan

OUT = Path(__file__).resolve().parent / "out"


def main(sizes: list[int]) -> None:
    OUT.mkdir(exist_ok=True)
    print(f"{'services':>9} {'atlas':>7} {'site x1':>8} {'site x2':>8} {'dot x2':>7} {'pages':>6} {'MB':>5}")
    for n in sizes:
        path = OUT / f"plan-{n}.yaml"
        if not path.exists():
            write_plan(layered_plan(n), path)
        started = time.perf_counter()
        atlas = build_atlas(load_plan(path), as_of_moment(None))
        t_atlas = time.perf_counter() - started
        times = {}
        with tempfile.TemporaryDirectory(prefix="bench-site-") as where:
            for workers in (1, 2):
                out = Path(where) / f"site-{workers}"
                started = time.perf_counter()
                written = write_site(atlas, out, str(path), workers=workers)
                times[workers] = time.perf_counter() - started
            size = sum(f.stat().st_size for f in out.iterdir()) / 1e6
            shutil.rmtree(out)
        started = time.perf_counter()
        draw_all(((dot, lambda _svg: None) for _, dot in every_picture(atlas)), workers=2)
        t_dot = time.perf_counter() - started
        print(
            f"{n:>9} {t_atlas:>6.1f}s {times[1]:>7.1f}s {times[2]:>7.1f}s {t_dot:>6.1f}s "
            f"{written.pages:>6} {size:>5.0f}",
            flush=True,
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_site", description=__doc__)
    parser.add_argument("sizes", nargs="*", type=int, default=[2000, 10000], help="services per plan")
    main(parser.parse_args().sizes)
