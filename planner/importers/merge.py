"""``--merge``: update an existing plan from a fresh import, keeping what a person filled in.

The plan is edited as a round-trip document (ruamel.yaml), so comments, key order and layout
survive. Imported services new to the plan are added; services the plan has are kept as they are
(owner, RTOs, checks, comments), with only their dependency list brought in line with the source
(new edges added, vanished ones removed) and empty fields filled; services the source no longer
has are kept and marked, never deleted: nothing a person recorded is lost.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from planner.errors import PlannerError
from planner.planfile.source import read_bounded

FILLABLE = ("name", "description", "owner", "verify")


@dataclass
class MergeReport:
    """What a merge changed."""

    added: list[str] = field(default_factory=list)
    """Services new to the plan."""
    gone: list[str] = field(default_factory=list)
    """Services the source no longer has (kept, marked)."""
    edges_added: list[tuple[str, str]] = field(default_factory=list)
    """New dependencies (service, dependency)."""
    edges_removed: list[tuple[str, str]] = field(default_factory=list)
    """Dependencies the source no longer has."""
    filled: list[tuple[str, str]] = field(default_factory=list)
    """Empty fields filled from the source (service, field)."""

    def lines(self) -> list[str]:
        """A summary for people."""
        out = [
            f"services added: {', '.join(self.added) or 'none'}",
            f"services no longer in the source (kept, marked): {', '.join(self.gone) or 'none'}",
            f"dependencies added: {', '.join(f'{a} -> {b}' for a, b in self.edges_added) or 'none'}",
            f"dependencies removed: {', '.join(f'{a} -> {b}' for a, b in self.edges_removed) or 'none'}",
        ]
        if self.filled:
            out.append("fields filled: " + ", ".join(f"{s}.{f}" for s, f in self.filled))
        return out


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _dep_name(entry: Any) -> str:
    return str(entry["service"]) if isinstance(entry, dict) else str(entry)


def merge_plans(existing_text: str, imported_text: str, existing_name: str) -> tuple[str, MergeReport]:
    """The existing plan updated from the imported one, and what changed."""
    y = _yaml()
    try:
        plan = y.load(existing_text)
    except Exception as exc:  # noqa: BLE001 - any parse failure of the user's file is reported
        raise PlannerError(f"{existing_name}: cannot read the plan to merge into: {exc}") from None
    fresh = y.load(imported_text)
    if not isinstance(plan, CommentedMap):
        raise PlannerError(f"{existing_name}: not a plan (a mapping with 'services')")
    report = MergeReport()
    services = plan.setdefault("services", CommentedSeq())
    by_id = {str(s["id"]): s for s in services if isinstance(s, dict) and "id" in s}
    source_ids = set()
    for item in fresh.get("services") or []:
        sid = str(item["id"])
        source_ids.add(sid)
        current = by_id.get(sid)
        if current is None:
            services.append(item)
            report.added.append(sid)
            continue
        for key in FILLABLE:
            if key in item and key not in current:
                current[key] = item[key]
                report.filled.append((sid, key))
        _merge_dependencies(sid, current, item, report)
    for sid, current in by_id.items():
        if sid not in source_ids:
            report.gone.append(sid)
            current.yaml_set_start_comment(  # type: ignore[attr-defined]
                "not in the imported source any more (planner import --merge)", indent=2
            )
    teams = plan.get("teams")
    fresh_teams = fresh.get("teams") or []
    if fresh_teams:
        if teams is None:
            plan["teams"] = teams = CommentedSeq()
        known = {str(t["id"]) for t in teams}
        for team in fresh_teams:
            if str(team["id"]) not in known:
                teams.append(team)
    out = io.StringIO()
    y.dump(plan, out)
    return out.getvalue(), report


def _merge_dependencies(sid: str, current: Any, item: Any, report: MergeReport) -> None:
    wanted = {_dep_name(d): d for d in item.get("depends_on") or []}
    have = current.get("depends_on")
    if have is None:
        if wanted:
            current["depends_on"] = item["depends_on"]
            report.edges_added += [(sid, d) for d in wanted]
        return
    names = [_dep_name(d) for d in have]
    for index in range(len(have) - 1, -1, -1):
        if names[index] not in wanted:
            report.edges_removed.append((sid, names[index]))
            del have[index]
    for name, entry in wanted.items():
        if name not in names:
            have.append(entry)
            report.edges_added.append((sid, name))


def merge_into_file(path: Path, imported_text: str) -> tuple[str, MergeReport]:
    """Read ``path`` and merge; the caller validates and writes."""
    try:
        text = read_bounded(path, "a plan file").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlannerError(f"cannot read {path}: {exc}") from None
    return merge_plans(text, imported_text, str(path))
