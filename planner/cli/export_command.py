"""``planner export``.

Commands import their own modules inside the function (see :mod:`planner.cli`).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import click

from planner.cli.options import FAILED, FORCE, PLAN
from planner.cli.streams import say, write_output
from planner.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from planner.audit.findings import AuditReport
    from planner.engine.planning import Planning
    from planner.engine.workarounds import OpenWorkaround
    from planner.export.view import View


class ExportFormat(StrEnum):
    """``--format`` of ``planner export``."""

    DOT = "dot"
    SVG = "svg"
    PNG = "png"
    PDF = "pdf"
    MERMAID = "mermaid"
    GANTT = "gantt"
    MARKDOWN = "markdown"
    SITE = "site"


READABLE_BOXES = 60
"""Boxes a picture holds while its labels stay readable on a page 1,000 px wide."""
BINARY = frozenset({ExportFormat.SVG, ExportFormat.PNG, ExportFormat.PDF})
"""The formats Graphviz draws (bytes, not text)."""


@click.command()
@PLAN
@click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in ExportFormat]),
    required=True,
    help="dot/svg/png/pdf: Graphviz diagram; mermaid: flowchart; gantt: Mermaid schedule; "
    "markdown: the recovery runbook; site: the atlas, a static site of linked pages (-o DIR)",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(writable=True),
    help="file to write (default or -: stdout); a directory for --format site",
)
@FORCE
@click.option(
    "--scenario",
    metavar="ID",
    help="a scenario of the plan: diagrams colour what it takes down and fade the rest (default: "
    "coloured by criticality); gantt and markdown plan its recovery (default: every service failed)",
)
@FAILED
@click.option(
    "--cluster",
    type=click.Choice(["team", "wave", "none"]),
    default="team",
    show_default=True,
    help="group diagram nodes by owner team, by restore wave, or not at all",
)
@click.option(
    "--focus",
    metavar="SERVICE",
    help="draw (or, for gantt, schedule) only the neighbourhood of SERVICE (large plans): "
    "at most 200 services, the nearest",
)
@click.option("--depth", type=click.IntRange(1, 20), default=2, show_default=True, help="hops around --focus")
@click.option(
    "--gantt-by",
    type=click.Choice(["team", "wave"]),
    default="team",
    show_default=True,
    help="Gantt sections per team or per wave",
)
@click.option("--detail", is_flag=True, help="draw every service even above 200 (default: one box per team)")
@click.option(
    "--page",
    type=click.Choice(["a4", "letter", "none"]),
    default="a4",
    show_default=True,
    help="pdf: paper size; the diagram is scaled onto one page while its text stays readable, "
    "else tiled over several (none: one page the size of the drawing)",
)
@click.option(
    "--fit",
    is_flag=True,
    help="pdf: one page (narrow margins, the better orientation) while labels stay at 6 pt or more; "
    "else tiled, and said why",
)
def export(  # noqa: PLR0917 - click passes every option by name
    plan: str,
    fmt: str,
    output: str | None,
    force: bool,
    scenario: str | None,
    failed: tuple[str, ...],
    cluster: str,
    focus: str | None,
    depth: int,
    gantt_by: str,
    detail: bool,
    page: str,
    fit: bool,
) -> int:
    """Diagrams and the recovery runbook for documentation.

    Edges point the way restoration flows (dependency -> dependent): solid hard, dotted soft,
    dashed hard without a check, red a check bypassed by an open workaround. Services are coloured
    by criticality, or by --scenario (failed / impacted / degraded; the rest faded). The worst
    audit errors are outlined (an open or expired workaround, an RTO no staffing meets, a broken
    dependency, a critical service without an owner; the title counts them when over half would
    be). svg, png, pdf, site need Graphviz's `dot`; dot, mermaid, gantt, markdown do not. site
    writes the atlas: a page per team, service and scenario, every picture readable.

    \b
    Examples:
      planner export examples/enterprise.yaml --format png -o plan.png
      planner export examples/enterprise.yaml --format markdown --scenario storage-outage -o runbook.md
      planner export big.yaml --format svg --focus db-primary --depth 2 -o db.svg
    """
    if fmt == ExportFormat.SITE or (output and Path(output).is_dir()):
        given = {"--scenario": scenario, "--failed": failed, "--focus": focus, "--detail": detail}
        return _export_site(plan, output, force, fmt, [name for name, value in given.items() if value])
    data, text = _picture(plan, fmt, scenario, failed, cluster, focus, depth, gantt_by, detail)
    if fmt == ExportFormat.PDF and page != "none" and data is not None:
        data = _on_paper(data, page, fit)
    if data is not None and output in (None, "-") and sys.stdout.isatty():
        raise UsageError(f"--format {fmt} is binary: give -o FILE or redirect standard output")
    write_output(output, text, data, force=force, inputs=(plan,))
    return 0


def _picture(  # noqa: PLR0917 - the options of export, passed on
    plan: str,
    fmt: str,
    scenario: str | None,
    failed: tuple[str, ...],
    cluster: str,
    focus: str | None,
    depth: int,
    gantt_by: str,
    detail: bool,
) -> tuple[bytes | None, str | Iterator[str] | None]:
    """The export of every format but site: bytes for the binary ones, else text (the runbook
    in parts, made as it is written)."""
    from planner.audit import as_of_moment, run_audit
    from planner.engine.planning import plan_recovery
    from planner.engine.workarounds import open_workarounds
    from planner.export.view import COLLAPSE_ABOVE, FOCUS_LIMIT, WORST_RULES, build_view, outlined
    from planner.planfile.loader import load_plan

    loaded = load_plan(plan)
    valid = loaded.require_valid()
    _check_focus(focus, {s.id for s in valid.services})
    planning = plan_recovery(valid, scenario, list(failed) or None)
    narrowed, workarounds = bool(scenario or failed), open_workarounds(valid)
    teams_only = len(valid.services) > COLLAPSE_ABOVE and focus is None and not detail  # no outlines
    needed = fmt == ExportFormat.MARKDOWN or (fmt != ExportFormat.GANTT and not teams_only)
    # the outline reads the few rules it outlines, the runbook none: no finding is held
    report = run_audit(loaded, as_of_moment(None), scenario, held=False) if needed else None
    critical = {s.id for s in valid.services if s.criticality.value == "critical"}
    errors, note = outlined(report.each(WORST_RULES) if report else [], critical, len(valid.services))
    limit = None if detail or fmt in ("markdown", "gantt") else FOCUS_LIMIT
    view = build_view(planning, workarounds, errors, scenario=narrowed, focus=focus, depth=depth, limit=limit)
    _add_note(view, note)
    text, data = _render(
        fmt, cluster, gantt_by, detail, planning=planning, view=view, report=report, workarounds=workarounds
    )
    _hint(view, fmt, detail)
    return data, text


def _hint(view: View, fmt: str, detail: bool) -> None:
    """Say on stderr when a picture has more boxes than a page can show readably."""
    from planner.export.view import COLLAPSE_ABOVE

    boxes = len(view.nodes)
    if fmt in BINARY | {ExportFormat.DOT} and boxes > READABLE_BOXES and (boxes <= COLLAPSE_ABOVE or detail):
        say(
            f"note: this picture has {boxes} boxes; past about {READABLE_BOXES} its labels get too small to "
            "read on a page: --focus SERVICE draws one service's neighbourhood, --format site a page each",
            err=True,
        )


def _check_focus(focus: str | None, known: set[str]) -> None:
    """An unknown ``--focus`` service is a usage error, with the closest id."""
    from planner.suggest import did_you_mean

    if focus is not None and focus not in known:
        raise UsageError(f"unknown service '{focus}' for --focus{did_you_mean(focus, known)}")


def _add_note(view: View, note: str) -> None:
    """Add the audit outline's ``note`` to the title; say on stderr what a focus left out (the
    view's own note), which the title says too."""
    from planner.style import visible

    if view.note:
        say(f"note: {visible(view.note)}", err=True)
    view.note = "; ".join(said for said in (note, view.note) if said)


def _on_paper(pdf: bytes, page: str, fit: bool) -> bytes:
    from planner.export.paper import LABEL_POINTS, MIN_SCALE, on_paper

    paged, pages, scale = on_paper(pdf, page, fit)  # type: ignore[arg-type]
    if pages > 1:
        why = (
            f": one page would shrink the labels to {LABEL_POINTS * scale:.1f} pt, under "
            f"{LABEL_POINTS * MIN_SCALE:g} pt (--focus SERVICE or --format site draw less)"
            if fit
            else ""
        )
        order = "read left to right, top to bottom"
        say(f"the diagram is tiled over {pages} {page.upper()} pages ({order}){why}", err=True)
    return paged


def _render(
    fmt: str,
    cluster: str,
    gantt_by: str,
    detail: bool,
    *,
    planning: Planning,
    view: View,
    report: AuditReport | None,
    workarounds: list[OpenWorkaround],
) -> tuple[str | Iterator[str] | None, bytes | None]:
    """The export as text (the runbook in parts, made as it is written), or as bytes for the
    binary formats."""

    from planner.export.dot import render_binary, render_dot
    from planner.export.mermaid import render_flowchart, render_gantt
    from planner.export.runbook import runbook_text

    if fmt == ExportFormat.DOT:
        return render_dot(view, cluster, detail=detail), None  # type: ignore[arg-type]
    if fmt in BINARY:
        return None, render_binary(render_dot(view, cluster, detail=detail), fmt)  # type: ignore[arg-type]
    if fmt == ExportFormat.MERMAID:
        return render_flowchart(view, detail=detail), None
    if fmt == ExportFormat.GANTT:
        return render_gantt(planning, gantt_by, only=set(view.nodes) if view.focus else None), None
    assert report is not None
    return runbook_text(planning, view, report, workarounds, datetime.now(UTC).date()), None


def _export_site(plan: str, output: str | None, force: bool, fmt: str, given: list[str]) -> int:
    """``--format site``: the atlas, written into the directory ``output``."""
    import time

    if fmt != ExportFormat.SITE:
        raise UsageError(f"{output} is a directory: give a file name (a directory is for --format site)")
    if given:
        raise UsageError(
            f"--format site draws every team, service and scenario of the plan: {', '.join(given)} "
            "does not apply to it"
        )

    from planner.audit import as_of_moment
    from planner.export.site import build_atlas, write_site
    from planner.planfile.loader import load_plan
    from planner.style import visible

    if output in (None, "-"):
        raise UsageError("--format site writes a directory of pages: give -o DIR")
    assert output is not None
    where = Path(output)
    if where.exists() and not where.is_dir():
        raise UsageError(f"{visible(output)} is a file: --format site writes a directory")
    if where.is_dir() and any(where.iterdir()) and not force:
        raise UsageError(f"{visible(output)} is not empty: give --force to write the atlas into it anyway")
    started = time.perf_counter()
    atlas = build_atlas(load_plan(plan), as_of_moment(None))
    planned = time.perf_counter() - started
    written = write_site(atlas, where, plan)
    seconds = time.perf_counter() - started
    say(
        f"wrote {written.pages:,} pages with {written.pictures:,} pictures into {visible(output)} in "
        f"{seconds:.1f} s (plan and audit {planned:.1f} s); open {visible(str(where / 'index.html'))}",
        err=True,
    )
    return 0
