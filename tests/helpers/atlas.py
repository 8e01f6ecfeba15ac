"""The atlas's pictures as Graphviz lays them out (``dot -Tjson``), and what makes one readable:
at most :data:`MAX_BOXES` boxes, every edge in the reading direction (left to right), the
legend's text at least as large as the boxes' labels, every box a link to a page of the site.

Used by tests/export/test_site_layout.py and scripts/check_atlas.py (every picture of a
2,000-service plan, after pytest)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable, Iterator
from typing import Any

MAX_BOXES = 60


def layouts(dots: Iterable[str], batch: int = 40) -> Iterator[dict[str, Any]]:
    """Each DOT text's layout, a few dozen graphs per run of ``dot``."""
    chunk: list[str] = []
    for dot in dots:
        chunk.append(dot)
        if len(chunk) == batch:
            yield from _run(chunk)
            chunk = []
    if chunk:
        yield from _run(chunk)


def _run(dots: list[str]) -> Iterator[dict[str, Any]]:
    done = subprocess.run(["dot", "-Tjson"], input="".join(dots), capture_output=True, text=True, check=True)
    decoder, text, at = json.JSONDecoder(), done.stdout, 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            return
        value, at = decoder.raw_decode(text, at)
        yield value


def problems(lay: dict[str, Any], pages: set[str] | None) -> list[str]:
    """What makes a laid-out picture hard to read, or a box a dead end (``pages``: the site's
    pages, None for a picture that links nowhere)."""
    said: list[str] = []
    nodes = {o["_gvid"]: o for o in lay.get("objects", []) if "pos" in o and "nodes" not in o}
    boxes = [o for o in nodes.values() if o.get("name") != "legend"]
    if len(boxes) > MAX_BOXES:
        said.append(f"{len(boxes)} boxes (at most {MAX_BOXES})")
    x = {gvid: float(o["pos"].split(",")[0]) for gvid, o in nodes.items()}
    for edge in lay.get("edges", []):
        if x[edge["head"]] <= x[edge["tail"]]:
            said.append(f"edge {nodes[edge['tail']]['name']} -> {nodes[edge['head']]['name']} points back")
    label = max((float(o.get("fontsize", lay.get("fontsize", 14))) for o in boxes), default=0.0)
    legend = [o for o in nodes.values() if o.get("name") == "legend"]
    if legend and float(legend[0].get("fontsize", 14)) < label:
        said.append(f"legend text {legend[0]['fontsize']} pt, smaller than the labels' {label} pt")
    if label and label < 10:
        said.append(f"labels of {label} pt")
    for o in boxes if pages is not None else ():
        if o.get("URL") not in pages:
            said.append(f"box {o.get('name')} links to {o.get('URL')!r}, no page of the site")
    return said
