"""Generate large layered plans, as a CMDB export would produce them.

``python -m benchmarks.generate N OUT.yaml`` writes a plan of N services in layers (each service
hard-depends on 1-6 services of earlier layers, a few soft), with teams, owners, RTOs, restore
times and checks; the same plan as JSON when OUT ends in ``.json``. Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

CRITICALITIES = ["critical", "high", "medium", "low"]


def layered_plan(
    n: int, seed: int = 7, teams: int | None = None, error_at: int | None = None
) -> dict[str, Any]:
    """A plan of ``n`` services in about sqrt(n)/2 layers; ``error_at`` plants one unknown owner."""
    rng = random.Random(seed)
    team_count = teams or max(3, n // 200)
    people = [
        {"id": f"p{i}", "name": f"Person {i}", "contact": f"p{i}@example.com"} for i in range(team_count * 2)
    ]
    team_list = [
        {
            "id": f"team-{t}",
            "members": [f"p{2 * t}", f"p{2 * t + 1}"],
            "escalation": [f"p{2 * t}", f"p{2 * t + 1}"],
            "escalation_tested": "2026-10-01",
            "capacity": rng.randint(1, 4),
        }
        for t in range(team_count)
    ]
    layers = max(2, int(n**0.5) // 2)
    per_layer = max(1, n // layers)
    services: list[dict[str, Any]] = []
    for i in range(n):
        layer = min(i // per_layer, layers - 1)
        service: dict[str, Any] = {
            "id": f"svc-{i:06d}",
            "name": f"Service {i}",
            "owner": f"team-{rng.randrange(team_count)}",
            "criticality": rng.choice(CRITICALITIES),
            "rto": f"{rng.randint(1, 12)}h",
            "restore_time": f"{rng.randint(5, 60)}m",
            "restart_time": f"{rng.randint(1, 10)}m",
            "verify": f"curl -fsS http://svc-{i:06d}.internal/healthz",
            "runbook": {"url": f"https://wiki.example.com/rb/{i}", "reviewed": "2026-10-01"},
        }
        if layer > 0:
            lo = max(0, (layer - 2) * per_layer)
            hi = layer * per_layer
            picks = sorted({rng.randrange(lo, hi) for _ in range(rng.randint(1, 6))})
            service["depends_on"] = [
                {"service": f"svc-{d:06d}", "check": f"nc -z svc-{d:06d}.internal 443"}
                if rng.random() < 0.8
                else ({"service": f"svc-{d:06d}", "kind": "soft"} if rng.random() < 0.3 else f"svc-{d:06d}")
                for d in picks
            ]
        services.append(service)
    if error_at is not None:
        services[error_at]["owner"] = "team-does-not-exist"
    return {
        "version": 1,
        "name": f"Generated plan ({n} services)",
        "people": people,
        "teams": team_list,
        "roles": {"incident_commander": "p0", "communications_lead": "p1"},
        "services": services,
        "scenarios": [
            {"id": "first-layer", "failed": [s["id"] for s in services[: max(1, per_layer // 10)]]}
        ],
    }


def write_plan(data: dict[str, Any], path: Path) -> None:
    """Write ``data`` as JSON or as block-style YAML (built directly: PyYAML is too slow at this size)."""
    if path.suffix == ".json":
        path.write_text(json.dumps(data), encoding="utf-8")
        return
    path.write_text(_yaml(data), encoding="utf-8")


def _scalar(value: Any) -> str:
    return json.dumps(value) if isinstance(value, str) else str(value)


def _yaml(data: dict[str, Any]) -> str:
    out: list[str] = [f"version: {data['version']}", f"name: {_scalar(data['name'])}", "roles:"]
    out += [f"  {k}: {v}" for k, v in data["roles"].items()]
    for section in ("people", "teams", "services", "scenarios"):
        out.append(f"{section}:")
        for item in data[section]:
            first = True
            for key, value in item.items():
                lead = "  - " if first else "    "
                first = False
                if isinstance(value, dict):
                    out.append(f"{lead}{key}:")
                    out += [f"      {k}: {_scalar(v)}" for k, v in value.items()]
                elif isinstance(value, list):
                    if all(isinstance(v, str) for v in value):
                        out.append(f"{lead}{key}: [{', '.join(value)}]")
                        continue
                    out.append(f"{lead}{key}:")
                    for entry in value:
                        if isinstance(entry, str):
                            out.append(f"      - {entry}")
                        else:
                            pairs = list(entry.items())
                            out.append(f"      - {pairs[0][0]}: {_scalar(pairs[0][1])}")
                            out += [f"        {k}: {_scalar(v)}" for k, v in pairs[1:]]
                else:
                    out.append(f"{lead}{key}: {_scalar(value)}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.generate N OUT [--seed S]``; ``--help`` says so."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate",
        description="Write a generated layered plan of N services to OUT (JSON when OUT ends in .json).",
    )
    parser.add_argument("count", metavar="N", type=int, help="how many services")
    parser.add_argument("target", metavar="OUT", type=Path, help="the plan file to write (.yaml or .json)")
    parser.add_argument("--seed", type=int, default=7, help="the random seed (default: 7)")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("N must be at least 1")
    write_plan(layered_plan(args.count, seed=args.seed), args.target)
    size = args.target.stat().st_size / 1e6
    print(f"wrote {args.target} ({size:.1f} MB, {args.count} services)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
