"""A JSON document written a part at a time is the document written whole; an audit's findings
are made in report order and written as they are made, never held."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from planner.audit.context import AuditContext
from planner.audit.findings import AuditReport, Finding, Severity
from planner.audit.registry import Rule
from planner.audit.report_formats import JSON_OPTIONS, streamed
from tests.helpers.audit_plans import base


def _whole(document: dict[str, Any]) -> bytes:
    return orjson.dumps(document, option=JSON_OPTIONS | orjson.OPT_APPEND_NEWLINE)


@pytest.mark.parametrize(
    "parts",
    [
        [],
        [[], []],
        [[{"rule": "a", "message": "one\ntwo \u202e"}]],
        [[{"a": 1}, {"b": [1, {"c": None}]}], [], [{"d": "streamed-"}]],
    ],
)
def test_a_document_streamed_is_the_document_written_whole(parts: list[list[Any]]) -> None:
    holder: list[Any] = []
    document = {"plan": "x", "runs": [{"tool": {}, "results": holder, "after": [1]}], "summary": {}}
    got = b"".join(streamed(document, holder, iter(parts)))
    holder.extend(item for part in parts for item in part)
    assert got == _whole(document)
    assert orjson.loads(got)["runs"][0]["results"] == holder


@pytest.mark.parametrize("depth", range(4))
def test_a_list_streamed_at_any_depth_is_the_list_written_whole(depth: int) -> None:
    """Each part is written in one call at its depth: the document itself, a key of it, or deeper."""
    holder: list[Any] = []
    document: Any = holder
    for level in range(depth):
        document = {"level": level, "items": document, "after": [[]]} if level % 2 else [document, {}]
    parts = [[{"a": [1, {"b": "x\ny"}], "c": {}}, [], "s"], [{"d": None}]]
    got = b"".join(streamed(document, holder, iter(parts)))
    holder.extend(item for part in parts for item in part)
    assert got == _whole(document)


def test_a_plan_naming_the_marker_does_not_confuse_it() -> None:
    holder: list[Any] = []
    document = {"plan": '"streamed-"', "findings": holder}
    got = b"".join(streamed(document, holder, iter([[{"x": 1}]])))
    assert orjson.loads(got) == {"plan": '"streamed-"', "findings": [{"x": 1}]}


# --- the findings themselves, made in report order and never held (issue 32, item 5) ---


def _random_plan(seed: int) -> dict[str, Any]:
    """Services listed out of id order, each with 0-6 dependencies (some listed twice, some
    soft, most on a hub), random RTOs, owners, verifies and runbooks; teams with and without
    escalation; open and expired workarounds; with an odd seed, unknown ids and cycles too:
    every kind of rule, several findings per service and per team."""
    import random

    rng = random.Random(seed)
    ids = [f"s{i:02d}" for i in range(40)]
    order = ids[:]
    rng.shuffle(order)
    teams = [{"id": f"t{t}", "escalation": ["ann"] * (t % 3)} for t in range(4)]
    services = []
    workarounds = []
    for sid in order:
        earlier = ids[: ids.index(sid)] or ["s01"]
        deps: list[dict[str, Any]] = []
        if sid != "s00" and rng.random() < 0.6:
            deps.append({"service": "s00"})
        for _ in range(rng.randint(0, 5)):
            dep = rng.choice(ids if seed % 2 else earlier)
            if rng.random() < 0.1 and seed % 2:
                dep = "nothing"
            if dep == sid:
                continue
            kind = rng.choice(["hard", "hard", "soft"])
            deps.append({"service": dep, "kind": kind, **({"check": "true"} if rng.random() < 0.3 else {})})
            if rng.random() < 0.2:
                deps.append(dict(deps[-1]))  # the same dependency twice
        service: dict[str, Any] = {"id": sid, "depends_on": deps}
        if rng.random() < 0.8:
            service["owner"] = rng.choice([t["id"] for t in teams])
        if rng.random() < 0.8:
            service["rto"] = f"{rng.randint(1, 6)}h"
        if rng.random() < 0.7:
            service["restore_time"] = f"{rng.randint(10, 200)}m"
        if rng.random() < 0.5:
            service["verify"] = "true"
        if rng.random() < 0.5:
            service["runbook"] = {
                "url": "https://wiki/rb",
                "reviewed": rng.choice(["2026-11-01", "2025-01-01"]),
            }
        service["criticality"] = rng.choice(["critical", "high", "low"])
        services.append(service)
        known = [d["service"] for d in deps if d["service"] != "nothing"]
        if known and rng.random() < 0.15:
            workarounds.append(
                {
                    "id": f"w{len(workarounds)}",
                    "service": sid,
                    "bypasses": rng.choice(known),
                    "description": "vendor",
                    "applied": "2026-11-01T10:00:00Z",
                    **({"expires": "2026-11-02T10:00:00Z"} if rng.random() < 0.5 else {}),
                }
            )
    return {
        "version": 1,
        "name": f"random {seed}",
        "people": [{"id": "ann"}],
        "teams": teams,
        "services": services,
        "workarounds": workarounds,
        "policy": {"rules": {"missing-rto": "error", "single-contact": "warning"}},
    }


@pytest.mark.parametrize("seed", range(6))
def test_findings_made_in_report_order_are_the_findings_sorted(seed: int, tmp_path: Path) -> None:
    """Each rule yields in report order (or has its findings sorted) and the rules are merged:
    the same findings, in the same order, as every rule's findings held and sorted."""
    import yaml

    from planner.audit import run_audit
    from planner.audit.registry import RUN_RULES
    from planner.audit.rule_runner import report_order
    from planner.planfile.loader import load_plan

    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(_random_plan(seed), sort_keys=False), encoding="utf-8")
    for scenario in (None, "all"):
        data = _random_plan(seed)
        if scenario:
            data["scenarios"] = [{"id": "all", "failed": [data["services"][0]["id"]]}]
            path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        report = run_audit(load_plan(path), _AS_OF, scenario, held=False)
        made = list(report.each())
        ctx = _context_of(report)
        held = []
        for rule in RUN_RULES:
            setting = ctx.plan.policy.rules.get(rule.id, rule.severity)
            if setting == "off" or rule.check is None:
                continue
            for finding in rule.check(ctx):
                finding.severity = Severity(setting)
                held.append(finding)
        held.sort(key=report_order)
        assert len(made) > 40
        assert [_fields(f) for f in made] == [_fields(f) for f in held]
        assert report.findings == []  # not held


_AS_OF = datetime(2026, 11, 28, tzinfo=UTC)


@pytest.mark.parametrize("seed", range(4))
def test_the_census_counts_what_each_service_says(seed: int, tmp_path: Path) -> None:
    """The one pass over the services that coverage, the checklist and the rules of a missing
    field read (:meth:`AuditContext.census`) counts what a pass of each would."""
    import yaml

    from planner.audit import run_audit
    from planner.audit.context import MISSING
    from planner.planfile.loader import load_plan

    data = _random_plan(seed)
    data["scenarios"] = [{"id": "one", "failed": [data["services"][0]["id"]]}]
    data["services"][1]["verify"] = ""  # set, yet no command
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    for scenario in (None, "one"):
        ctx = _context_of(run_audit(load_plan(path), _AS_OF, scenario, held=False))
        census, services = ctx.census(), ctx.services()
        for name in MISSING:
            assert census.missing[name] == [s for s in ctx.by_id() if getattr(s, name) is None]
        hard = [d for s in services for d in s.depends_on if d.kind == "hard" and ctx.in_scope(d.service)]
        teams = {t.id for t in ctx.plan.teams}
        assert (census.hard, census.checked) == (len(hard), sum(1 for d in hard if d.check))
        assert census.owned == sum(1 for s in services if s.owner in teams)
        assert census.verified == sum(1 for s in services if s.verify)
        assert census.with_rto == sum(1 for s in services if s.rto)
        assert census.critical == [s for s in services if s.criticality == "critical"]
        assert census.owners == {s.owner for s in services if s.owner}
        assert sum(census.reviews.values()) == sum(1 for s in services if s.runbook)
        assert ctx.scope is None or len(services) < len(ctx.plan.services)


def _context_of(report: AuditReport) -> AuditContext:
    """The audit context the report makes its findings from (kept alive with it)."""
    assert report.made is not None
    closure = report.made.__closure__
    assert closure is not None
    return next(c.cell_contents for c in closure if isinstance(c.cell_contents, AuditContext))


def _fields(f: Finding) -> tuple[Any, ...]:
    return (f.rule, f.severity, f.service, f.dependency, f.team, f.person, f.message, f.path)


def _spy(made: int, live: list[int]) -> Rule:
    """A rule that finds ``made`` unowned services, in report order, and notes how many
    findings are alive once it has made them all."""

    def check(ctx: AuditContext) -> Iterator[Finding]:
        for i in range(made):
            yield Finding("missing-owner", Severity.ERROR, f"s{i:05d} has no owner", service=f"s{i:05d}")
        live.append(sum(1 for o in gc.get_objects() if type(o) is Finding))

    return Rule("missing-owner", Severity.ERROR, "spy", "spy", check, ordered=True)


@pytest.mark.parametrize(
    "args",
    [
        ["audit", "--format", "json"],
        ["audit", "--format", "sarif"],
        ["audit"],
        ["audit", "--full"],
        ["export", "--format", "markdown"],
    ],
)
def test_the_findings_are_written_as_they_are_made_not_held(
    args: list[str], run_cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A dense plan's 2 million findings took 1 GB held: an audit writes them a part at a time
    as the rules make them (the text report keeps each rule's worst few, the runbook's outline
    the services it marks), so no more than a part is alive at once."""
    import yaml

    from planner.audit import report_text, rule_runner

    live: list[int] = []
    monkeypatch.setattr(rule_runner, "RUN_RULES", (_spy(1_000, live),))
    monkeypatch.setattr(rule_runner, "PART", 50)
    monkeypatch.setattr(report_text, "PART", 50)
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(base(), sort_keys=False), encoding="utf-8")
    more = ["--fail-on", "never"] if args[0] == "audit" else ["-o", tmp_path / "out.md"]
    result = run_cli(args[0], plan, *args[1:], *more)
    assert result.code == 0, result.err
    assert live
    assert max(live) <= 3 * 50, live  # a part or two (and the one being made), not all 1,000
    if "json" in args:
        assert len(orjson.loads(result.out)["findings"]) == 1_000
        assert orjson.loads(result.out)["summary"]["error"] == 1_000
    if args == ["audit"]:
        assert "Summary: 1000 errors, 0 warnings, 0 info (1000 findings)" in result.out
