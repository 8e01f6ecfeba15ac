"""Backstage catalog entities to a plan.

Component, Resource, System and API entities become services; Groups become teams and Users
people. ``spec.owner`` gives the owner team, ``spec.dependsOn`` hard dependencies (entity refs
resolved the way Backstage resolves them: ``[kind:][namespace/]name``, the namespace defaulting to
the referring entity's), ``consumesApis`` a dependency on each API's providers. Location entities
are followed, relative to their file. Each System with parts also becomes a proposed component
(:mod:`planner.importers.backstage_systems`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml.comments import CommentedMap

from planner.engine.graph import depths
from planner.importers.backstage_systems import proposed_components
from planner.importers.emit import document, flow, mapping, note, sequence
from planner.importers.reading import kind_of, read_import_text, refuse_surrogates, yaml_errors

SERVICE_KINDS = ("component", "resource", "system", "api")


@dataclass
class Entity:
    """One catalog entity and where it was read."""

    kind: str
    namespace: str
    name: str
    data: dict[str, Any]
    file: str
    line: int

    @property
    def ref(self) -> str:
        """``kind:namespace/name``, lower case, as Backstage writes refs."""
        return f"{self.kind}:{self.namespace}/{self.name}".lower()

    @property
    def spec(self) -> dict[str, Any]:
        """The entity's spec (empty when absent)."""
        spec = self.data.get("spec")
        return spec if isinstance(spec, dict) else {}

    def refs(self, key: str) -> list[str]:
        """The entity refs listed under ``spec.KEY`` (none unless it is a list: see
        :data:`REF_LISTS`, checked when the entity is read)."""
        value = self.spec.get(key)
        return [str(v) for v in value if v is not None] if isinstance(value, list) else []


REF_LISTS = ("dependsOn", "consumesApis", "providesApis", "members", "memberOf")
"""The spec fields the importer reads that Backstage defines as lists of entity refs."""


@dataclass
class Catalog:
    """Every entity read, by ref, with the problems met on the way."""

    entities: dict[str, Entity] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def parse_ref(ref: str, default_kind: str, default_namespace: str) -> str:
    """A full ``kind:namespace/name`` ref.

    Examples
    --------
    >>> parse_ref("resource:pgdb", "component", "default")
    'resource:default/pgdb'
    >>> parse_ref("user:guest", "group", "default")
    'user:default/guest'
    >>> parse_ref("other/team-a", "group", "default")
    'group:other/team-a'
    """
    kind, _, rest = ref.rpartition(":") if ":" in ref else (default_kind, "", ref)
    namespace, _, name = rest.rpartition("/") if "/" in rest else (default_namespace, "", rest)
    return f"{kind or default_kind}:{namespace or default_namespace}/{name}".lower()


def _documents(path: Path) -> tuple[list[yaml.Node], list[Any]]:
    """A catalog file's YAML documents: nodes (for line numbers) and values."""
    text = read_import_text(path, "a catalog file")
    with yaml_errors(text, str(path)):
        docs = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
        values = list(yaml.safe_load_all(text))
    refuse_surrogates(text, values, str(path))
    return docs, values


def read_catalog(files: list[Path]) -> Catalog:
    """Read entity files (multi-document YAML), following Location targets."""
    catalog = Catalog()
    seen: set[Path] = set()
    queue = list(files)
    while queue:
        path = queue.pop(0)
        resolved = path.resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        docs, values = _documents(path)
        for node, data in zip(docs, values, strict=False):
            if not isinstance(data, dict):
                continue
            line = node.start_mark.line + 1 if node is not None else 1
            kind = str(data.get("kind", "")).lower()
            meta: dict[str, Any] = data["metadata"] if isinstance(data.get("metadata"), dict) else {}
            name = meta.get("name")
            if not kind or not name:
                catalog.problems.append(f"{path}:{line}: entity without kind or metadata.name, skipped")
                continue
            if kind == "location":
                spec: dict[str, Any] = data["spec"] if isinstance(data.get("spec"), dict) else {}
                listed = spec.get("targets") or []
                if not isinstance(listed, list):
                    catalog.problems.append(f"{path}:{line}: Location targets must be a list, skipped")
                    listed = []
                targets = [*listed, *([spec["target"]] if spec.get("target") else [])]
                for target in targets:
                    if "://" in str(target):
                        catalog.problems.append(
                            f"{path}:{line}: remote location target {target} not followed"
                        )
                    else:
                        queue.append(path.parent / str(target))
                continue
            entity = Entity(kind, str(meta.get("namespace") or "default"), str(name), data, str(path), line)
            catalog.entities[entity.ref] = entity
            for key in REF_LISTS:
                if entity.spec.get(key) is not None and not isinstance(entity.spec[key], list):
                    catalog.problems.append(
                        f"{path}:{line}: {entity.ref}: spec.{key} must be a list of entity refs, "
                        f"not {kind_of(entity.spec[key])}; ignored"
                    )
    return catalog


def _service_ids(catalog: Catalog) -> dict[str, str]:
    """A plan id per service entity: its name, with the namespace when not default, and with the
    kind when two kinds share a name (a Component and the API it provides often do)."""
    services = [e for e in catalog.entities.values() if e.kind in SERVICE_KINDS]
    base = {e.ref: e.name if e.namespace == "default" else f"{e.namespace}.{e.name}" for e in services}
    counts: dict[str, int] = {}
    for value in base.values():
        counts[value] = counts.get(value, 0) + 1
    return {
        ref: (
            value
            if counts[value] == 1 or catalog.entities[ref].kind == "component"
            else f"{value}.{catalog.entities[ref].kind}"
        )
        for ref, value in base.items()
    }


def _members(
    groups: dict[str, Entity], users: dict[str, Entity], person_id: dict[str, str]
) -> dict[str, set[str]]:
    """Each group's members as person ids, from the group's ``members`` and each user's
    ``memberOf`` (a catalog may say it either way)."""
    members: dict[str, set[str]] = {ref: set() for ref in groups}
    for ref, group in groups.items():
        for member in group.refs("members"):
            target = parse_ref(member, "user", group.namespace)
            if target in users:
                members[ref].add(person_id[target])
    for ref, user in users.items():
        for group_ref in user.refs("memberOf"):
            target = parse_ref(group_ref, "group", user.namespace)
            if target in members:
                members[target].add(person_id[ref])
    return members


def to_plan_yaml(catalog: Catalog, name: str) -> tuple[str, list[str]]:
    """The plan as YAML text with comments, and what was reported along the way."""
    ids = _service_ids(catalog)
    warnings = list(catalog.problems)
    groups = {ref: e for ref, e in catalog.entities.items() if e.kind == "group"}
    users = {ref: e for ref, e in catalog.entities.items() if e.kind == "user"}
    team_id = {
        ref: e.name if e.namespace == "default" else f"{e.namespace}.{e.name}" for ref, e in groups.items()
    }
    person_id = {
        ref: e.name if e.namespace == "default" else f"{e.namespace}.{e.name}" for ref, e in users.items()
    }
    members = _members(groups, users, person_id)
    providers: dict[str, list[str]] = {}
    for ref, e in catalog.entities.items():
        for api in e.refs("providesApis"):
            providers.setdefault(parse_ref(str(api), "api", e.namespace), []).append(ref)
    services = {ref: e for ref, e in catalog.entities.items() if ref in ids}
    deps: dict[str, dict[str, str]] = {}
    owners: dict[str, str | None] = {}
    for ref, e in services.items():
        owners[ref] = _owner(e, groups, users, team_id, warnings)
        deps[ref] = _dependencies(e, ids, providers, warnings)
    by_id = {ids[r]: r for r in services}
    depth = depths({ref: [by_id[d] for d in deps[ref]] for ref in services})

    header = [
        "Imported by `planner import backstage` from: "
        + ", ".join(sorted({e.file for e in catalog.entities.values()})),
        "Fill in RTOs, restore times and checks; `planner audit` lists what is still missing.",
    ]
    people = [_person(users[r], person_id[r]) for r in sorted(users, key=person_id.__getitem__)]
    teams = [_team(groups[r], team_id[r], members[r]) for r in sorted(groups, key=team_id.__getitem__)]
    order = sorted(services, key=lambda r: (depth[r], ids[r]))
    plan = mapping(
        ("version", 1),
        ("name", name),
        ("people", sequence(people) if people else None),
        ("teams", sequence(teams) if teams else None),
        ("services", sequence(_service(services[r], ids[r], owners[r], deps[r]) for r in order)),
        (
            "components",
            sequence(components) if (components := _components(catalog, ids, warnings)) else None,
        ),
    )
    return document(header, plan), warnings


def _components(catalog: Catalog, ids: dict[str, str], warnings: list[str]) -> list[CommentedMap]:
    """The components proposed from the catalog's Systems, each needing its imported parts."""
    parts: dict[str, list[str]] = {}
    for ref, entity in catalog.entities.items():
        system = entity.spec.get("system")
        if ref in ids and isinstance(system, str) and system and entity.kind != "system":
            parts.setdefault(parse_ref(system, "system", entity.namespace), []).append(ids[ref])
    systems = [e for e in catalog.entities.values() if e.kind == "system"]
    return proposed_components(systems, parts, ids, warnings)


def _service(e: Entity, service_id: str, owner: str | None, deps: dict[str, str]) -> CommentedMap:
    meta = e.data.get("metadata") or {}
    tags = [f"kind:{e.kind}"] + [f"{k}:{e.spec[k]}" for k in ("type", "lifecycle", "system") if e.spec.get(k)]
    description = str(meta.get("description") or "").strip()
    out = mapping(
        ("id", service_id),
        ("name", str(meta.get("title") or e.name)),
        ("description", description or None),
        ("owner", owner),
        ("tags", flow(tags)),
    )
    todo = [] if owner else ["owner: TODO (unresolved in the catalog)"]
    todo += ["rto: TODO", "restore_time: TODO", "verify: TODO (how to confirm it is back)"]
    note(out, "id", f"from {e.file}:{e.line} ({e.ref})", below=todo)
    if deps:
        depends_on = sequence(sorted(deps))
        for index, dep in enumerate(sorted(deps)):
            note(depends_on, index, deps[dep])
        out["depends_on"] = depends_on
    return out


def _person(user: Entity, person: str) -> CommentedMap:
    profile = user.spec.get("profile") or {}
    return mapping(
        ("id", person),
        ("name", str(profile["displayName"]) if profile.get("displayName") else None),
        ("contact", str(profile["email"]) if profile.get("email") else None),
    )


def _team(group: Entity, team: str, members: set[str]) -> CommentedMap:
    profile = group.spec.get("profile") or {}
    out = mapping(
        ("id", team),
        ("name", str(profile["displayName"]) if profile.get("displayName") else None),
        ("members", flow(sorted(members)) if members else None),
    )
    note(out, "id", f"from {group.file}:{group.line}", below=["escalation: TODO (ordered person ids)"])
    return out


def _owner(
    e: Entity,
    groups: dict[str, Entity],
    users: dict[str, Entity],
    team_id: dict[str, str],
    warnings: list[str],
) -> str | None:
    owner = e.spec.get("owner")
    if not owner:
        return None
    target = parse_ref(str(owner), "group", e.namespace)
    if target in groups:
        return team_id[target]
    is_user = target in users or target.startswith("user:")
    what = "a User, where a Group is expected" if is_user else "not in the catalog"
    warnings.append(
        f"{e.file}:{e.line}: {e.ref}: spec.owner '{owner}' refers to {target}, which is {what}; "
        "imported without an owner"
    )
    return None


def _dependencies(
    e: Entity, ids: dict[str, str], providers: dict[str, list[str]], warnings: list[str]
) -> dict[str, str]:
    found: dict[str, str] = {}
    for dep in e.refs("dependsOn"):
        target = parse_ref(str(dep), "component", e.namespace)
        if target in ids:
            found[ids[target]] = f"dependsOn {dep}"
        else:
            warnings.append(
                f"{e.file}:{e.line}: {e.ref}: spec.dependsOn '{dep}' refers to {target}, "
                "which is not in the catalog; dropped"
            )
    for api in e.refs("consumesApis"):
        target = parse_ref(str(api), "api", e.namespace)
        provided_by = providers.get(target, [])
        if not provided_by:
            warnings.append(f"{e.file}:{e.line}: {e.ref}: consumes {target}, which no entity provides")
        for provider in provided_by:
            if provider in ids and provider != e.ref:
                found[ids[provider]] = f"consumesApis {api} (provided by {provider})"
    if e.kind == "api":
        for provider in providers.get(e.ref, []):
            if provider in ids:
                found[ids[provider]] = f"provided by {provider}"
    return found
