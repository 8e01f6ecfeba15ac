"""The runbook's Components section: each component, the services it needs and uses, what the
scenario does to it and when it is projected whole again."""

from __future__ import annotations

from tests.conftest import EXAMPLES


def test_the_runbook_lists_components_with_the_scenarios_effect(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(
        "export", EXAMPLES / "enterprise.yaml", "--scenario", "dns-eu-outage", "--format", "markdown"
    )
    assert result.code == 0, result.err
    assert "- [Components](#components)" in result.out
    section = result.out.split("## Components", 1)[1].split("## Dependency diagram", 1)[0]
    assert (
        "| Checkout | public | web-frontend, app-api, orders-service, payments-gateway | email-relay "
        "| degraded | T+0:22 |" in section
    )
    assert "| IT service desk | internal | service-desk | email-relay | major outage | T+0:27 |" in section
    assert "| Login | public | sso-idp, api-gateway | - | operational | - |" in section
    assert section.count("\n| ") == 11  # the header and ten components


def test_a_plan_without_components_has_no_section(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("export", EXAMPLES / "small.yaml", "--format", "markdown")
    assert result.code == 0, result.err
    assert "Components" not in result.out
