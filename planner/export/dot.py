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
from planner.export.view import COLLAPSE_ABOVE, Edge, View, collapse
from planner.style import visible

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
        return _render_teams(view, "wave" if cluster == "wave" else "team")
    g = view.planning.graph
    dot = graphviz.Digraph(
        "recovery",
        graph_attr={
            "rankdir": "LR",
            "fontname": "Helvetica",
            "newrank": "true",
            "nodesep": "0.3",
            "label": _title(view),
            "labelloc": "t",
        },
        node_attr={"shape": "box", "style": "rounded,filled", "fontname": "Helvetica", "fontsize": "10"},
        edge_attr={"fontname": "Helvetica", "fontsize": "9"},
    )
    groups: dict[str, list[str]] = {}
    for s in view.nodes:
        if cluster == "team":
            key = g.services[s].owner or "(no owner)"
        elif cluster == "wave":
            number = view.wave(s)
            key = f"wave {number}" if number else "not restored"
        else:
            key = ""
        groups.setdefault(key, []).append(s)
    for key in sorted(groups):
        if key:
            with dot.subgraph(name=f"cluster_{_safe(key)}") as sub:
                sub.attr(label=key, style="rounded,dashed", color="#999999", fontcolor="#555555")
                for s in groups[key]:
                    _node(sub, view, s)
        else:
            for s in groups[key]:
                _node(dot, view, s)
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
        dot.body.append(f"\t{source} -> {target}{attrs}\n")
    _legend(dot, view)
    return str(dot.source)


def _render_teams(view: View, by: str) -> str:
    boxes, links, pairs = collapse(view, by)
    what = "restore wave" if by == "wave" else "owner team"
    shown = f" (the {len(links)} heaviest of {pairs} links between boxes)" if pairs > len(links) else ""
    note = (
        f"{len(view.nodes):,} services: one box per {what}{shown}. "
        "--focus SERVICE draws a service's neighbourhood; --detail every service"
    )
    dot = graphviz.Digraph(
        "recovery",
        graph_attr={
            "rankdir": "LR",
            "fontname": "Helvetica",
            "label": f"{_title(view)}\\n{note}",
            "labelloc": "t",
        },
        node_attr={"shape": "box", "style": "rounded,filled", "fontname": "Helvetica", "fontsize": "10"},
        edge_attr={"fontname": "Helvetica", "fontsize": "9", "color": "#333333"},
    )
    for box in boxes:
        down = f"\\n{box.down} down in this scenario" if view.scenario else ""
        label = f"{literal(box.team)}\\n{box.services} services, {box.critical} critical{down}"
        fill = STATE_FILL["impacted"] if view.scenario and box.down else "#f3f3f3"
        dot.node(f"team_{_safe(box.team)}", label=label, fillcolor=fill)
    for (a, b), (hard, soft) in links.items():
        said = [f"{hard} hard"] if hard else []
        said += [f"{soft} soft"] if soft else []
        style = "solid" if hard else "dotted"
        dot.edge(f"team_{_safe(a)}", f"team_{_safe(b)}", label=", ".join(said), style=style)
    return str(dot.source)


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


def _title(view: View) -> str:
    title = literal(view.planning.graph.plan.name)
    if view.scenario:
        title = f"{title} — {literal(view.planning.selection.name)}"
    return f"{title}\\n{literal(view.note)}" if view.note else title


def _id(service: str) -> str:
    return service


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text)


def _node(dot: graphviz.Digraph, view: View, s: str) -> None:
    svc = view.planning.graph.services[s]
    owner = svc.owner or "NO OWNER"
    facts = [f"RTO {fmt_duration(svc.rto.total_seconds())}"] if svc.rto else []
    facts.append(svc.criticality.value)
    wave = view.wave(s) if view.scenario else None
    if wave:
        facts.append(f"wave {wave}")
    label = f"{literal(svc.label)}\\n{s} · {owner}\\n{' · '.join(facts)}"
    attrs: dict[str, str] = {"label": label, "tooltip": literal(svc.description or svc.label)}
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
        attrs.update(style="rounded,filled,bold", fontname="Helvetica-Bold", xlabel="focus")
    # written as a pre-quoted line (as the edges are): repeated values are quoted once
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


LEGEND_EDGES = {
    "hard": ("────", "#333333", "hard dependency, checked"),
    "unchecked": ("- - -", "#333333", "hard dependency, NO CHECK"),
    "soft": ("· · · ·", "#777777", "soft: runs degraded without it"),
    "bypassed": ("━━━━", "#cc0000", "check bypassed by an open workaround"),
    "indirect": ("- - -", "#999999", "indirect (services between hidden)"),
}
"""How the legend draws each kind of edge (a line of text in its colour) and says it."""


def _legend(dot: graphviz.Digraph, view: View) -> None:
    """One small table listing only what the picture uses: the fills of its nodes, the audit
    outline if a node has it, the kinds of its edges; and which way the arrows point."""
    services = view.planning.graph.services
    used: set[str]
    if view.scenario:
        used = {str(view.state[s]) for s in view.nodes}
        fills = [(k, v) for k, v in STATE_FILL.items() if k in used]
    else:
        used = {services[s].criticality.value for s in view.nodes}
        fills = [(k, v) for k, v in CRITICALITY_FILL.items() if k in used]
    rows = [
        '<TR><TD COLSPAN="2" ALIGN="LEFT"><B>Legend</B>: arrows point the way restoration flows, '
        "dependency → dependent</TD></TR>"
    ]
    rows += [
        f'<TR><TD BGCOLOR="{colour}" BORDER="1" WIDTH="28"> </TD><TD ALIGN="LEFT">{name}</TD></TR>'
        for name, colour in fills
    ]
    if any(s in view.errors for s in view.nodes):
        rows.append(
            '<TR><TD BORDER="2" COLOR="#cc0000" WIDTH="28"> </TD>'
            '<TD ALIGN="LEFT">worst audit errors: unowned critical service, open bypass, RTO that '
            "cannot be met... (planner audit)</TD></TR>"
        )
    kinds = {e.kind for e in view.edges}
    for kind, (line, colour, text) in LEGEND_EDGES.items():
        if kind in kinds:
            rows.append(f'<TR><TD><FONT COLOR="{colour}">{line}</FONT></TD><TD ALIGN="LEFT">{text}</TD></TR>')
    table = '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">' + "".join(rows) + "</TABLE>>"
    dot.node("legend", label=table, shape="plaintext", style="", fontsize="8")
