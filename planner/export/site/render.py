"""Writing the atlas: the pages through Jinja2 templates (autoescaped: plan fields are untrusted
text), the pictures through Graphviz, the search index, the style sheet and the search script."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from planner.export.site import pages
from planner.export.site.content import NO_OWNER, Atlas
from planner.export.site.pictures import picture_dot, service_view, team_view, teams_dot
from planner.export.site.svg import draw_all
from planner.export.view import View

STATIC = ("atlas.css", "atlas.js")
FIT_POINTS = 960
"""A picture at most this wide (in points) is shrunk to the page's width on a wide screen: its
10 pt labels stay at 10 px or more on a page 1,000 px wide. A wider one keeps its size and
scrolls inside its frame."""
_WIDTH = re.compile(r'<svg[^>]*?\swidth="([0-9.]+)pt"')


@dataclass
class Written:
    """What :func:`write_site` wrote, and where its time went."""

    pages: int = 0
    pictures: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall-clock seconds of each step."""


def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("planner.export.site", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )


def write_site(atlas: Atlas, out: Path, source: str, workers: int = 2) -> Written:
    """Write the atlas of ``atlas`` into the directory ``out`` (made if missing)."""
    out.mkdir(parents=True, exist_ok=True)
    for name in STATIC:
        (out / name).write_bytes(resources.files("planner.export.site").joinpath("static", name).read_bytes())
    env = _environment()
    common = {
        "plan_name": atlas.plan.name,
        "files": atlas.files,
        "version": _version(),
        "generated": datetime.now(UTC).strftime("%Y-%m-%d"),  # the day the audit is as of
        "source": Path(source).name,
        "no_owner": NO_OWNER,
    }
    written, started = Written(), time.perf_counter()

    def page(template: str, name: str, context: dict[str, Any], **extra: Any) -> Callable[[str], None]:
        def done(svg: str) -> None:
            fits = _points(svg) <= FIT_POINTS
            html = env.get_template(template).render(page=context, svg=svg, fits=fits, **common, **extra)
            (out / name).write_text(html, encoding="utf-8")
            written.pages += 1

        return done

    def jobs() -> Iterator[tuple[str, Callable[[str], None]]]:
        dot, note = teams_dot(atlas)
        yield dot, page("index.html", "index.html", pages.index_page(atlas), picture_note=note)
        for team in sorted(atlas.teams):
            if not atlas.teams[team]:
                page("team.html", atlas.files[f"team:{team}"], pages.team_page(atlas, team), picture_note="")(
                    ""
                )
                continue
            view, hidden = team_view(atlas, team)
            note = _team_note(view, hidden)
            context = pages.team_page(atlas, team)
            yield (
                picture_dot(view, hidden, "services"),
                page("team.html", atlas.files[f"team:{team}"], context, picture_note=note),
            )
        for s in sorted(atlas.services):
            view, hidden = service_view(atlas, s)
            note = "It (bold), what it depends on (left) and what needs it (right); a box opens its page."
            if hidden:
                note += f" {hidden} more are not drawn: the lists below have them all."
            yield (
                picture_dot(view, hidden, "services"),
                page("service.html", atlas.files[s], pages.service_page(atlas, s), picture_note=note),
            )

    written.pictures = draw_all(jobs(), workers=workers)
    written.seconds["pages and pictures"] = time.perf_counter() - started
    started = time.perf_counter()
    for sid in sorted(atlas.scenarios):
        page("scenario.html", atlas.files[f"scenario:{sid}"], pages.scenario_page(atlas, sid))("")
    page("audit.html", "audit.html", pages.audit_page(atlas))("")
    _search_index(atlas, out)
    written.seconds["scenarios, audit, search"] = time.perf_counter() - started
    return written


def _team_note(view: View, hidden: int) -> str:
    said = "The team's services"
    if any(stub.startswith("team:") for stub in view.stubs):
        said += (
            "; grey boxes: the teams they depend on (an arrow onto this team's frame counts the "
            "dependencies on that team)"
        )
    elif view.stubs:
        said += "; grey boxes: the services of other teams they depend on"
    said += ". A box opens its page."
    if hidden:
        said += (
            f" {hidden} of its services are not drawn (the most critical are): the list below has them all."
        )
    return said


def _search_index(atlas: Atlas, out: Path) -> None:
    entries = [[s, atlas.services[s].label, "service", atlas.files[s]] for s in sorted(atlas.services)]
    entries += [[t, t, "team", atlas.files[f"team:{t}"]] for t in sorted(atlas.teams)]
    entries += [
        [sid, atlas.scenarios[sid].selection.name, "scenario", atlas.files[f"scenario:{sid}"]]
        for sid in sorted(atlas.scenarios)
    ]
    entries += [
        [c.id, c.name, "component", f"index.html#{pages.component_anchor(c.id)}"]
        for c in sorted(atlas.plan.components, key=lambda c: c.id)
    ]
    # a script, not JSON: a page opened from file:// may load a script beside it, not fetch() it;
    # json.dumps escapes every non-ASCII character, so no line separator ends the statement early
    text = "window.ATLAS_INDEX = " + json.dumps(entries, ensure_ascii=True, separators=(",", ":")) + ";\n"
    (out / "search-index.js").write_text(text, encoding="utf-8")


def _version() -> str:
    from planner import __version__

    return __version__


def _points(svg: str) -> float:
    """The width of a picture from Graphviz, in points (0 without one)."""
    found = _WIDTH.search(svg[:500])
    return float(found.group(1)) if found else 0.0
