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
    # the legend: a node of its own, or (a page's picture) the graph's label under it
    legend = [o for o in nodes.values() if o.get("name") == "legend"] or (
        [lay] if "Legend" in str(lay.get("label", "")) else []
    )
    if not legend:
        said.append("no legend")
    elif float(legend[0].get("fontsize", 14)) < label:
        said.append(f"legend text {legend[0]['fontsize']} pt, smaller than the labels' {label} pt")
    if label and label < 10:
        said.append(f"labels of {label} pt")
    said += _overlaps(lay)
    for o in boxes if pages is not None else ():
        if o.get("URL") not in pages:
            said.append(f"box {o.get('name')} links to {o.get('URL')!r}, no page of the site")
    return said


def _overlaps(lay: dict[str, Any]) -> list[str]:
    """Team boxes (clusters) that cross one another, or a service box they do not hold."""
    clusters = [
        o for o in lay.get("objects", []) if str(o.get("name", "")).startswith("cluster") and "bb" in o
    ]
    boxes = {c["name"]: tuple(float(v) for v in c["bb"].split(",")) for c in clusters}
    said = []
    names = sorted(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = boxes[a], boxes[b]
            if ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1:
                said.append(f"{a} and {b} overlap")
    held = {n: c["name"] for c in clusters for n in c.get("nodes", [])}
    for o in lay.get("objects", []):
        if "pos" not in o or "nodes" in o or o.get("name") == "legend":
            continue
        x, y = (float(v) for v in o["pos"].split(","))
        w, h = float(o.get("width", 0)) * 36, float(o.get("height", 0)) * 36
        for name, (x0, y0, x1, y1) in boxes.items():
            if name != held.get(o["_gvid"]) and x - w < x1 and x0 < x + w and y - h < y1 and y0 < y + h:
                said.append(f"{o.get('name')} lies on {name}")
    return said
