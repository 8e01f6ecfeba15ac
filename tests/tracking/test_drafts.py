"""Stakeholder drafts by audience: a customer update names public components and nothing
internal (over generated incident states, on a plan whose internal names are distinctive);
an executive update's counts are right; internal updates name services, teams and components."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from models.plan import Plan
from planner.tracking.domain.components import component_views
from planner.tracking.domain.opening import initial_state
from planner.tracking.domain.outline import outline_of
from planner.tracking.domain.state import CheckState, MemoryView, TaskState, WorkaroundRow
from planner.tracking.reports.drafting import draft_update
from planner.tracking.reports.progress import project
from tests.strategies import examples

START = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)

SERVICES = ["zz-secret-ldap-7f3", "zz-db-91x", "zz-api-4q", "zz-web-8m", "zz-search-2k"]
PLAN = Plan.model_validate(
    {
        "version": 1,
        "name": "Qx Plan Nimbus",
        "people": [{"id": "pat-x", "name": "Pat Xyzzy", "contact": "pat.xyzzy@zz.example"}],
        "teams": [
            {"id": "qq-team-x", "name": "Team Quokka", "members": ["pat-x"], "escalation": ["pat-x"]},
            {"id": "qq-team-y", "name": "Team Yarrow", "capacity": 2},
        ],
        "roles": {"incident_commander": "pat-x", "communications_lead": "pat-x"},
        "services": [
            {
                "id": "zz-secret-ldap-7f3",
                "name": "Qx Directory Vault",
                "owner": "qq-team-x",
                "restore_time": "20m",
                "verify": "zz-verify-cmd --deep",
            },
            {
                "id": "zz-db-91x",
                "name": "Qx Ledger Store",
                "owner": "qq-team-y",
                "restore_time": "30m",
                "depends_on": [{"service": "zz-secret-ldap-7f3", "check": "zz-check-cmd ldap"}],
            },
            {"id": "zz-api-4q", "name": "Qx Gateway", "restore_time": "5m", "depends_on": ["zz-db-91x"]},
            {
                "id": "zz-web-8m",
                "name": "Qx Frontdoor",
                "owner": "qq-team-x",
                "restore_time": "5m",
                "depends_on": ["zz-api-4q", {"service": "zz-search-2k", "kind": "soft"}],
            },
            {"id": "zz-search-2k", "name": "Qx Finder Index", "owner": "qq-team-y", "restore_time": "15m"},
        ],
        "scenarios": [{"id": "zz-scn", "name": "Qx Scenario Omega", "failed": ["zz-secret-ldap-7f3"]}],
        "components": [
            {
                "id": "checkout",
                "name": "Checkout",
                "audience": "public",
                "needs": ["zz-web-8m", "zz-api-4q"],
                "uses": ["zz-search-2k"],
            },
            {"id": "login", "name": "Login", "audience": "public", "needs": ["zz-secret-ldap-7f3"]},
            {"id": "zz-wiki-comp", "name": "Qx Internal Wiki Zeta", "needs": ["zz-db-91x"]},
        ],
    }
)
INTERNAL_WORDS = ("zz-", "qq-", "qx", "xyzzy", "quokka", "yarrow", "zeta", "pat-x", "nimbus", "omega")
"""Every service id and name, team, person, check, verify command, internal component, scenario,
plan name and workaround reason of PLAN (and of the states below) holds one of these."""


def started(failed: list[str], plan: Plan = PLAN) -> MemoryView:
    state, _ = initial_state(
        plan,
        "h",
        "INC-1",
        scenario=None,
        failed=failed,
        title="Qx Title",
        exercise=False,
        actor="pat-x",
        at=START,
    )
    return state


def drafts(state: MemoryView, now: datetime, plan: Plan = PLAN) -> dict[str, str]:
    outline = outline_of(state)
    projection = project(outline, now)
    views = component_views(plan, outline, projection, now)
    return {
        a: draft_update(outline, projection, now, a, components=views)
        for a in ("customer", "executive", "technical")
    }


@st.composite
def incident_states(draw: st.DrawFn) -> tuple[MemoryView, datetime]:
    """Any mix of failed services, task states, check states, open workarounds, at any time."""
    failed = draw(st.lists(st.sampled_from(SERVICES), min_size=1, unique=True))
    state = started(failed)
    minutes = draw(st.integers(0, 600))
    now = START + timedelta(minutes=minutes)
    for task in state.tasks.values():
        task.state = draw(st.sampled_from(list(TaskState)))
        if task.state == TaskState.RESTORING:
            task.begun = START + timedelta(minutes=draw(st.integers(0, minutes)))
        elif task.state == TaskState.RESTORED:
            task.restored = START + timedelta(minutes=draw(st.integers(0, minutes)))
    for check in state.check_rows.values():
        check.state = draw(st.sampled_from(list(CheckState)))
        check.observed = "zz-output exit 3"
    if draw(st.booleans()) and state.check_rows:
        (service, dependency) = next(iter(state.check_rows))
        state.wa_rows["INC-1-WA1"] = WorkaroundRow(
            "INC-1-WA1", "INC-1", service, dependency, "qx reason", "pat-x", START, None, "qq-team-x"
        )
    return state, now


@settings(max_examples=examples(50), deadline=None)
@given(incident_states())
def test_a_customer_draft_never_names_anything_internal(case: tuple[MemoryView, datetime]) -> None:
    state, now = case
    customer = drafts(state, now)["customer"].casefold()
    leaked = [w for w in INTERNAL_WORDS if w in customer]
    assert not leaked, (leaked, customer)
    internal = drafts(state, now)["technical"].casefold()
    assert any(w in internal for w in INTERNAL_WORDS), "the technical draft names what it is about"


@settings(max_examples=examples(50), deadline=None)
@given(incident_states())
def test_executive_counts_are_right(case: tuple[MemoryView, datetime]) -> None:
    state, now = case
    text = drafts(state, now)["executive"]
    restoring = [t for t in state.tasks.values() if t.state == TaskState.RESTORING]
    (action,) = [line for line in text.splitlines() if line.startswith("Actions:")]
    assert "0 services being restored" not in action
    assert "0 teams" not in action
    if restoring:
        teams = {t.owner for t in restoring if t.owner}
        unowned = sum(1 for t in restoring if t.owner is None)
        word = "service" if len(restoring) == 1 else "services"
        assert action.startswith(f"Actions: {len(restoring)} {word} being restored (")
        assert (f"{len(teams)} team" in action) == bool(teams)
        assert (f"{unowned} with no owner team" in action) == bool(unowned)


def test_executive_actions_case_by_case() -> None:
    state = started(["zz-secret-ldap-7f3", "zz-search-2k"])
    action = next(x for x in drafts(state, START)["executive"].splitlines() if x.startswith("Actions:"))
    # ldap and search have nothing impacted under them; db, api, web wait on them
    assert action == "Actions: no restoration under way; 2 services can start now, 3 waiting on dependencies."
    state.tasks["zz-secret-ldap-7f3"].state = TaskState.RESTORING
    state.tasks["zz-secret-ldap-7f3"].begun = START
    action = next(x for x in drafts(state, START)["executive"].splitlines() if x.startswith("Actions:"))
    assert action == "Actions: 1 service being restored (1 team)."
    state.tasks["zz-api-4q"].state = TaskState.RESTORING  # no owner
    state.tasks["zz-search-2k"].state = TaskState.RESTORING
    action = next(x for x in drafts(state, START)["executive"].splitlines() if x.startswith("Actions:"))
    assert action == "Actions: 3 services being restored (2 teams, 1 with no owner team)."
    for task in state.tasks.values():
        task.state, task.restored = TaskState.RESTORED, START
    action = next(x for x in drafts(state, START)["executive"].splitlines() if x.startswith("Actions:"))
    assert action == "Actions: none needed: every impacted service is restored."
    assert "Components: all 3 operational." in drafts(state, START)["executive"]
    assert "Service has been restored." in drafts(state, START)["customer"]


def test_the_customer_draft_gives_each_public_component_and_its_eta() -> None:
    state = started(["zz-secret-ldap-7f3", "zz-search-2k"])
    customer = drafts(state, START)["customer"]
    assert "We are experiencing a disruption affecting Checkout and Login." in customer
    assert "- Checkout: unavailable; we expect it back by about " in customer
    assert "- Login: unavailable; we expect it back by about 02:20 UTC." in customer
    state.tasks["zz-secret-ldap-7f3"].state = TaskState.RESTORED
    state.tasks["zz-secret-ldap-7f3"].restored = START
    customer = drafts(state, START)["customer"]
    assert "Login is working normally." in customer
    for name in ("zz-db-91x", "zz-api-4q", "zz-web-8m"):
        state.tasks[name].state = TaskState.RESTORED
    customer = drafts(state, START)["customer"]
    assert (
        "- Checkout: slower than usual or missing some features; we expect it back by about 02:15 UTC."
        in customer
    )
    executive = drafts(state, START)["executive"]
    assert "Components: 1 of 3 affected: Checkout (public) degraded, back by about 02:15 UTC." in executive


def test_without_public_components_the_customer_draft_names_nothing() -> None:
    plan = PLAN.model_copy(update={"components": [c for c in PLAN.components if c.audience != "public"]})
    state = started(["zz-db-91x"], plan)
    customer = drafts(state, START, plan)["customer"]
    assert "We are experiencing a disruption to some of our services." in customer
    assert "We expect full recovery by about 02:30 UTC." in customer
    assert not [w for w in INTERNAL_WORDS if w in customer.casefold()]
