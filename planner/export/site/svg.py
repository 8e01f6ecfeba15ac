"""Graphviz's ``dot`` for many small pictures: a few dozen graphs per run (one ``dot`` per page
spent more time starting than drawing), two runs at a time (one per core; the Python side, which
writes the pages, takes little)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from planner.export.dot import render_binary

BATCH = 24
"""Pictures per ``dot`` run."""
WORKERS = 2
"""``dot`` runs at a time."""
_HEAD = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def inline(svg: str) -> str:
    """A picture for inside an HTML page: without the XML declaration, doctype and comments.

    Examples
    --------
    >>> inline('<?xml version="1.0"?>\\n<!DOCTYPE svg>\\n<!-- g -->\\n<svg><!-- n --><g/></svg>\\n')
    '<svg><g/></svg>'
    """
    return _COMMENT.sub("", _HEAD.sub("", svg, count=1)).strip()


def _draw(sources: list[str]) -> list[str]:
    out = render_binary("".join(sources), "svg").decode("utf-8")
    pictures = [inline(part) for part in out.split("<?xml ") if part.strip()]
    if len(pictures) != len(sources):  # pragma: no cover - dot writes one document per graph
        raise RuntimeError(f"dot drew {len(pictures)} pictures of {len(sources)}")
    return pictures


def draw_all(
    jobs: Iterable[tuple[str, Callable[[str], None]]], workers: int = WORKERS, batch: int = BATCH
) -> int:
    """Draw each job's DOT text and hand its SVG to the job's callback, in the jobs' order (the
    callbacks run in this thread); at most ``workers`` runs of ``dot`` at a time. Returns how
    many pictures were drawn."""
    drawn = 0
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: list[tuple[Future[list[str]], list[Callable[[str], None]]]] = []
        for chunk in _chunks(jobs, batch):
            pending.append((pool.submit(_draw, [dot for dot, _ in chunk]), [done for _, done in chunk]))
            while len(pending) > workers:
                drawn += _finish(*pending.pop(0))
        while pending:
            drawn += _finish(*pending.pop(0))
    return drawn


def _finish(future: Future[list[str]], callbacks: list[Callable[[str], None]]) -> int:
    for svg, done in zip(future.result(), callbacks, strict=True):
        done(svg)
    return len(callbacks)


def _chunks(
    jobs: Iterable[tuple[str, Callable[[str], None]]], size: int
) -> Iterator[list[tuple[str, Callable[[str], None]]]]:
    chunk: list[tuple[str, Callable[[str], None]]] = []
    for job in jobs:
        chunk.append(job)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
