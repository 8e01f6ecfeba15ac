"""Loader speed at scale (issue: foundation): ``planner validate`` on generated plans.

Prints, for each size: file size, bare ``yaml_rs`` parse and ``json.load`` times, ``planner
validate`` as a whole process (wall time and peak RSS), the ratios the targets are stated in, and
the time to report one planted error. Run: ``python -m benchmarks.bench_load [SIZES...]``.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import yaml_rs

from benchmarks.generate import layered_plan, write_plan

OUT = Path(__file__).resolve().parent / "out"


def timed_process(args: list[str]) -> tuple[float, float, int, str]:
    """Run a command; wall seconds, peak RSS (MB) of the child, exit code, stderr tail."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (
        wall,
        max(peak, before) / 1024,
        proc.returncode,
        proc.stderr.strip().splitlines()[-1:][0] if proc.stderr.strip() else "",
    )


def main(sizes: list[int]) -> None:
    OUT.mkdir(exist_ok=True)
    planner = [sys.executable, "-m", "planner"]
    print(
        f"{'services':>9} {'MB':>6} {'yaml_rs':>8} {'json':>6} {'validate yaml':>14} {'x yaml_rs':>9} "
        f"{'validate json':>14} {'x json':>7} {'peak MB':>8} {'1 error':>8}"
    )
    for n in sizes:
        data = layered_plan(n)
        yaml_path, json_path = OUT / f"plan-{n}.yaml", OUT / f"plan-{n}.json"
        bad_path = OUT / f"plan-{n}-error.yaml"
        if not yaml_path.exists():
            write_plan(data, yaml_path)
            write_plan(data, json_path)
            write_plan(layered_plan(n, error_at=n - 1), bad_path)
        text = yaml_path.read_text(encoding="utf-8")
        start = time.perf_counter()
        yaml_rs.loads(text)
        t_yaml = time.perf_counter() - start
        start = time.perf_counter()
        json.loads(json_path.read_text(encoding="utf-8"))
        t_json = time.perf_counter() - start
        v_yaml, peak_yaml, code, tail = timed_process([*planner, "validate", str(yaml_path)])
        assert code == 0, tail
        v_json, peak_json, code, tail = timed_process([*planner, "validate", str(json_path)])
        assert code == 0, tail
        v_bad, _, code, tail = timed_process([*planner, "validate", str(bad_path)])
        assert code == 2, tail
        print(
            f"{n:>9} {yaml_path.stat().st_size / 1e6:>6.1f} {t_yaml:>7.2f}s {t_json:>5.2f}s {v_yaml:>13.2f}s "
            f"{v_yaml / t_yaml:>8.1f}x {v_json:>13.2f}s {v_json / t_json:>6.1f}x "
            f"{max(peak_yaml, peak_json):>8.0f} {v_bad:>7.2f}s",
            flush=True,
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 100000])
