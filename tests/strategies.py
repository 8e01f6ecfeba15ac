"""Hypothesis strategies for plans: random valid plans and random DAG-shaped ones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from models.plan import Plan

ids = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,11}", fullmatch=True)
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029"),
    max_size=30,
)
COMMANDS = st.sampled_from(
    ["pg_isready -h db1", "curl -fsS http://127.0.0.1/healthz", "systemctl is-active x"]
)
"""Check and verify commands for generated plans (never run: tests that run one run ``true``)."""
durations = st.integers(min_value=0, max_value=7 * 86400).map(lambda s: timedelta(seconds=s))
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))
datetimes = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)).map(
    lambda d: d.replace(microsecond=0, tzinfo=UTC)
)


@st.composite
def plans(draw: st.DrawFn, max_services: int = 12) -> Plan:
    """A referentially valid plan with random content in every section."""
    people = draw(st.lists(ids, unique=True, max_size=5))
    team_ids = draw(st.lists(ids, unique=True, max_size=4))
    service_ids = draw(st.lists(ids, unique=True, min_size=1, max_size=max_services))
    data: dict[str, Any] = {"version": 1, "name": draw(text.filter(str.strip))}
    data["policy"] = {
        "runbook_review_days": draw(st.integers(1, 400)),
        "update_cadence": draw(durations),
        "default_team_capacity": draw(st.integers(1, 5)),
        "rules": draw(
            st.dictionaries(
                st.sampled_from(["missing-rto", "single-contact"]),
                st.sampled_from(["error", "warning", "info", "off"]),
            )
        ),
    }
    data["people"] = [
        {"id": p, "name": draw(st.none() | text), "contact": draw(st.none() | text)} for p in people
    ]
    data["teams"] = [
        {
            "id": t,
            "members": draw(st.lists(st.sampled_from(people), unique=True)) if people else [],
            "escalation": draw(st.lists(st.sampled_from(people), unique=True)) if people else [],
            "escalation_tested": draw(st.none() | dates),
            "capacity": draw(st.none() | st.integers(1, 4)),
        }
        for t in team_ids
    ]
    services = []
    for index, sid in enumerate(service_ids):
        earlier = service_ids[:index]
        deps = draw(st.lists(st.sampled_from(earlier), unique=True, max_size=3)) if earlier else []
        services.append(
            {
                "id": sid,
                "name": draw(st.none() | text),
                "owner": draw(st.none() | st.sampled_from(team_ids)) if team_ids else None,
                "criticality": draw(st.sampled_from(["critical", "high", "medium", "low"])),
                "rto": draw(st.none() | durations),
                "restore_time": draw(st.none() | durations),
                "restart_time": draw(durations),
                "verify": draw(st.none() | text),
                "runbook": draw(
                    st.none() | st.builds(lambda u, r: {"url": u, "reviewed": r}, text, st.none() | dates)
                ),
                "depends_on": [
                    {
                        "service": d,
                        "check": draw(st.none() | text),
                        "kind": draw(st.sampled_from(["hard", "soft"])),
                    }
                    for d in deps
                ],
                "tags": draw(st.lists(text, max_size=2)),
            }
        )
    data["services"] = services
    if people:
        data["roles"] = {"incident_commander": draw(st.sampled_from(people))}
    data["scenarios"] = [
        {"id": f"s{i}", "failed": draw(st.lists(st.sampled_from(service_ids), min_size=1, unique=True))}
        for i in range(draw(st.integers(0, 2)))
    ]
    with_deps = [s for s in services if s["depends_on"]]
    if with_deps:
        target = draw(st.sampled_from(with_deps))
        data["workarounds"] = [
            {
                "id": "WA-1",
                "service": target["id"],
                "bypasses": target["depends_on"][0]["service"],
                "description": draw(text),
                "applied": draw(datetimes),
                "expires": draw(st.none() | datetimes),
            }
        ]
    return Plan.model_validate(data)


@st.composite
def dag_plans(draw: st.DrawFn, max_services: int = 150) -> tuple[Plan, list[str] | None]:
    """A random DAG plan (layered by index) with random teams, capacities, durations and RTOs,
    and a random scenario: None for the full outage, or a list of failed services."""
    n = draw(st.integers(1, max_services))
    team_count = draw(st.integers(1, 6))
    teams = [{"id": f"t{i}", "capacity": draw(st.integers(1, 4))} for i in range(team_count)]
    services: list[dict[str, Any]] = []
    for i in range(n):
        deps: list[dict[str, Any]] = []
        if i:
            count = draw(st.integers(0, min(4, i)))
            picks = draw(st.lists(st.integers(0, i - 1), min_size=count, max_size=count, unique=True))
            deps = [
                {
                    "service": f"s{j}",
                    "kind": draw(st.sampled_from(["hard", "hard", "hard", "soft"])),
                    "check": draw(st.none() | COMMANDS),
                }
                for j in picks
            ]
        services.append(
            {
                "id": f"s{i}",
                "owner": draw(st.none() | st.sampled_from([t["id"] for t in teams])),
                "criticality": draw(st.sampled_from(["critical", "high", "medium", "low"])),
                "rto": draw(st.none() | st.integers(1, 600).map(lambda m: f"{m}m")),
                "restore_time": draw(st.none() | st.integers(0, 90).map(lambda m: f"{m}m")),
                "restart_time": draw(st.integers(0, 20).map(lambda m: f"{m}m")),
                "verify": draw(st.none() | COMMANDS),
                "depends_on": deps,
            }
        )
    plan = Plan.model_validate(
        {
            "version": 1,
            "name": "random",
            "policy": {"default_team_capacity": draw(st.integers(1, 3))},
            "teams": teams,
            "services": services,
        }
    )
    failed = draw(
        st.none()
        | st.lists(st.sampled_from([s["id"] for s in services]), min_size=1, max_size=5, unique=True)
    )
    return plan, failed
