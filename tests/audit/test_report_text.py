"""A long audit (a fresh import: hundreds of findings) is read by rule: each rule's count and its
worst findings (most critical services first), the whole list with ``--full``; JSON and SARIF
always carry every finding."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from planner.audit.report_text import LONG, WORST

AS_OF = "2026-11-28"


def _plan(tmp_path: Path, services: int) -> Path:
    """``services`` services, none with an owner, an RTO or a runbook; s007 the only critical."""
    listed = [
        {"id": f"s{i:03d}", "criticality": "critical" if i == 7 else "low", "verify": "true"}
        for i in range(services)
    ]
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "name": "fresh", "services": listed}), encoding="utf-8")
    return path


def test_a_long_audit_shows_each_rule_with_its_count_and_worst(run_cli: Any, tmp_path: Path) -> None:
    plan = _plan(tmp_path, 40)
    result = run_cli("audit", plan, "--as-of", AS_OF)
    assert result.code == 1
    assert f"findings, grouped by rule: the count of each and its worst {WORST}" in result.out
    assert "  missing-owner (40)\n    s007  " in result.out  # the critical one first
    assert f"    ... and {40 - WORST} more" in result.out
    assert "s039" not in result.out  # low, and past the worst few of every rule
    assert result.out.count("\n    s0") == 4 * WORST  # missing-owner, -rto, -restore-time, -runbook
    assert "Summary: 42 errors, 121 warnings, 0 info (163 findings)" in result.out  # every finding


def test_full_lists_every_finding(run_cli: Any, tmp_path: Path) -> None:
    plan = _plan(tmp_path, 40)
    full = run_cli("audit", plan, "--as-of", AS_OF, "--full")
    assert "grouped by rule" not in full.out
    assert all(f"  s{i:03d}\n" in full.out for i in range(40))


def test_a_short_audit_is_listed_whole(run_cli: Any, tmp_path: Path) -> None:
    plan = _plan(tmp_path, 5)  # 5 x 4 findings and a few for the plan: under LONG
    result = run_cli("audit", plan, "--as-of", AS_OF)
    assert "grouped by rule" not in result.out
    assert all(f"  s{i:03d}\n" in result.out for i in range(5))
    assert LONG >= 25


def test_json_and_sarif_carry_every_finding_whatever_the_text_shows(run_cli: Any, tmp_path: Path) -> None:
    plan = _plan(tmp_path, 40)
    for fmt, count in (
        ("json", lambda d: len(d["findings"])),
        ("sarif", lambda d: len(d["runs"][0]["results"])),
    ):
        plain = json.loads(run_cli("audit", plan, "--as-of", AS_OF, "--format", fmt).out)
        full = json.loads(run_cli("audit", plan, "--as-of", AS_OF, "--format", fmt, "--full").out)
        assert plain == full
        assert count(plain) > LONG


def test_a_grouped_audit_locates_only_the_findings_it_shows(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from planner.audit import run_audit
    from planner.audit.report_text import render_audit
    from planner.audit.rule_runner import locator
    from planner.planfile.loader import load_plan

    loaded = load_plan(_plan(tmp_path, 40))
    report = run_audit(loaded, datetime(2026, 11, 28, tzinfo=UTC), located=False)
    assert all(f.location is None for f in report.findings)
    text = render_audit(report, locate=locator(loaded))
    located = [f for f in report.findings if f.location is not None]
    counts: dict[str, int] = {}
    for f in report.findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
    assert len(located) == sum(min(WORST, n) for n in counts.values()) < len(report.findings) / 2
    assert all(f"{f.location}\n" in text for f in located)
    assert located[0].location.startswith(str(tmp_path))
