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
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from planner.errors import PlannerError
from planner.planfile.source import read_bounded
from planner.planfile.writeback import round_trip_yaml

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
    y = round_trip_yaml()
    y.preserve_quotes = True  # the person's own quoting stays as they wrote it
    return y


def _dep_name(entry: Any) -> str:
    return str(entry["service"]) if isinstance(entry, dict) else str(entry)


def merge_plans(existing_text: str, imported_text: str, existing_name: str) -> tuple[str, MergeReport]:
    """The existing plan updated from the imported one, and what changed. The plan keeps its
    line endings (CRLF stays CRLF) and its comments, those after its last service included."""
    crlf = existing_text.count("\r\n") > existing_text.count("\n") // 2
    y = _yaml()
    try:
        plan = y.load(existing_text.replace("\r\n", "\n"))
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
            _append_keeping_trailer(services, item)
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
                _append_keeping_trailer(teams, team)
    out = io.StringIO()
    y.dump(plan, out)
    text = out.getvalue()
    return (text.replace("\n", "\r\n") if crlf else text), report


def _last_comment(node: Any) -> tuple[Any, Any] | None:
    """The (collection, key or index) whose comment token ends ``node``'s text: the comment
    after its last line, where ruamel.yaml keeps the comment lines that follow it too."""
    while isinstance(node, CommentedMap | CommentedSeq) and len(node):
        key: Any = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
        child = node[key]
        if isinstance(child, CommentedMap | CommentedSeq) and len(child):
            node = child
            continue
        return node, key
    return None


def _append_keeping_trailer(items: CommentedSeq, item: Any) -> None:
    """Append ``item`` to ``items``, moving the comment lines that followed the old last entry
    (``# end of plan``, or a comment about the next section) after the new one: ruamel.yaml
    keeps them on the old entry's last line, and they would end up in the middle."""
    old = _last_comment(items[-1]) if len(items) else None
    items.append(item)
    if old is None:
        return
    holder, key = old
    tokens = holder.ca.items.get(key)
    slot = 2 if isinstance(holder, CommentedMap) else 0
    token = tokens[slot] if tokens and len(tokens) > slot else None
    if token is None or "\n" not in token.value.rstrip("\n"):
        return
    eol, _, trailer = token.value.partition("\n")
    token.value = eol + "\n"
    new = _last_comment(item)
    if new is None:
        return
    new_holder, new_key = new
    new_tokens = new_holder.ca.items.setdefault(new_key, [None, None, None, None])
    new_slot = 2 if isinstance(new_holder, CommentedMap) else 0
    current = new_tokens[new_slot]
    if current is None:
        new_tokens[new_slot] = CommentToken("\n" + trailer, CommentMark(0), None)
    else:
        current.value = current.value.rstrip("\n") + "\n" + trailer


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
