"""Graphviz: DOT text (no program needed) and SVG/PNG/PDF through Graphviz's ``dot``."""

from __future__ import annotations

import os
import subprocess
from functools import lru_cache
from typing import Literal

import graphviz
from graphviz.quoting import attr_list, quote

from models.duration import fmt_duration
from planner import children
from planner.errors import PlannerError
from planner.export.legend import LABEL_SIZE, TEAM_LINES, legend_node, legend_table, picture_legend
from planner.export.teams import TeamLink, depth_of, oriented, said, team_order
from planner.export.view import COLLAPSE_ABOVE, MAX_LINKS, Edge, View, collapse
from planner.style import plural, visible

Cluster = Literal["team", "wave", "none"]

CRITICALITY_FILL = {"critical": "#f4cccc", "high": "#fce5cd", "medium": "#fff2cc", "low": "#d9ead3"}
STATE_FILL = {"failed": "#e06666", "impacted": "#f6b26b", "degraded": "#ffe599", "unaffected": "#f3f3f3"}
EDGE_STYLE: dict[str, dict[str, str]] = {
    "hard": {"style": "solid", "color": "#333333"},
    "unchecked": {"style": "dashed", "color": "#333333"},
    "soft": {"style": "dotted", "color": "#777777"},
    "bypassed": {"style": "bold", "color": "#cc0000", "fontcolor": "#cc0000"},
    "indirect": {"style": "dashed", "color": "#999999", "fontcolor": "#999999"},
}
STUB_FILL = "#eeeeee"
"""A box standing for something outside the picture (another team's service)."""
FADED_EDGE = ' [color="#cccccc" style=solid]'
"""An edge to or from a service the scenario leaves up: faded like its node."""
INSTALL_HINT = (
    "Graphviz's 'dot' program is needed to render {fmt}: install it (Debian/Ubuntu: "
    "apt-get install graphviz; macOS: brew install graphviz); --format dot and mermaid work without it"
)


def render_dot(view: View, cluster: Cluster = "team", *, detail: bool = False) -> str:
    """The diagram as DOT text; byte-identical for the same plan whatever its order. More than
    :data:`COLLAPSE_ABOVE` services without a focus (and without ``detail``) are drawn as one
    box per owner team."""
    if len(view.nodes) > COLLAPSE_ABOVE and view.focus is None and not detail:
        return render_teams(view, "wave" if cluster == "wave" else "team")
    dot = graphviz.Digraph(
        "recovery",
        graph_attr={
            "rankdir": "LR",
            "fontname": "Helvetica",
            "newrank": "true",
            "nodesep": "0.3",
            # nohtml: a plan named "<b>x</b>" is text; graphviz took <...> for an HTML-like label
            "label": graphviz.nohtml(_title(view)),
            "labelloc": "t",
        },
        node_attr={"shape": "box", "style": "rounded,filled", "fontname": "Helvetica", "fontsize": "10"},
        edge_attr={"fontname": "Helvetica", "fontsize": "9"},
    )
    groups = _groups(view, cluster)
    for key in sorted(groups):
        if key:
            with dot.subgraph(name=f"cluster_{_safe(key)}") as sub:
                sub.attr(label=key, style="rounded,dashed", color="#999999", fontcolor="#555555")
                if not view.titled:  # the legend below is the graph's label: keep team names on top
                    sub.attr(labelloc="t")
                if f"team:{key}" in view.links:
                    sub.attr(URL=view.links[f"team:{key}"], target="_top", tooltip=f"the team page of {key}")
                for s in groups[key]:
                    _node(sub, view, s)
        else:
            for s in groups[key]:
                _node(dot, view, s)
    _edges(dot, view)
    _legend(dot, view)
    return str(dot.source)


def _edges(dot: graphviz.Digraph, view: View) -> None:
    """Every edge of the picture, styled by its kind."""

    def owner(service: str) -> str:
        return view.planning.graph.services[service].owner or "(no owner)"

    # Ranks come from the edges themselves (newrank lets them cross the team clusters), so every
    # edge points the way restoration flows. Pinning each restore wave to a rank (as before) put
    # a service after its soft dependency's wave and drew nine enterprise edges backwards: waves
    # ignore soft dependencies, the picture cannot.
    # Edges go in as pre-quoted lines: graphviz's per-call quoting of every id and attribute was
    # 70% of the DOT time at 10,000 services; ids and attribute lists are quoted once each here.
    attr_lists: dict[tuple[str, str], str] = {}
    for edge in view.edges:
        style_key = (edge.kind, edge.label)
        if style_key not in attr_lists:
            attr_lists[style_key] = _edge_attrs(edge)
        source, target = _quoted_cached(_id(edge.source)), _quoted_cached(_id(edge.target))
        faded = (
            view.scenario
            and edge.kind != "bypassed"  # an open bypass stays red wherever it is
            and "unaffected" in (view.state.get(edge.source), view.state.get(edge.target))
        )
        attrs = FADED_EDGE if faded else attr_lists[style_key]
        if edge.source.startswith(
            "team:"
        ):  # a whole team's dependencies, onto the frame of the target's team
            attrs = f"{attrs[:-1]} lhead=cluster_{_safe(owner(edge.target))}]"
            dot.graph_attr["compound"] = "true"
        dot.body.append(f"\t{source} -> {target}{attrs}\n")


def render_teams(view: View, by: str = "team", limit: int = MAX_LINKS) -> str:
    """One box per owner team (or restore wave), each link between two boxes drawn once, left
    to right: two teams that depend on each other get one two-way link."""
    boxes, directed, _ = collapse(view, by, limit=None)
    if by == "wave":
        order = [box.team for box in boxes]
    else:
        depth = depth_of(view.nodes, [(e.source, e.target) for e in view.edges])
        team_of = {s: view.planning.graph.services[s].owner or "(no owner)" for s in view.nodes}
        sums: dict[str, list[int]] = {}
        for s, team in team_of.items():
            sums.setdefault(team, []).append(depth[s])
        order = team_order(sums, directed, {t: sum(d) / len(d) for t, d in sums.items()})
    links, pairs = oriented(directed, order, limit)
    what = "restore wave" if by == "wave" else "owner team"
    shown = f" (the {len(links)} heaviest of {pairs} links between boxes)" if pairs > len(links) else ""
    note = (
        f"{len(view.nodes):,} services: one box per {what}{shown}. "
        "--focus SERVICE draws a service's neighbourhood; --detail every service; --format site a page each"
    )
    dot = graphviz.Digraph(
        "recovery",
        graph_attr={
            "rankdir": "LR",
            "fontname": "Helvetica",
            "label": graphviz.nohtml(f"{_title(view)}\\n{note}" if view.titled else ""),
            "labelloc": "t",
        },
        node_attr={"shape": "box", "style": "rounded,filled", "fontname": "Helvetica", "fontsize": "10"},
        edge_attr={"fontname": "Helvetica", "fontsize": "9", "color": "#333333"},
    )
    by_name = {box.team: box for box in boxes}
    for team in order:
        box = by_name[team]
        down = f"\\n{box.down} down in this scenario" if view.scenario else ""
        label = f"{literal(box.team)}\\n{plural(box.services, 'service')}, {box.critical} critical{down}"
        fill = STATE_FILL["impacted"] if view.scenario and box.down else "#f3f3f3"
        attrs = {"label": label, "fillcolor": fill}
        if f"team:{box.team}" in view.links:
            attrs.update(URL=view.links[f"team:{box.team}"], target="_top", tooltip=literal(box.team))
        dot.node(f"team_{_safe(box.team)}", **attrs)
    kinds = set()
    for link in links:
        attrs, kind = _team_edge(link)
        if len(links) > LABELLED_LINKS:  # a mesh: counts on every link hide the boxes
            attrs.pop("label")
            ways = f"{said(link.forward) or 'none'}; back: {said(link.backward) or 'none'}"
            attrs["tooltip"] = f"{literal(link.left)} → {literal(link.right)}: {ways}"
        kinds.add(kind)
        dot.edge(f"team_{_safe(link.left)}", f"team_{_safe(link.right)}", **attrs)
    lines = [line for kind, line in TEAM_LINES.items() if kind in kinds]
    table = legend_table([], lines, title="restoration flows left to right")
    if view.titled:
        dot.body.append(legend_node(table))
    else:
        dot.graph_attr.update(label=table, labelloc="b", labeljust="l", fontsize=LABEL_SIZE)
    return str(dot.source)


LABELLED_LINKS = 30
"""A team picture with more links than this draws them without their counts."""


def _team_edge(link: TeamLink) -> tuple[dict[str, str], str]:
    """A link's DOT attributes and its legend kind."""
    if link.both_ways:
        label = f"→ {said(link.forward)}\\n← {said(link.backward)}"
        return {"label": label, "dir": "both", "penwidth": "2"}, "both"
    if any(link.backward):  # only against the order: a cycle of three teams or more
        return {"label": f"← {said(link.backward)}", "dir": "back", "style": "dashed"}, "back"
    kind = "hard" if link.forward[0] else "soft"
    return {"label": said(link.forward), "style": "solid" if kind == "hard" else "dotted"}, kind


DOT_SECONDS = 300.0
"""How long Graphviz's ``dot`` may lay a picture out (``PLANNER_DOT_SECONDS`` changes it): a
picture of 100,000 boxes kept it busy for over ten minutes, with nothing said."""


def dot_seconds() -> float:
    """The time ``dot`` is given: ``PLANNER_DOT_SECONDS`` when it is a positive number."""
    try:
        seconds = float(os.environ.get("PLANNER_DOT_SECONDS", DOT_SECONDS))
    except ValueError:
        return DOT_SECONDS
    return seconds if 0 < seconds < float("inf") else DOT_SECONDS


def render_binary(dot_source: str, fmt: str) -> bytes:
    """SVG, PNG or PDF bytes from DOT text, through Graphviz's ``dot``, within
    :func:`dot_seconds` (stopped past it).

    Raises
    ------
    PlannerError
        When ``dot`` is not installed (with how to install it), fails or takes too long.
    """
    seconds = dot_seconds()
    try:
        # a signal that ends the planner ends dot too (it was left laying a large picture out
        # for minutes, reparented to init)
        process = children.start(
            ["dot", "-Kdot", f"-T{fmt}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except FileNotFoundError:
        raise PlannerError(INSTALL_HINT.format(fmt=fmt)) from None
    try:
        stdout, stderr = process.communicate(dot_source.encode("utf-8"), timeout=seconds)
    except subprocess.TimeoutExpired:
        children.kill(process)
        process.communicate()
        raise PlannerError(
            f"Graphviz's dot was stopped after {seconds:g} s, the picture is too large to lay out: "
            "draw less (--focus SERVICE --depth 1, or without --detail), give it longer with "
            "PLANNER_DOT_SECONDS, or write --format dot and run dot on it yourself"
        ) from None
    except BaseException:  # Ctrl-C, or anything else: dot goes with it
        children.kill(process)
        process.wait()
        raise
    finally:
        children.finished(process)
    if process.returncode != 0:
        detail = stderr.decode("utf-8", "replace").strip() or f"exit {process.returncode}"
        raise PlannerError(f"dot could not render the diagram: {visible(detail)}")
    return stdout


def literal(text: str) -> str:
    r"""Untrusted text shown as it is inside a DOT label: backslashes doubled (``\n`` and a
    trailing ``\`` are escapes in DOT; a description ending in one broke the SVG, PNG and PDF)
    and control characters written out.

    Examples
    --------
    >>> literal("C:\\backup\\")
    'C:\\\\backup\\\\'
    """
    return visible(text).replace("\\", "\\\\")


MAX_TEAM_BOXES = 12
"""A focus picture whose services belong to more teams than this draws no team boxes."""


def _groups(view: View, cluster: Cluster) -> dict[str, list[str]]:
    """The boxes of each cluster (key ``""``: outside every cluster)."""
    g = view.planning.graph
    groups: dict[str, list[str]] = {}
    for s in [*view.nodes, *view.stubs]:
        if s not in g.services:
            key = ""  # a stub for a whole team
        elif cluster == "team":
            key = g.services[s].owner or "(no owner)"
        elif cluster == "wave":
            number = view.wave(s)
            key = f"wave {number}" if number else "not restored"
        else:
            key = ""
        groups.setdefault(key, []).append(s)
    if cluster == "team" and view.focus is not None and len(groups) > MAX_TEAM_BOXES:
        # a neighbourhood across dozens of teams: boxes of one service each crossed one another
        # (a cluster spans the columns of its services); every label names its team anyway
        return {"": [s for members in groups.values() for s in members]}
    return groups


def _title(view: View) -> str:
    if not view.titled:
        return ""
    title = literal(view.planning.graph.plan.name)
    if view.scenario:
        title = f"{title} — {literal(view.planning.selection.name)}"
    return f"{title}\\n{literal(view.note)}" if view.note else title


def _id(service: str) -> str:
    return service


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text)


def _node(dot: graphviz.Digraph, view: View, s: str) -> None:
    if s in view.stubs:
        _stub(dot, view, s)
        return
    svc = view.planning.graph.services[s]
    owner = svc.owner or "NO OWNER"
    facts = [f"RTO {fmt_duration(svc.rto.total_seconds())}"] if svc.rto else []
    facts.append(svc.criticality.value)
    wave = view.wave(s) if view.scenario else None
    if wave:
        facts.append(f"wave {wave}")
    # the id once: an imported service's name is its id ("x\\nx · owner" said it twice)
    named = f"{s} · {owner}" if svc.name and svc.name != s else owner
    label = f"{literal(svc.label)}\\n{named}\\n{' · '.join(facts)}"
    attrs: dict[str, str] = {"label": label, "tooltip": literal(svc.description or svc.label)}
    if s in view.links:
        attrs.update(URL=view.links[s], target="_top")
    state = view.state[s]
    if view.scenario:
        attrs["fillcolor"] = STATE_FILL[state]
        if state == "unaffected":
            attrs.update(fontcolor="#999999", color="#cccccc")
        if state == "failed":
            attrs.update(penwidth="2", color="#990000")
    else:
        attrs["fillcolor"] = CRITICALITY_FILL[svc.criticality.value]
    if s in view.errors:
        attrs.update(color="#cc0000", penwidth="3", peripheries="2")
    if s == view.focus:
        attrs.update(style="rounded,filled,bold", fontname="Helvetica-Bold")
        if view.titled:
            attrs["xlabel"] = "focus"
        else:  # a page says which box is its own (the xlabel sat on the edges); its script finds it
            attrs["id"] = "focus"
    # written as a pre-quoted line (as the edges are): repeated values are quoted once
    pairs = " ".join(f"{_quoted(k)}={_quoted(v)}" for k, v in attrs.items())
    dot.body.append(f"\t{_quoted_cached(_id(s))} [{pairs}]\n")


def _stub(dot: graphviz.Digraph, view: View, s: str) -> None:
    """A box for what lies outside the picture: another team's service, or a whole team."""
    attrs = {
        "label": "\\n".join(literal(line) for line in view.stubs[s].split("\n")),
        "fillcolor": STUB_FILL,
        "color": "#999999",
        "fontcolor": "#333333",
    }
    if s in view.links:
        attrs.update(URL=view.links[s], target="_top", tooltip=literal(view.stubs[s].replace("\n", ", ")))
    pairs = " ".join(f"{_quoted(k)}={_quoted(v)}" for k, v in attrs.items())
    dot.body.append(f"\t{_quoted_cached(_id(s))} [{pairs}]\n")


@lru_cache(maxsize=65536)
def _quoted_cached(text: str) -> str:
    return str(quote(text))


def _quoted(text: str) -> str:
    if len(text) < 24:
        return _quoted_cached(text)
    # long values are labels and tooltips, unique per node: always a quoted escString, where
    # only '"' needs escaping ('\\n' line breaks are meant), as graphviz.quoting.quote does
    return '"' + text.replace('"', '\\"') + '"'


def _edge_attrs(edge: Edge) -> str:
    attrs = {}
    if edge.label:  # a workaround id, a count of hidden services: short, kept on the edge
        attrs["label"] = edge.label
    # an unchecked edge is dashed (the legend says so): a "no check" label per edge made a column
    # of labels far from their edges on plans with many of them
    attrs.update(EDGE_STYLE[edge.kind])
    return str(attr_list(kwargs=attrs))


def _legend(dot: graphviz.Digraph, view: View) -> None:
    """The legend: a node of its own, or, in a page's picture, the graph's label under it (a node
    took the first column's room)."""
    table = picture_legend(view, CRITICALITY_FILL, STATE_FILL, STUB_FILL)
    if view.titled:
        dot.body.append(legend_node(table))
    else:
        dot.graph_attr.update(label=table, labelloc="b", labeljust="l", fontsize=LABEL_SIZE)
