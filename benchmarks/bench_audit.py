"""``planner audit`` as a whole process against a bare ``yaml_rs`` parse of the same plan
(issue: audit; goal within 6x at 100,000 services).

This machine's speed drifts by up to 2x within the hour, so each audit is paired with a bare
parse timed just before it (in a fresh process, as the audit's own parse is), and the ratio is
taken per pair.

    python -m benchmarks.bench_audit [SERVICES] [RUNS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.generate import layered_plan, write_plan

OUT = Path(__file__).parent / "out"
BARE = "import sys, yaml_rs; yaml_rs.loads(open(sys.argv[1], encoding='utf-8').read())"


def whole(args: list[str], ok: tuple[int, ...] = (0,)) -> float:
    """Seconds for one process, stdout discarded."""
    began = time.perf_counter()
    proc = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    took = time.perf_counter() - began
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(args)} exited {proc.returncode}: {proc.stderr.decode()[-500:]}")
    return took


def main(size: int, runs: int) -> None:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"plan-{size}.yaml"
    if not path.exists():
        write_plan(layered_plan(size), path)
    print(f"planner audit on {path.name} ({size:,} services), {runs} paired runs; seconds")
    print(f"  {'bare yaml_rs':>12} {'audit':>8} {'ratio':>6}   {'audit json':>10} {'ratio':>6}")
    ratios, json_ratios = [], []
    for _ in range(runs):
        bare = whole([sys.executable, "-c", BARE, str(path)])
        text = whole([sys.executable, "-m", "planner", "audit", str(path)], ok=(0, 1))
        bare_json = whole([sys.executable, "-c", BARE, str(path)])
        as_json = whole([sys.executable, "-m", "planner", "audit", str(path), "--format", "json"], ok=(0, 1))
        ratios.append(text / bare)
        json_ratios.append(as_json / bare_json)
        print(
            f"  {bare:>12.2f} {text:>8.2f} {text / bare:>5.1f}x   "
            f"{as_json:>10.2f} {as_json / bare_json:>5.1f}x",
            flush=True,
        )
    print(
        f"  median ratio: text {statistics.median(ratios):.1f}x, json {statistics.median(json_ratios):.1f}x"
    )


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 100_000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 3,
    )
