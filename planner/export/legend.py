"""The legends of the Graphviz pictures: a small table listing only what the picture uses, its
text as large as the boxes' labels, each kind of edge shown by a real line in its style and
colour (a table cell's bottom border), not by characters in grey."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.export.view import View

LABEL_SIZE = "10"
"""Points: the boxes' labels, and the legend's text (never smaller than the labels)."""

# kind: (border style, width, colour, what it means)
LINES: dict[str, tuple[str, int, str, str]] = {
    "hard": ("solid", 1, "#333333", "hard dependency, checked"),
    "unchecked": ("dashed", 1, "#333333", "hard dependency, NO CHECK"),
    "soft": ("dotted", 1, "#777777", "soft: runs degraded without it"),
    "bypassed": ("solid", 3, "#cc0000", "check bypassed by an open workaround"),
    "indirect": ("dashed", 1, "#999999", "indirect (services between hidden)"),
}
"""How the legend draws each kind of edge, and says it."""
TEAM_LINES: dict[str, tuple[str, int, str, str]] = {
    "hard": ("solid", 1, "#333333", "services of the right team depend on the left one's (counts)"),
    "soft": ("dotted", 1, "#333333", "only soft dependencies"),
    "both": ("solid", 2, "#333333", "two-way: the teams depend on each other (a cycle between teams)"),
    "back": ("dashed", 1, "#333333", "against the flow: part of a cycle of three or more teams"),
}
"""The team pictures' links."""


def _line(style: str, width: int, colour: str) -> str:
    dash = "" if style == "solid" else f' STYLE="{style}"'
    return (
        f'<TD SIDES="B" BORDER="{width}"{dash} COLOR="{colour}" WIDTH="36" HEIGHT="8" FIXEDSIZE="TRUE"></TD>'
    )


def legend_table(
    fills: Iterable[tuple[str, str]],
    lines: Iterable[tuple[str, int, str, str]],
    *,
    title: str,
    outline: str | None = None,
) -> str:
    """A legend as a Graphviz HTML-like label: ``title``, a swatch per ``(name, colour)`` fill,
    an outlined swatch saying ``outline``, a line sample per ``(style, width, colour, text)``."""
    rows = [f'<TR><TD COLSPAN="2" ALIGN="LEFT"><B>Legend</B>: {title}</TD></TR>']
    rows += [
        f'<TR><TD BGCOLOR="{colour}" BORDER="1" WIDTH="36" HEIGHT="14" FIXEDSIZE="TRUE"></TD>'
        f'<TD ALIGN="LEFT">{name}</TD></TR>'
        for name, colour in fills
    ]
    if outline:
        rows.append(
            '<TR><TD BORDER="2" COLOR="#cc0000" WIDTH="36" HEIGHT="14" FIXEDSIZE="TRUE"></TD>'
            f'<TD ALIGN="LEFT">{outline}</TD></TR>'
        )
    rows += [f'<TR>{_line(s, w, c)}<TD ALIGN="LEFT">{text}</TD></TR>' for s, w, c, text in lines]
    return '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">' + "".join(rows) + "</TABLE>>"


def legend_node(label: str) -> str:
    """The DOT line of a legend node with ``label`` (from :func:`legend_table`)."""
    return f'\tlegend [label={label} shape=plaintext style="" fontsize={LABEL_SIZE} fontname=Helvetica]\n'


def picture_legend(view: View, criticality: Mapping[str, str], state: Mapping[str, str], stub: str) -> str:
    """The legend of a picture of services: only what it uses (the fills of its boxes, by
    criticality or by ``state`` in a scenario; the audit outline if a box has it; the kinds of
    its edges), and which way the arrows point."""
    services = view.planning.graph.services
    if view.scenario:
        used = {str(view.state[s]) for s in view.nodes}
        fills = [(k, v) for k, v in state.items() if k in used]
    else:
        used = {services[s].criticality.value for s in view.nodes}
        fills = [(k, v) for k, v in criticality.items() if k in used]
    if view.stubs:
        fills.append(("outside this picture: another team's service, or a whole team", stub))
    outline = None
    if any(s in view.errors for s in view.nodes):
        outline = (
            "worst audit errors: unowned critical service, open bypass, RTO that cannot be met... "
            "(planner audit)"
        )
    kinds = {e.kind for e in view.edges}
    return legend_table(
        fills,
        [line for kind, line in LINES.items() if kind in kinds],
        title="arrows point the way restoration flows, dependency → dependent",
        outline=outline,
    )
