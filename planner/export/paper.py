"""PDF on paper: Graphviz's PDF is one page the size of the drawing (24x33 inches for the
enterprise example). This puts it on A4 or Letter pages (pypdf): scaled onto one page, turned to
landscape when the drawing is wider than tall, while the text stays readable; otherwise at the
smallest readable scale over as many pages as it takes, in reading order, each tile overlapping
its neighbours by the margin (for taping together)."""

from __future__ import annotations

import io
import math
from typing import Literal

Page = Literal["a4", "letter"]

PAGES: dict[str, tuple[float, float]] = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
"""Portrait page sizes in PostScript points."""
MARGIN = 36.0
"""Half an inch on every side."""
MIN_SCALE = 0.6
"""The smallest scale: the diagram's 10 pt labels stay at 6 pt or more."""


FIT_MARGIN = 18.0
"""``--fit``: a quarter of an inch, for more room."""
LABEL_POINTS = 10.0
"""The size of the diagram's labels at scale 1."""


def fit_scale(width: float, height: float, page: Page, margin: float = FIT_MARGIN) -> tuple[float, bool]:
    """The scale that puts a ``width`` x ``height`` drawing on one page, and whether landscape
    gives it (the orientation with the larger scale).

    Examples
    --------
    >>> scale, landscape = fit_scale(2112, 1494, "a4")
    >>> round(scale, 2), landscape
    (0.37, True)
    """
    paper_w, paper_h = PAGES[page]
    portrait = min(1.0, (paper_w - 2 * margin) / width, (paper_h - 2 * margin) / height)
    landscape = min(1.0, (paper_h - 2 * margin) / width, (paper_w - 2 * margin) / height)
    return max(portrait, landscape), landscape > portrait


def on_paper(pdf: bytes, page: Page, fit: bool = False) -> tuple[bytes, int, float]:
    """``pdf`` (one page) laid out on ``page`` paper; returns the new PDF, its page count and
    the scale one page would have needed. With ``fit``: narrower margins and the orientation
    that gives the larger scale."""
    from pypdf import PageObject, PdfReader, PdfWriter, Transformation

    source = PdfReader(io.BytesIO(pdf)).pages[0]
    width, height = float(source.mediabox.width), float(source.mediabox.height)
    paper_w, paper_h = PAGES[page]
    margin = FIT_MARGIN if fit else MARGIN
    one_page, landscape = fit_scale(width, height, page, margin)
    if landscape if fit else width > height:  # landscape for a wide drawing
        paper_w, paper_h = paper_h, paper_w
    room_w, room_h = paper_w - 2 * margin, paper_h - 2 * margin
    fit_to = min(1.0, room_w / width, room_h / height)
    writer = PdfWriter()
    if fit_to >= MIN_SCALE:
        sheet = PageObject.create_blank_page(width=paper_w, height=paper_h)
        dx = margin + (room_w - width * fit_to) / 2
        dy = margin + (room_h - height * fit_to) / 2
        sheet.merge_transformed_page(source, Transformation().scale(fit_to).translate(dx, dy))
        writer.add_page(sheet)
    else:
        scaled_w, scaled_h = width * MIN_SCALE, height * MIN_SCALE
        columns, rows = math.ceil(scaled_w / room_w), math.ceil(scaled_h / room_h)
        for row in range(rows):  # top row first, left to right: reading order
            for column in range(columns):
                sheet = PageObject.create_blank_page(width=paper_w, height=paper_h)
                dx = margin - column * room_w
                dy = margin - (scaled_h - (row + 1) * room_h)
                sheet.merge_transformed_page(source, Transformation().scale(MIN_SCALE).translate(dx, dy))
                writer.add_page(sheet)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages), one_page


__all__ = ["LABEL_POINTS", "MIN_SCALE", "PAGES", "Page", "fit_scale", "on_paper"]
