"""Components in words, for responders (``incident status``, the report): the affected ones
worst first with their ETA and the services they wait on, then the operational ones in one line.
Component names come from the plan: untrusted, escaped wherever they are printed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from planner import markdown
from planner.style import Style, plain, visible
from planner.tracking.domain.components import ComponentStatus, ComponentView
from planner.tracking.domain.moments import moment

SHOWN_WAITING = 4
"""Services named per component; the rest are counted."""


def affected(views: Sequence[ComponentView]) -> list[ComponentView]:
    """The components not operational, worst first (then in the plan's order)."""
    hit = [v for v in views if v.status is not ComponentStatus.OPERATIONAL]
    return sorted(hit, key=lambda v: -v.status.rank)


def eta_words(view: ComponentView, now: datetime) -> str:
    """``back by about 03:40 UTC``; ``no estimate yet``; nothing for an operational one."""
    if view.status is ComponentStatus.OPERATIONAL:
        return ""
    return f"back by about {moment(view.eta, now)} UTC" if view.eta else "no estimate yet"


def waiting_words(view: ComponentView) -> str:
    """``waits on db-primary, app-api and 3 more`` (service ids: for responders only)."""
    shown = ", ".join(view.waiting_on[:SHOWN_WAITING])
    more = len(view.waiting_on) - SHOWN_WAITING
    return f"waits on {shown}" + (f" and {more} more" if more > 0 else "") if shown else ""


def summary(views: Sequence[ComponentView]) -> str:
    """``3 of 10 components affected: 1 major outage, 1 partial outage, 1 degraded``.

    Examples
    --------
    >>> v = ComponentView("a", "A", "public", None, ComponentStatus.DEGRADED, None, ("s",))
    >>> summary([v, v]), summary([])
    ('2 of 2 components affected: 2 degraded', 'no components')
    """
    if not views:
        return "no components"
    hit = affected(views)
    if not hit:
        return f"all {len(views)} components operational"
    counts = {s: sum(1 for v in hit if v.status is s) for s in reversed(ComponentStatus)}
    parts = [f"{n} {s.label.lower()}" for s, n in counts.items() if n]
    return f"{len(hit)} of {len(views)} components affected: " + ", ".join(parts)


def component_lines(views: Sequence[ComponentView], now: datetime, style: Style = plain) -> list[str]:
    """The status's components section (nothing when the plan has none)."""
    if not views:
        return []
    hit = affected(views)
    width = min(max((len(v.name) for v in hit), default=0), 30)
    said = summary(views)
    lines = [style(f"{said[0].upper()}{said[1:]}:", "bold")]
    for v in hit:
        words = "  ".join(w for w in (eta_words(v, now), waiting_words(v)) if w)
        line = f"  {visible(v.name)[:30]:<{width}}  {v.audience:<8} {v.status.label.lower():<14} {words}"
        lines.append(style(line.rstrip(), "error" if v.status.rank >= 2 else "warning"))
    ok = [visible(v.name) for v in views if v.status is ComponentStatus.OPERATIONAL]
    if ok:
        lines.append(style("  operational: " + ", ".join(ok), "success"))
    return lines


def component_markdown(views: Sequence[ComponentView], now: datetime) -> list[str]:
    """The components as a Markdown table (nothing when the plan has none)."""
    if not views:
        return []
    lines = [
        "## Components",
        "",
        f"{summary(views)[0].upper()}{summary(views)[1:]}.",
        "",
        "| component | audience | state | ETA | waits on |",
        "|---|---|---|---|---|",
    ]
    for v in [*affected(views), *(v for v in views if v.status is ComponentStatus.OPERATIONAL)]:
        lines.append(
            f"| {markdown.text(v.name)} | {v.audience} | {v.status.label.lower()} | "
            f"{eta_words(v, now) or '-'} | {markdown.text(', '.join(v.waiting_on)) or '-'} |"
        )
    return lines
