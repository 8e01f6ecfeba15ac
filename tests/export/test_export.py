"""Exports: DOT determinism and styles, rendering through dot, the missing-dot path, Mermaid
syntax line by line, and the Markdown runbook's content."""

from __future__ import annotations

import html
import random
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.plan import Plan
from planner.engine.planning import plan_recovery
from planner.engine.workarounds import open_workarounds
from planner.export.dot import render_dot
from planner.export.mermaid import escape, render_flowchart, render_gantt
from planner.export.view import build_view
from planner.planfile.loader import load_valid_plan
from tests.conftest import EXAMPLES
from tests.strategies import dag_plans, examples

PLAN = EXAMPLES / "enterprise.yaml"


def _dot(plan: Plan, scenario: str | None = None, errors: set[str] | None = None, **kw: object) -> str:
    planning = plan_recovery(plan, scenario)
    view = build_view(planning, open_workarounds(plan), errors or set(), scenario=scenario is not None, **kw)  # type: ignore[arg-type]
    return render_dot(view)


def _shuffled(plan: Plan, seed: int) -> Plan:
    rng = random.Random(seed)
    services = []
    for s in plan.services:
        deps = list(s.depends_on)
        rng.shuffle(deps)
        services.append(s.model_copy(update={"depends_on": deps}))
    rng.shuffle(services)
    teams = list(plan.teams)
    rng.shuffle(teams)
    return plan.model_copy(update={"services": services, "teams": teams})


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dag_plans(max_services=60), st.integers(0, 10**6))
def test_dot_is_byte_identical_for_a_shuffled_plan(case: tuple[Plan, list[str] | None], seed: int) -> None:
    plan, _ = case
    assert _dot(plan) == _dot(_shuffled(plan, seed))


def test_enterprise_dot_is_deterministic() -> None:
    plan = load_valid_plan(PLAN)
    for seed in range(5):
        assert _dot(plan, "storage-outage") == _dot(_shuffled(plan, seed), "storage-outage")


def _edge_line(dot: str, a: str, b: str) -> str:
    return next(line for line in dot.splitlines() if f'"{a}" -> "{b}"' in line or f"{a} -> {b}" in line)


def test_every_style_rule_is_visible() -> None:
    plan = load_valid_plan(PLAN)
    dot = _dot(plan, errors={"dns-eu-resolver"})
    assert "style=solid" in _edge_line(dot, "storage-cluster", "db-primary")  # hard, checked
    assert "style=dotted" in _edge_line(dot, "cache-redis", "app-api")  # soft
    unchecked = _edge_line(dot, "dns-internal", "api-gateway")
    assert "style=dashed" in unchecked
    assert "label=" not in unchecked  # dashed says it (and the legend): no label to float away
    bypassed = _edge_line(dot, "db-primary", "app-api")  # WA-17 is open
    assert "#cc0000" in bypassed
    assert 'label="WA-17"' in bypassed
    node = next(line for line in dot.splitlines() if line.strip().startswith('"dns-eu-resolver" ['))
    assert "peripheries=2" in node  # audit errors outlined
    assert "NO OWNER" in dot
    assert "subgraph cluster_netops" in dot  # clusters per owner team
    assert "dependency → dependent" in dot  # the legend says which way edges point
    assert 'fillcolor="#f4cccc"' in dot  # criticality colour


def test_scenario_styles_failed_impacted_degraded_and_fades_the_rest() -> None:
    plan = load_valid_plan(PLAN)
    dot = _dot(plan, "storage-outage")

    def node(s: str) -> str:
        return next(line for line in dot.splitlines() if line.strip().startswith((f'"{s}" [', f"{s} [")))

    assert 'fillcolor="#e06666"' in node("storage-cluster")
    assert 'fillcolor="#f6b26b"' in node("db-primary")
    assert 'fillcolor="#ffe599"' in node("alerting")
    assert 'fontcolor="#999999"' in node("network-core")


def test_focus_collapses_hidden_services_into_true_indirect_edges() -> None:
    plan = load_valid_plan(PLAN)
    dot = _dot(plan, focus="db-primary", depth=1)
    shown = set(re.findall(r'^\s+"?([a-z0-9-]+)"? \[label=', dot, re.M)) - {"legend"}
    assert shown == {
        "db-primary", "storage-cluster", "dns-internal", "db-replica", "sso-idp",
        "app-api", "orders-service", "payments-gateway",
    }  # fmt: skip
    # sso-idp reaches app-api only through api-gateway, which is hidden
    assert 'label="via 1 hidden"' in _edge_line(dot, "sso-idp", "app-api")
    # storage-cluster -> orders-service goes through db-primary, which is shown: no extra edge
    assert '"storage-cluster" -> "orders-service"' not in dot


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot (installed by .ci/run)")
def test_rendered_svg_contains_every_service(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "plan.svg"
    result = run_cli("export", PLAN, "--format", "svg", "-o", out)
    assert result.code == 0, result.err
    svg = html.unescape(out.read_text(encoding="utf-8"))
    assert svg.lstrip().startswith("<?xml") or "<svg" in svg[:500]
    for service in load_valid_plan(PLAN).services:
        assert f"<title>{service.id}</title>" in svg


def test_missing_dot_is_a_clear_error_and_text_formats_still_work(
    run_cli, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = run_cli("export", PLAN, "--format", "png", "-o", tmp_path / "x.png")
    assert result.code == 2
    assert "apt-get install graphviz" in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "x.png").exists()
    for fmt in ("dot", "mermaid", "gantt", "markdown"):
        ok = run_cli("export", PLAN, "--format", fmt)
        assert ok.code == 0, (fmt, ok.err)


_FLOW_LINE = [
    re.compile(r"^flowchart LR$"),
    re.compile(r"^  classDef [A-Za-z]+ [a-z-]+:[^ ;]+(,[a-z-]+:[^ ;,]+)*$"),
    re.compile(r'^  subgraph team\d+\["[^"]*"\]$'),
    re.compile(r'^    s\d+_[A-Za-z0-9_]+\["[^"]*"\]:::[a-z]+$'),
    re.compile(r"^  end$"),
    re.compile(r"^  s\d+_\w+ (-->|-\.->) s\d+_\w+$"),
    re.compile(r'^  s\d+_\w+ (-\. "[^"]*" \.->|== "[^"]*" ==>) s\d+_\w+$'),
    re.compile(r"^  linkStyle \d+ [a-z-]+:[^ ,]+(,[a-z-]+:[^ ,]+)*$"),
    re.compile(r"^  class s\d+_\w+ auditError$"),
]
_GANTT_LINE = [
    re.compile(r"^gantt$"),
    re.compile(r"^  title [^:\n]+$"),
    re.compile(r"^  dateFormat YYYY-MM-DD HH:mm:ss$"),
    re.compile(r"^  axisFormat (day %-d )?%H:%M$"),
    re.compile(r"^  section [^:\n]+$"),
    re.compile(r"^  [A-Za-z0-9._-]+ :(crit, )?(milestone, )?t\d+, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d, \d+s$"),
]


def _check_lines(text: str, grammar: list[re.Pattern[str]]) -> None:
    for line in text.rstrip("\n").split("\n"):
        assert any(p.match(line) for p in grammar), f"not valid Mermaid here: {line!r}"


def test_mermaid_flowchart_every_line_is_valid_syntax() -> None:
    plan = load_valid_plan(PLAN)
    for scenario in (None, "storage-outage"):
        planning = plan_recovery(plan, scenario)
        view = build_view(planning, open_workarounds(plan), {"app-api"}, scenario=scenario is not None)
        text = render_flowchart(view)
        _check_lines(text, _FLOW_LINE)
        assert text.count("-->") + text.count("-.->") + text.count(".->") + text.count("==>") >= len(
            view.edges
        )
    # ids referenced by edges are all declared
    declared = set(re.findall(r"^    (s\d+_\w+)\[", text, re.M))
    edge_lines = [line for line in text.splitlines() if "--" in line or "==" in line or ".->" in line]
    used = set(re.findall(r"(s\d+_\w+)", "\n".join(edge_lines)))
    assert used <= declared


def test_mermaid_gantt_every_line_is_valid_and_misses_are_crit() -> None:
    plan = load_valid_plan(PLAN)
    planning = plan_recovery(plan)
    text = render_gantt(planning)
    _check_lines(text, _GANTT_LINE)
    crit = {line.split(" :")[0].strip() for line in text.splitlines() if ":crit" in line}
    assert crit == {"secrets-vault", "ldap-directory", "sso-idp"}
    _check_lines(render_gantt(planning, by="wave"), _GANTT_LINE)


def test_mermaid_escapes_syntax_characters() -> None:
    assert escape('a "b" [c] <d> #e | f') == "a #quot;b#quot; [c] #lt;d#gt; #35;e #124; f"
    plan = Plan.model_validate(
        {"version": 1, "name": "x", "services": [{"id": "a", "name": 'Quote " <and> #hash | pipe'}]}
    )
    text = render_flowchart(build_view(plan_recovery(plan), [], set(), scenario=False))
    _check_lines(text, _FLOW_LINE)


def test_markdown_runbook_has_every_verify_contact_and_check(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("export", PLAN, "--format", "markdown")
    assert result.code == 0, result.err
    text = result.out
    plan = load_valid_plan(PLAN)
    people = {p.id: p for p in plan.people}
    teams = {t.id: t for t in plan.teams}
    for service in plan.services:
        assert f"### {service.id}" in text
        if service.verify:
            assert f"`{service.verify}`" in text
        for dep in service.depends_on:
            if dep.check:
                assert f"check `{dep.check}`" in text
        if service.owner:
            for person in teams[service.owner].escalation:
                assert (people[person].contact or "NO CONTACT") in text
    assert "**NO CHECK**" in text
    assert "Open workaround **WA-17**" in text
    assert "## Readiness checklist" in text
    assert "```mermaid\nflowchart LR" in text
    assert "```mermaid\ngantt" in text
    assert "- [Wave 1](#wave-1)" in text


def test_markdown_scenario_narrows_to_impacted(run_cli) -> None:  # type: ignore[no-untyped-def]
    text = run_cli("export", PLAN, "--format", "markdown", "--scenario", "dns-eu-outage").out
    sections = set(re.findall(r"^### (\S+)$", text, re.M))
    assert sections == {"dns-eu-resolver", "email-relay", "status-page", "service-desk"}
    assert "**Owner: NONE**" in text


def test_export_errors(run_cli) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("export", PLAN).code == 2  # --format is required
    bad = run_cli("export", PLAN, "--format", "dot", "--focus", "db-primry")
    assert bad.code == 2
    assert "did you mean 'db-primary'?" in bad.err


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot (installed by .ci/run)")
def test_names_with_dot_syntax_characters_render() -> None:
    from planner.export.dot import render_binary

    plan = Plan.model_validate(
        {
            "version": 1,
            "name": 'Plan "quoted" {braces}',
            "services": [
                {"id": "edge", "name": 'Edge "proxy" [v2] {blue}; a->b', "description": 'say "hi"'},
                {"id": "app.1", "name": "App\\ backslash", "depends_on": ["edge"]},
            ],
        }
    )
    svg = render_binary(render_dot(build_view(plan_recovery(plan), [], set(), scenario=False)), "svg")
    text = html.unescape(svg.decode("utf-8"))
    assert 'Edge "proxy" [v2] {blue}; a->b' in text
    assert "<title>app.1</title>" in text


def test_backslashes_quotes_and_newlines_in_names_stay_inside_their_labels(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        'version: 1\nname: "Plan \\\\"\nservices:\n'
        '  - {id: a, name: "Share C:\\\\data\\\\", description: "ends in \\\\"}\n'
        '  - {id: b, name: "two\\nlines \\"quoted\\"", depends_on: [a]}\n'
    )
    svg = run_cli("export", plan, "--format", "svg")
    assert svg.code == 0, svg.err
    assert svg.out.count("<title>") >= 3  # the graph and both nodes: the labels did not swallow the rest
    dot = run_cli("export", plan, "--format", "dot").out
    assert "Share C:\\\\data\\\\" in dot  # each backslash doubled: shown, not an escape
    mermaid = run_cli("export", plan, "--format", "mermaid").out
    assert "two\\x0alines" in mermaid
    assert all(not line.startswith("lines") for line in mermaid.splitlines())
    gantt = run_cli("export", plan, "--format", "gantt").out
    assert all(not line.strip().startswith("section lines") for line in gantt.splitlines())


def test_output_never_silently_replaces_a_file(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = tmp_path / "plan.yaml"
    plan.write_bytes(PLAN.read_bytes())
    out = tmp_path / "runbook.md"
    assert run_cli("export", plan, "--format", "markdown", "-o", out).code == 0
    first = out.read_text()
    again = run_cli("export", plan, "--format", "mermaid", "-o", out)
    assert again.code == 2
    assert "exists: add --force to replace it" in again.err
    assert out.read_text() == first, "the file is left as it was"
    assert run_cli("export", plan, "--format", "mermaid", "-o", out, "--force").code == 0
    onto_plan = run_cli("export", plan, "--format", "dot", "-o", plan, "--force")
    assert onto_plan.code == 2
    assert "is a file this command reads" in onto_plan.err
    assert plan.read_bytes() == PLAN.read_bytes()


def test_an_import_never_writes_over_its_own_input(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  db: {image: postgres}\n  api: {image: api, depends_on: [db]}\n")
    result = run_cli("import", "compose", compose, "-o", compose, "--force")
    assert result.code == 2
    assert "is a file this command reads" in result.err
    assert "postgres" in compose.read_text()


def test_labels_without_filler_wave_numbers_in_scenarios_and_faded_edges(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = tmp_path / "p.yaml"
    plan.write_text(
        "version: 1\nname: x\nscenarios: [{id: s, failed: [db]}]\nservices:\n"
        "  - id: db\n    rto: 1h\n  - id: app\n    depends_on: [db]\n"
        "  - id: other\n  - id: web\n    depends_on: [other]\n"
    )
    full = run_cli("export", plan, "--format", "dot").out
    assert "no RTO" not in full
    assert "RTO 1h" in full
    assert "wave" not in full.split("legend")[0], "waves belong to a scenario"
    scenario = run_cli("export", plan, "--format", "dot", "--scenario", "s").out
    assert "db\\nNO OWNER\\nRTO 1h · medium · wave 1" in scenario, "the id once (it is the name)"
    assert "app\\nNO OWNER\\nmedium · wave 2" in scenario
    faded = next(line for line in scenario.splitlines() if line.strip().startswith("other -> web"))
    assert 'color="#cccccc"' in faded
    live = next(line for line in scenario.splitlines() if line.strip().startswith("db -> app"))
    assert "#cccccc" not in live


def test_the_outline_marks_the_worst_errors_and_is_summarised_when_everywhere(
    run_cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from planner.audit.findings import Finding
    from planner.export.view import outlined

    findings = [
        Finding("missing-owner", "error", "m", service="db"),
        Finding("missing-owner", "error", "m", service="cache"),
        Finding("bypassed-check", "error", "m", service="app"),
        Finding("missing-rto", "error", "m", service="web"),
    ]
    marked, note = outlined(findings, critical={"db"}, shown=10)
    assert marked == {"db", "app"}, "an unowned critical service and an open bypass; not the rest"
    assert note == ""
    everywhere = [Finding("missing-owner", "error", "m", service=f"s{i}") for i in range(8)]
    marked, note = outlined(everywhere, critical={f"s{i}" for i in range(8)}, shown=10)
    assert marked == set()
    assert note == "8 of 10 services have serious audit errors: run planner audit"
    plan = tmp_path / "p.yaml"
    plan.write_text(
        "version: 1\nname: x\nservices:\n"
        + "".join(f"  - id: s{i}\n    criticality: critical\n" for i in range(8))
    )
    dot = run_cli("export", plan, "--format", "dot").out
    assert "8 of 8 services have serious audit errors: run planner audit" in dot
    assert "peripheries=2" not in dot
