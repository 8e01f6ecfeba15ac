"""Mermaid: a flowchart with the same semantics as the DOT export, and a Gantt of the schedule.
Both render on GitHub and with mermaid-cli as they are."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime, timedelta

from models.duration import fmt_duration, later
from planner.engine.planning import Planning
from planner.errors import UsageError
from planner.export.dot import CRITICALITY_FILL, STATE_FILL
from planner.export.teams import depth_of, oriented, said, team_order
from planner.export.view import COLLAPSE_ABOVE, MAX_LINKS, View, collapse
from planner.style import plural, visible

_EPOCH = datetime(2000, 1, 1)
_UNSAFE = re.compile(r"[^A-Za-z0-9_]")
_ESCAPES = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "#": "#35;", "&": "#amp;", "|": "#124;", "`": "#96;"}


def escape(text: str) -> str:
    r"""Text for inside a quoted Mermaid label: Mermaid syntax characters as entity codes, and
    control characters written out (a newline would start a line of its own: a section, a
    directive).

    Examples
    --------
    >>> escape('say "hi" <now>')
    'say #quot;hi#quot; #lt;now#gt;'
    >>> escape("plan\nsection evil")
    'plan\\x0asection evil'
    """
    return "".join(_ESCAPES.get(c, c) for c in visible(text))


def node_ids(services: list[str]) -> dict[str, str]:
    """A Mermaid-safe, unique id per service (``db-primary`` -> ``s3_db_primary``)."""
    return {s: f"s{i}_{_UNSAFE.sub('_', s)}" for i, s in enumerate(sorted(services))}


def render_flowchart(view: View, *, detail: bool = False) -> str:
    """``flowchart LR`` with a subgraph per owner team and classDefs for criticality or state;
    above :data:`COLLAPSE_ABOVE` services (without a focus or ``detail``), a box per team."""
    if len(view.nodes) > COLLAPSE_ABOVE and view.focus is None and not detail:
        return _team_flowchart(view)
    g = view.planning.graph
    ids = node_ids(view.nodes)
    lines = ["flowchart LR"]
    fills = STATE_FILL if view.scenario else CRITICALITY_FILL
    for name, colour in fills.items():
        extra = ",color:#999999" if name == "unaffected" else ""
        lines.append(f"  classDef {name} fill:{colour},stroke:#333333{extra}")
    lines.append("  classDef auditError stroke:#cc0000,stroke-width:3px")
    teams: dict[str, list[str]] = {}
    for s in view.nodes:
        teams.setdefault(g.services[s].owner or "(no owner)", []).append(s)
    for t_index, team in enumerate(sorted(teams)):
        lines.append(f'  subgraph team{t_index}["{escape(team)}"]')
        for s in teams[team]:
            svc = g.services[s]
            facts = [escape(s)]
            if svc.rto:
                facts.append(f"RTO {fmt_duration(svc.rto.total_seconds())}")
            wave = view.wave(s) if view.scenario else None
            if wave:
                facts.append(f"wave {wave}")
            label = f"{escape(svc.label)}<br/>{' · '.join(facts)}"
            cls = view.state[s] if view.scenario else svc.criticality.value
            lines.append(f'    {ids[s]}["{label}"]:::{cls}')
        lines.append("  end")
    styles: list[str] = []
    for index, edge in enumerate(view.edges):
        a, b = ids[edge.source], ids[edge.target]
        if edge.kind == "hard":
            lines.append(f"  {a} --> {b}")
        elif edge.kind == "soft":
            lines.append(f"  {a} -.-> {b}")
        elif edge.kind == "unchecked":
            lines.append(f'  {a} -. "no check" .-> {b}')
        elif edge.kind == "bypassed":
            lines.append(f'  {a} == "{escape(edge.label)}" ==> {b}')
            styles.append(f"  linkStyle {index} stroke:#cc0000,stroke-width:3px")
        else:
            lines.append(f'  {a} -. "{escape(edge.label)}" .-> {b}')
            styles.append(f"  linkStyle {index} stroke:#999999")
    lines.extend(styles)
    for s in sorted(view.errors):
        lines.append(f"  class {ids[s]} auditError")
    return "\n".join(lines) + "\n"


def _team_flowchart(view: View) -> str:
    boxes, directed, _ = collapse(view, limit=None)
    depth = depth_of(view.nodes, ((e.source, e.target) for e in view.edges))  # 2 million: not held
    sums: dict[str, list[int]] = {}
    for s in view.nodes:
        sums.setdefault(view.planning.graph.services[s].owner or "(no owner)", []).append(depth[s])
    order = team_order(sums, directed, {t: sum(d) / len(d) for t, d in sums.items()})
    links, pairs = oriented(directed, order, MAX_LINKS)
    ids = {b.team: f"t{i}" for i, b in enumerate(boxes)}
    lines = [
        "flowchart LR",
        f"  %% {len(view.nodes)} services: one box per owner team, the {len(links)} heaviest of {pairs} "
        "team-to-team links, each drawn once: <--> two teams that depend on each other "
        "(--focus SERVICE or --detail for more)",
    ]
    for box in boxes:
        down = f"<br/>{box.down} down" if view.scenario else ""
        label = f"{escape(box.team)}<br/>{plural(box.services, 'service')}, {box.critical} critical{down}"
        lines.append(f'  {ids[box.team]}["{label}"]')
    for link in links:
        a, b = ids[link.left], ids[link.right]
        if link.both_ways:
            lines.append(f'  {a} <-->|"→ {said(link.forward)}; ← {said(link.backward)}"| {b}')
        elif any(link.backward):  # only against the order: a cycle of three teams or more
            lines.append(f'  {b} -->|"{said(link.backward)}"| {a}')
        else:
            arrow = "-->" if link.forward[0] else "-.->"
            lines.append(f'  {a} {arrow}|"{said(link.forward)}"| {b}')
    return "\n".join(lines) + "\n"


def render_gantt(planning: Planning, by: str = "team", only: Collection[str] | None = None) -> str:
    """``gantt`` of the schedule, a section per team (or per wave); RTO misses marked ``crit``.
    ``only``: the services to draw (a ``--focus`` neighbourhood), at their times in the whole
    schedule."""
    title = f"{planning.graph.plan.name} — {planning.selection.name}"
    # Incident start is drawn as midnight of 2000-01-01 (mermaid needs calendar dates; its
    # epoch-seconds format "X" ignored the starts when rendered with mermaid-cli).
    long = planning.schedule.makespan >= 86400
    if later(_EPOCH, planning.schedule.makespan) is None:
        raise UsageError(
            f"the schedule runs {fmt_duration(planning.schedule.makespan)}: past the year 9999, where a "
            "Gantt chart's dates end; check the restore times (planner schedule lists them)"
        )
    lines = [
        "gantt",
        f"  title {escape(title).replace(':', ' ')}",
        "  dateFormat YYYY-MM-DD HH:mm:ss",
        "  axisFormat " + ("day %-d %H:%M" if long else "%H:%M"),
    ]
    tasks = planning.schedule.tasks()
    sections: dict[str, list[str]] = {}
    for index, t in enumerate(tasks, start=1):
        if only is not None and t.service not in only:
            continue
        key = t.team if by == "team" else f"Wave {t.wave}"
        tag = "crit, " if t.meets_rto is False else ""
        name = t.service.replace(":", "_")
        start = (_EPOCH + timedelta(seconds=t.start)).strftime("%Y-%m-%d %H:%M:%S")
        if t.duration == 0:
            sections.setdefault(key, []).append(f"  {name} :{tag}milestone, t{index}, {start}, 0s")
        else:
            sections.setdefault(key, []).append(f"  {name} :{tag}t{index}, {start}, {t.duration}s")
    for key in sorted(sections, key=lambda k: (len(k), k) if by == "wave" else k):
        lines.append(f"  section {escape(key).replace(':', ' ')}")
        lines.extend(sections[key])
    return "\n".join(lines) + "\n"
