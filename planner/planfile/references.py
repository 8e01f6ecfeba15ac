"""Referential checks: ids that name nothing, self-dependencies and hard-dependency cycles."""

from __future__ import annotations

from collections.abc import Collection

from models.plan import Plan
from planner.errors import Problem, YamlPath
from planner.planfile.cycles import find_cycles
from planner.planfile.messages import did_you_mean


def check_references(plan: Plan, *, cycles: bool = True) -> list[Problem]:
    """Every referential problem of ``plan``, unlocated (paths only); ``cycles=False`` leaves
    out cycles longer than one service (for a caller whose engine run proves there are none).

    Examples
    --------
    >>> from models import Plan
    >>> plan = Plan.model_validate({"version": 1, "name": "x", "services": [
    ...     {"id": "a", "depends_on": ["db"]}, {"id": "db-primary"}]})
    >>> [p.message for p in check_references(plan)]
    ["dependency 'db' names no service; did you mean 'db-primary'?"]
    """
    services = {s.id: s for s in plan.services}
    teams = {t.id for t in plan.teams}
    people = {p.id for p in plan.people}
    scenarios = {s.id for s in plan.scenarios}
    problems: list[Problem] = []

    def ref(
        ident: str,
        known: Collection[str],
        what: str,
        path: YamlPath,
        *,
        service: str | None = None,
        dependency: str | None = None,
    ) -> None:
        if ident and ident not in known:  # empty: a stand-in for an item that failed validation
            message = f"{what} '{ident}' names no {_noun(what)}{did_you_mean(ident, set(known))}"
            problems.append(
                Problem(
                    message,
                    path,
                    "referential",
                    "unknown-reference",
                    service=service,
                    dependency=dependency,
                )
            )

    for i, service in enumerate(plan.services):
        if service.owner is not None and service.owner not in teams:
            ref(service.owner, teams, "owner", ("services", i, "owner"), service=service.id)
        seen: set[str] = set()
        for j, dep in enumerate(service.depends_on):
            target = dep.service
            if target in services and target != service.id and target not in seen:
                seen.add(target)  # the common case, kept cheap: 350,000 of them at 100,000 services
                continue
            path: YamlPath = ("services", i, "depends_on", j)
            if target == service.id:
                problems.append(
                    Problem(
                        f"service '{service.id}' depends on itself; remove this dependency",
                        path,
                        "referential",
                        "dependency-cycle",
                        service=service.id,
                        dependency=target,
                    )
                )
            elif target in seen:
                problems.append(
                    Problem(
                        f"'{service.id}' lists dependency '{target}' twice; keep one entry",
                        path,
                        "referential",
                        "unknown-reference",
                        service=service.id,
                        dependency=target,
                    )
                )
            else:
                ref(target, services, "dependency", path, service=service.id, dependency=target)
            seen.add(target)
    for i, team in enumerate(plan.teams):
        for j, member in enumerate(team.members):
            ref(member, people, "member", ("teams", i, "members", j))
        for j, person in enumerate(team.escalation):
            ref(person, people, "escalation contact", ("teams", i, "escalation", j))
    for role, person in plan.roles.assigned().items():
        ref(person, people, f"role {role}", ("roles", role))
    for i, scenario in enumerate(plan.scenarios):
        for j, failed in enumerate(scenario.failed):
            ref(failed, services, "failed service", ("scenarios", i, "failed", j))
    for i, exercise in enumerate(plan.exercises):
        if exercise.scenario:  # empty only in the stand-in for an exercise that failed validation
            ref(exercise.scenario, scenarios, "scenario", ("exercises", i, "scenario"))
    for i, wa in enumerate(plan.workarounds):
        base: YamlPath = ("workarounds", i)
        ref(wa.service, services, "service", (*base, "service"))
        ref(wa.bypasses, services, "bypassed dependency", (*base, "bypasses"))
        if wa.owner is not None:
            ref(wa.owner, teams, "owner", (*base, "owner"))
        if wa.applied_by is not None:
            ref(wa.applied_by, people, "applied_by", (*base, "applied_by"))
        bypasser = services.get(wa.service)
        if (
            bypasser is not None
            and wa.bypasses in services
            and all(d.service != wa.bypasses for d in bypasser.depends_on)
        ):
            problems.append(
                Problem(
                    f"workaround {wa.id} bypasses '{wa.bypasses}', but '{wa.service}' does not "
                    "depend on it; name one of its dependencies",
                    (*base, "bypasses"),
                    "referential",
                    "unknown-reference",
                    service=wa.service,
                    dependency=wa.bypasses,
                )
            )
    if cycles:
        problems.extend(_cycle_problems(plan))
    return problems


def _noun(what: str) -> str:
    if what in ("owner",):
        return "team"
    if what.startswith("role") or what in ("member", "escalation contact", "applied_by"):
        return "person"
    if what == "scenario":
        return "scenario"
    return "service"


def _cycle_problems(plan: Plan) -> list[Problem]:
    index = {s.id: i for i, s in enumerate(plan.services)}
    # self-dependencies are reported on their own above, so they are left out here
    edges = {
        s.id: [
            d.service for d in s.depends_on if d.kind == "hard" and d.service in index and d.service != s.id
        ]
        for s in plan.services
    }

    def soft() -> set[tuple[str, str]]:
        # hard edges to a less critical service: the natural ones to make soft
        return {
            (s.id, d.service)
            for s in plan.services
            for d in s.depends_on
            if d.hard
            and d.service in index
            and plan.services[index[d.service]].criticality.rank > s.criticality.rank
        }

    problems = []
    for cycle in find_cycles(edges, soft):
        dependent, dependency = cycle.cut
        service = plan.services[index[dependent]]
        j = next(k for k, d in enumerate(service.depends_on) if d.service == dependency)
        breaks = (
            f"it breaks {cycle.cut_breaks} of {cycle.component_cycles} cycles here"
            if cycle.component_cycles > 1
            else "it closes this cycle"
        )
        problems.append(
            Problem(
                f"hard dependencies form a cycle: {cycle.render()}; cut '{dependent} -> {dependency}' "
                f"or make it 'kind: soft' ({breaks})",
                ("services", index[dependent], "depends_on", j),
                "referential",
                "dependency-cycle",
                service=dependent,
                dependency=dependency,
                data={"cycle": list(cycle.path), "cut": list(cycle.cut)},
            )
        )
    return problems
