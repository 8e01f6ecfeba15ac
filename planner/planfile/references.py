"""Referential checks: ids that name nothing, self-dependencies and hard-dependency cycles."""

from __future__ import annotations

from collections.abc import Collection

from models.plan import Plan
from planner.errors import Problem, YamlPath
from planner.planfile.cycles import find_cycles
from planner.planfile.services import service_index
from planner.suggest import Suggester


def check_references(
    plan: Plan,
    *,
    cycles: bool = True,
    partial: Collection[str] = (),
    index: dict[str, int] | None = None,
) -> list[Problem]:
    """Every referential problem of ``plan``, unlocated (paths only); ``cycles=False`` leaves
    out cycles longer than one service (for a caller whose engine run proves there are none).
    ``partial``: services whose dependencies are not all known (salvaged from structural errors):
    nothing is said that the missing ones might disprove. ``index``: each service id's place in
    ``plan.services``, when the caller has it already.

    Examples
    --------
    >>> from models import Plan
    >>> plan = Plan.model_validate({"version": 1, "name": "x", "services": [
    ...     {"id": "a", "depends_on": ["db"]}, {"id": "db-primary"}]})
    >>> [p.message for p in check_references(plan)]
    ["dependency 'db' names no service; did you mean 'db-primary'?"]
    """
    known = _Known(plan, index)
    known.partial = set(partial)
    known.check_services(plan)
    known.check_people_and_scenarios(plan)
    known.check_workarounds(plan)
    known.check_components(plan)
    if cycles and not known.in_file_order:
        known.problems.extend(_cycle_problems(plan))
    return known.problems


class _Known:
    """The plan's ids by kind, and the referential problems found so far."""

    def __init__(self, plan: Plan, index: dict[str, int] | None = None) -> None:
        if index is None:
            index = service_index(plan.services)
        self.index = index
        """Each service's place in the file (the last, for an id given twice)."""
        self.services = self.index
        """The service ids (as the keys of :attr:`index`: one index for both)."""
        self.in_file_order = len(self.index) == len(plan.services)
        """True while every hard dependency seen is defined earlier in the file than its
        dependent (ids unique): the file's order is then a restore order, and there is no
        cycle to look for (a generated or exported plan usually is in that order)."""
        self.teams = {t.id for t in plan.teams}
        self.people = {p.id for p in plan.people}
        self.scenarios = {s.id for s in plan.scenarios}
        self.problems: list[Problem] = []
        self.partial: set[str] = set()
        self._suggesters: dict[int, Suggester] = {}

    def ref(
        self,
        ident: str,
        known: Collection[str],
        what: str,
        path: YamlPath,
        *,
        service: str | None = None,
        dependency: str | None = None,
    ) -> None:
        """A problem when ``ident`` is not one of ``known`` (with the closest id)."""
        if ident and ident not in known:  # empty: a stand-in for an item that failed validation
            suggest = self._suggesters.get(id(known))
            if suggest is None:  # one index per kind of id, each unknown id worked out once
                suggest = self._suggesters[id(known)] = Suggester(known)
            hint = suggest(ident, exclude=service if what == "dependency" else None)
            message = f"{what} '{ident}' names no {_noun(what)}{hint}"
            self.problems.append(
                Problem(
                    message,
                    path,
                    "referential",
                    "unknown-reference",
                    service=service,
                    dependency=dependency,
                )
            )

    def check_services(self, plan: Plan) -> None:
        """Owners and dependencies: unknown, the service itself, or listed twice."""
        services, index, problems = self.services, self.index, self.problems
        ordered = self.in_file_order
        for i, service in enumerate(plan.services):
            if service.owner is not None and service.owner not in self.teams:
                self.ref(service.owner, self.teams, "owner", ("services", i, "owner"), service=service.id)
            seen: set[str] = set()
            for j, dep in enumerate(service.depends_on):
                target = dep.service
                at = index.get(target)
                if at is not None and target != service.id and target not in seen:
                    seen.add(target)  # the common case, kept cheap: 350,000 of them at 100,000 services
                    if at > i and ordered and dep.kind == "hard":
                        ordered = False
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
                            "duplicate-dependency",
                            service=service.id,
                            dependency=target,
                        )
                    )
                else:
                    self.ref(target, services, "dependency", path, service=service.id, dependency=target)
                seen.add(target)
        self.in_file_order = ordered

    def check_people_and_scenarios(self, plan: Plan) -> None:
        """Team members, escalation paths and roles name people; scenarios and exercises name
        services and scenarios."""
        for i, team in enumerate(plan.teams):
            for j, member in enumerate(team.members):
                self.ref(member, self.people, "member", ("teams", i, "members", j))
            for j, person in enumerate(team.escalation):
                self.ref(person, self.people, "escalation contact", ("teams", i, "escalation", j))
        for role, person in plan.roles.assigned().items():
            self.ref(person, self.people, f"role {role}", ("roles", role))
        for i, scenario in enumerate(plan.scenarios):
            for j, failed in enumerate(scenario.failed):
                self.ref(failed, self.services, "failed service", ("scenarios", i, "failed", j))
        for i, exercise in enumerate(plan.exercises):
            if exercise.scenario:  # empty only in the stand-in for an exercise that failed validation
                self.ref(exercise.scenario, self.scenarios, "scenario", ("exercises", i, "scenario"))

    def check_workarounds(self, plan: Plan) -> None:
        """A workaround names its service, a dependency of it, its owner team and who applied it."""
        services = self.services
        for i, wa in enumerate(plan.workarounds):
            base: YamlPath = ("workarounds", i)
            self.ref(wa.service, services, "service", (*base, "service"))
            self.ref(wa.bypasses, services, "bypassed dependency", (*base, "bypasses"))
            if wa.owner is not None:
                self.ref(wa.owner, self.teams, "owner", (*base, "owner"))
            if wa.applied_by is not None:
                self.ref(wa.applied_by, self.people, "applied_by", (*base, "applied_by"))
            at = services.get(wa.service)
            bypasser = None if at is None else plan.services[at]
            if (
                bypasser is not None
                and wa.service not in self.partial
                and wa.bypasses in services
                and all(d.service != wa.bypasses for d in bypasser.depends_on)
            ):
                self.problems.append(
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

    def check_components(self, plan: Plan) -> None:
        """A component's needed and used services exist, each listed once."""
        for i, component in enumerate(plan.components):
            seen: set[str] = set()
            for key in ("needs", "uses"):
                for j, target in enumerate(getattr(component, key)):
                    path: YamlPath = ("components", i, key, j)
                    if target in seen:
                        self.problems.append(
                            Problem(
                                f"component '{component.id}' lists service '{target}' twice; keep one entry "
                                "(in 'needs' if it cannot work without it, else in 'uses')",
                                path,
                                "referential",
                                "duplicate-dependency",
                                dependency=target,
                            )
                        )
                    else:
                        self.ref(target, self.services, _COMPONENT_WHAT[key], path, dependency=target)
                    seen.add(target)


_COMPONENT_WHAT = {"needs": "needed service", "uses": "used service"}


def _noun(what: str) -> str:
    if what in ("owner",):
        return "team"
    if what.startswith("role") or what in ("member", "escalation contact", "applied_by"):
        return "person"
    if what == "scenario":
        return "scenario"
    return "service"


def _cycle_problems(plan: Plan) -> list[Problem]:
    index = service_index(plan.services)
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
