"""single-point-of-failure holds one bit set per service only while its dependents need it,
and no bit per critical service: those bits alone took n^2/16 bytes (3.9 GB for the 250,000
critical services of a 1,000,000-service plan)."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

from planner.audit import as_of_moment
from planner.audit.context import AuditContext
from planner.audit.spof import single_point_of_failure
from planner.engine.planning import plan_recovery
from planner.planfile.loader import load_plan


def test_its_memory_does_not_grow_with_the_square_of_the_critical_services(tmp_path: Path) -> None:
    n = 16_000  # a chain, every service critical: 16 MB of bits if each one's were held
    services = [{"id": f"s{i:05d}", "criticality": "critical"} for i in range(n)]
    for i in range(1, n):
        services[i]["depends_on"] = [f"s{i - 1:05d}"]
    path = tmp_path / "chain.json"
    path.write_text(json.dumps({"version": 1, "name": "chain", "services": services}), encoding="utf-8")
    loaded = load_plan(path)
    ctx = AuditContext(
        loaded=loaded, as_of=as_of_moment(None), workarounds=[], planning=plan_recovery(loaded.plan, None)
    )
    tracemalloc.start()
    try:
        found = list(single_point_of_failure(ctx))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(found) == n // 2  # the first half each take down half or more of the others
    assert found[0].message.startswith(f"s00000 alone takes down {n} of the {n} critical services")
    assert peak < 12 * 2**20, peak  # the findings and a few sets, not n bits of n/2 bytes on average
