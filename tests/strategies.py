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


_ID_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789"
ids = st.builds(
    str.__add__, st.sampled_from(_ID_CHARACTERS), st.text(alphabet=_ID_CHARACTERS + "._-", max_size=11)
)
"""Ids as ``[a-z0-9][a-z0-9._-]{0,11}``, built from their characters (cheaper to draw than ``from_regex``)."""
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

# The strategies a plan draws many times, built once (building one per draw cost more than drawing).
_CRITICALITY = st.sampled_from(["critical", "high", "medium", "low"])
_MAYBE_TEXT = st.none() | text
_MAYBE_DURATION = st.none() | durations
_PICK = st.integers(0, 2**16)
"""An earlier item, modulo the number of earlier items (a strategy that does not depend on it)."""
_TEAM = st.tuples(st.none() | dates, st.none() | st.integers(1, 4))
_SERVICE = st.tuples(
    st.none() | st.integers(0, 3),  # owner: a team by index (modulo the number of teams)
    _MAYBE_TEXT,  # name
    _CRITICALITY,
    _MAYBE_DURATION,  # rto
    _MAYBE_DURATION,  # restore_time
    durations,  # restart_time
    _MAYBE_TEXT,  # verify
    st.none() | st.builds(lambda u, r: {"url": u, "reviewed": r}, text, st.none() | dates),  # runbook
    st.lists(st.tuples(_PICK, _MAYBE_TEXT, st.sampled_from(["hard", "soft"])), max_size=3),  # depends_on
    st.lists(text, max_size=2),  # tags
)
_POLICY = st.fixed_dictionaries(
    {
        "runbook_review_days": st.integers(1, 400),
        "update_cadence": durations,
        "default_team_capacity": st.integers(1, 5),
        "rules": st.dictionaries(
            st.sampled_from(["missing-rto", "single-contact"]),
            st.sampled_from(["error", "warning", "info", "off"]),
        ),
    }
)


def _earlier(picks: list[Any], index: int) -> dict[int, Any]:
    """Each earlier item ``pick % index`` once (the first pick of it), keyed by its index."""
    found: dict[int, Any] = {}
    for pick, *rest in picks if index else []:
        found.setdefault(pick % index, rest)
    return found


@st.composite
def plans(draw: st.DrawFn, max_services: int = 12) -> Plan:
    """A referentially valid plan with random content in every section."""
    people = draw(st.lists(ids, unique=True, max_size=5))
    team_ids = draw(st.lists(ids, unique=True, max_size=4))
    service_ids = draw(st.lists(ids, unique=True, min_size=1, max_size=max_services))
    data: dict[str, Any] = {"version": 1, "name": draw(text.filter(str.strip)), "policy": draw(_POLICY)}
    data["people"] = [{"id": p, "name": draw(_MAYBE_TEXT), "contact": draw(_MAYBE_TEXT)} for p in people]
    some_people = st.lists(st.sampled_from(people), unique=True) if people else st.just([])
    data["teams"] = [
        {
            "id": t,
            "members": draw(some_people),
            "escalation": draw(some_people),
            "escalation_tested": tested,
            "capacity": capacity,
        }
        for t in team_ids
        for tested, capacity in [draw(_TEAM)]
    ]
    drawn = draw(st.lists(_SERVICE, min_size=len(service_ids), max_size=len(service_ids)))
    services = []
    for index, (sid, fields) in enumerate(zip(service_ids, drawn, strict=True)):
        owner, name, criticality, rto, restore, restart, verify, runbook, picks, tags = fields
        services.append(
            {
                "id": sid,
                "name": name,
                "owner": team_ids[owner % len(team_ids)] if team_ids and owner is not None else None,
                "criticality": criticality,
                "rto": rto,
                "restore_time": restore,
                "restart_time": restart,
                "verify": verify,
                "runbook": runbook,
                "depends_on": [
                    {"service": service_ids[j], "check": check, "kind": kind}
                    for j, (check, kind) in _earlier(picks, index).items()
                ],
                "tags": tags,
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


_MAYBE_COMMAND = st.none() | COMMANDS
_DAG_SERVICE = st.tuples(
    st.none() | st.integers(0, 5),  # owner: a team by index (modulo the number of teams)
    _CRITICALITY,
    st.none() | st.integers(1, 600),  # rto, minutes
    st.none() | st.integers(0, 90),  # restore_time, minutes
    st.integers(0, 20),  # restart_time, minutes
    _MAYBE_COMMAND,  # verify
    st.lists(st.tuples(_PICK, st.sampled_from(["hard", "hard", "hard", "soft"]), _MAYBE_COMMAND), max_size=4),
)
"""Everything random about one DAG service: owner, criticality, times, verify and dependencies."""


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
        services.append(
            {
                "id": f"s{i}",
                "owner": None if owner is None else teams[owner % len(teams)]["id"],
                "criticality": criticality,
                "rto": None if rto is None else f"{rto}m",
                "restore_time": None if restore is None else f"{restore}m",
                "restart_time": f"{restart}m",
                "verify": verify,
                "depends_on": [
                    {"service": f"s{j}", "kind": kind, "check": check}
                    for j, (kind, check) in _earlier(dependencies, i).items()
                ],
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
