"""Hypothesis strategies for plans: random valid plans and random DAG-shaped ones; and how deep
the active hypothesis profile goes (the profiles are registered in ``tests/conftest.py``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from models.plan import Plan


def depth() -> int:
    """How many times the fast default the active hypothesis profile runs: 1 under ``ci`` (100
    examples a test), 10 under ``deep`` (1,000).

    Examples
    --------
    >>> depth() >= 1
    True
    """
    return max(1, settings().max_examples // 100)


def examples(n: int) -> int:
    """``max_examples`` for a test that needs ``n`` under the fast default, scaled with the active
    profile, so ``--hypothesis-profile=deep`` goes deeper there too.

    Examples
    --------
    >>> examples(60) == 60 * depth()
    True
    """
    return n * depth()


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


_CRITICALITY = st.sampled_from(["critical", "high", "medium", "low"])
_MAYBE_COMMAND = st.none() | COMMANDS
_DEPENDENCY = st.tuples(
    st.integers(0, 2**16), st.sampled_from(["hard", "hard", "hard", "soft"]), _MAYBE_COMMAND
)
"""One dependency of a DAG service: which earlier service (modulo its index), kind, check."""
_DAG_SERVICE = st.tuples(
    st.none() | st.integers(0, 5),  # owner: a team by index (modulo the number of teams)
    _CRITICALITY,
    st.none() | st.integers(1, 600),  # rto, minutes
    st.none() | st.integers(0, 90),  # restore_time, minutes
    st.integers(0, 20),  # restart_time, minutes
    _MAYBE_COMMAND,  # verify
    st.lists(_DEPENDENCY, max_size=4),
)
"""Everything random about one DAG service, drawn as one tuple: strategies built once here, not
per service (building a strategy per draw made generation, not planning, most of a test's time)."""


SMALL = 30
"""The size of a typical :func:`dag_plans` plan."""


@st.composite
def dag_plans(draw: st.DrawFn, max_services: int = 150) -> tuple[Plan, list[str] | None]:
    """A random DAG plan (layered by index) with random teams, capacities, durations and RTOs,
    and a random scenario: None for the full outage, or a list of failed services.

    Most plans have up to ``SMALL`` services; one in ten (one in two under the deep profile) is
    drawn from the whole range up to ``max_services``. Small plans already hold every shape the
    properties check (waves, contention for a team, chains of RTO misses) and cost a fraction.
    """
    large = draw(st.integers(0, 9 if depth() == 1 else 1)) == 1  # shrinks towards a small plan
    n = draw(st.integers(1, max_services if large else min(max_services, SMALL)))
    capacities = draw(st.lists(st.integers(1, 4), min_size=1, max_size=6))
    teams = [{"id": f"t{i}", "capacity": c} for i, c in enumerate(capacities)]
    drawn = draw(st.lists(_DAG_SERVICE, min_size=n, max_size=n))
    services: list[dict[str, Any]] = []
    for i, (owner, criticality, rto, restore, restart, verify, dependencies) in enumerate(drawn):
        deps: dict[int, dict[str, Any]] = {}
        for pick, kind, check in dependencies if i else []:
            deps.setdefault(pick % i, {"service": f"s{pick % i}", "kind": kind, "check": check})
        services.append(
            {
                "id": f"s{i}",
                "owner": None if owner is None else teams[owner % len(teams)]["id"],
                "criticality": criticality,
                "rto": None if rto is None else f"{rto}m",
                "restore_time": None if restore is None else f"{restore}m",
                "restart_time": f"{restart}m",
                "verify": verify,
                "depends_on": list(deps.values()),
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
