"""The pages in HTML (Jinja2 templates, every value escaped) and JSON, from :mod:`planner.web.pages`.

A page is a shell (``page.html``: the head, the script and the styles) around its live part,
the HTML the server pushes to browsers over Server-Sent Events whenever it changes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from planner.tracking.domain.moments import moment
from planner.web.pages import internal_page, public_page
from planner.web.reading import Reading

_LINES = re.compile(r"\r\n|\r|\n")
"""What ends a line in an event stream (and nothing else: a form feed stays in its line)."""
REFRESH_SECONDS = 30
"""How often a browser without JavaScript reloads the page."""


class Kind(StrEnum):
    """Which page: the public one, or the internal one."""

    PUBLIC = "public"
    INTERNAL = "internal"


BUILD = {Kind.PUBLIC: public_page, Kind.INTERNAL: internal_page}


@dataclass(frozen=True)
class Rendered:
    """One page as of one read: its live part in HTML and its data in JSON."""

    live: str
    json: bytes


def _moment(when: str | None, now: str) -> str:
    """An ISO time as people read it (``14:05``, with the date on another day than ``now``)."""
    if when is None:
        return ""
    return moment(datetime.fromisoformat(when), datetime.fromisoformat(now))


@cache
def environment() -> Environment:
    """The templates, with every value escaped (``autoescape``) and unknown names an error."""
    env = Environment(
        loader=PackageLoader("planner.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["moment"] = _moment
    return env


def render(kind: Kind, reading: Reading) -> Rendered:
    """The page ``kind`` as of ``reading``."""
    page = BUILD[kind](reading)
    live = environment().get_template(f"{kind}_live.html").render(page=page)
    return Rendered(live, json.dumps(page, ensure_ascii=False, indent=2).encode() + b"\n")


def shell(kind: Kind, live: str, version: str, *, title: str) -> str:
    """The whole page around its live part (its links are relative: it works under any path)."""
    return (
        environment()
        .get_template("page.html")
        .render(title=title, live=Markup(live), version=version, refresh=REFRESH_SECONDS, kind=kind)
    )


@cache
def static(name: str) -> bytes:
    """A static file of the page (its script, its styles)."""
    return resources.files("planner.web").joinpath("static", name).read_bytes()


def sse(event: str, data: str, ident: str | None = None) -> bytes:
    """One Server-Sent Event: each line of ``data`` on its own ``data:`` line."""
    lines = [f"event: {event}"]
    if ident is not None:
        lines.append(f"id: {ident}")
    lines += [f"data: {line}" for line in _LINES.split(data)]
    return ("\n".join(lines) + "\n\n").encode()
