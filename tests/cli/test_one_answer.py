"""One answer everywhere: the same count of critical services in impact and the audit, a
suggestion for a mistyped id whatever its case, --scenario for impact, the accepted forms of
--as-of, and grammar that does not say "1 workarounds" or "payments's"."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from planner.style import plural, possessive

EXAMPLES = Path(__file__).parents[2] / "examples"
SMALL = str(EXAMPLES / "small.yaml")
ENTERPRISE = str(EXAMPLES / "enterprise.yaml")


def test_single_point_of_failure_counts_critical_services_as_impact_does(run_cli: Any) -> None:
    audit = run_cli("audit", SMALL, "--format", "json")
    spof = next(f for f in json.loads(audit.out)["findings"] if f["rule"] == "single-point-of-failure")
    said = re.search(r"takes down (\d+) of the (\d+) critical", spof["message"])
    assert said is not None
    impact = json.loads(run_cli("impact", SMALL, spof["service"], "--format", "json").out)
    plan_critical = run_cli("impact", SMALL, spof["service"]).out
    critical_down = int(re.search(r"\((\d+) critical\)", plan_critical).group(1))  # type: ignore[union-attr]
    assert int(said.group(1)) == critical_down
    assert impact


@pytest.mark.parametrize(
    "command",
    [
        ["schedule", SMALL, "--failed", "DNS"],
        ["order", SMALL, "--failed", "Dns"],
        ["impact", SMALL, "DNS"],
        ["export", SMALL, "--format", "mermaid", "--failed", "DNS"],
    ],
)
def test_a_mistyped_service_gets_its_nearest_id_in_any_case(command: list[str], run_cli: Any) -> None:
    result = run_cli(*command)
    assert result.code == 2
    assert "did you mean 'dns'?" in result.err


def test_impact_takes_a_scenario(run_cli: Any) -> None:
    by_scenario = run_cli("impact", ENTERPRISE, "--scenario", "storage-outage", "--format", "json")
    by_service = run_cli("impact", ENTERPRISE, "storage-cluster", "--format", "json")
    assert by_scenario.code == 0
    assert json.loads(by_scenario.out)["impacted"] == json.loads(by_service.out)["impacted"]
    neither = run_cli("impact", ENTERPRISE)
    assert neither.code == 2
    assert "--scenario" in neither.err


@pytest.mark.parametrize("value", ["today", "tomorrow", "yesterday", "+30d", "+2w", "2027-01-15"])
def test_as_of_takes_days_in_words(value: str, run_cli: Any) -> None:
    assert run_cli("audit", SMALL, "--as-of", value).code in {0, 1}


@pytest.mark.parametrize("value", ["next-week", "2026-13-01", "01/02/2027"])
def test_as_of_says_the_forms_it_takes(value: str, run_cli: Any) -> None:
    result = run_cli("audit", SMALL, "--as-of", value)
    assert result.code == 2
    assert "YYYY-MM-DD" in result.err
    assert "tomorrow" in result.err


def test_grammar(run_cli: Any, tmp_path: Path) -> None:
    assert (plural(1, "workaround"), plural(2, "workaround")) == ("1 workaround", "2 workarounds")
    assert (possessive("payments"), possessive("db")) == ("payments'", "db's")
    plan = tmp_path / "p.yaml"
    plan.write_text(
        "version: 1\nname: x\npeople: [{id: ann}]\nteams: [{id: payments, escalation: [ann]}]\n"
        "services:\n  - id: a\n    owner: payments\n"
    )
    out = run_cli("validate", plan).out
    assert "1 service, 1 team, 1 person, 0 dependencies" in out
    assert "0 workarounds" in out
    audit = run_cli("audit", plan).out
    assert "payments's" not in audit
    assert "payments' escalation path" in audit
