"""Components proposed from Backstage ``System`` entities: a System gathers the Components,
Resources and APIs whose ``spec.system`` names it, which is what a plan's component needs.
Each is proposed ``internal`` (nothing is shown to customers until a person says so) with a
comment asking for a review: which parts it only uses, and whether customers know it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from planner.importers.emit import flow, mapping, note

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap

REVIEW = [
    "proposed: review it. Move what it works without from 'needs' to 'uses';",
    "say 'audience: public' only if customers know it by this name.",
]


class SystemEntity(Protocol):
    """What is read of a System entity (``planner.importers.backstage.Entity``)."""

    kind: str
    name: str
    data: dict[str, Any]
    file: str
    line: int

    @property
    def ref(self) -> str:
        """``system:namespace/name``."""
        ...


def proposed_components(
    systems: Iterable[SystemEntity], parts: dict[str, list[str]], ids: dict[str, str], warnings: list[str]
) -> list[CommentedMap]:
    """One component per System entity that has ``parts`` (plan ids of the imported services
    whose ``spec.system`` names it, by the System's ref), in id order; a System with none is
    reported in ``warnings`` and skipped."""
    out = []
    for system in sorted(systems, key=lambda e: _component_id(e, ids)):
        needs = sorted(set(parts.get(system.ref, [])))
        if not needs:
            warnings.append(
                f"{system.file}:{system.line}: {system.ref}: no imported entity names this System in "
                "spec.system; no component proposed"
            )
            continue
        out.append(_component(system, _component_id(system, ids), needs))
    return out


def _component_id(system: SystemEntity, ids: dict[str, str]) -> str:
    """The System's plan id (as its service has): its name, with the namespace when not default."""
    return ids.get(system.ref) or system.name


def _component(system: SystemEntity, component_id: str, needs: list[str]) -> CommentedMap:
    meta = system.data.get("metadata") or {}
    description = str(meta.get("description") or "").strip()
    out = mapping(
        ("id", component_id),
        ("name", str(meta.get("title") or system.name)),
        ("audience", "internal"),
        ("description", description or None),
        ("needs", flow(needs)),
    )
    note(out, "id", f"from {system.file}:{system.line} ({system.ref})", below=REVIEW)
    return out
