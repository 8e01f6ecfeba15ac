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


def on_paper(pdf: bytes, page: Page) -> tuple[bytes, int]:
    """``pdf`` (one page) laid out on ``page`` paper; returns the new PDF and its page count."""
    from pypdf import PageObject, PdfReader, PdfWriter, Transformation

    source = PdfReader(io.BytesIO(pdf)).pages[0]
    width, height = float(source.mediabox.width), float(source.mediabox.height)
    paper_w, paper_h = PAGES[page]
    if width > height:  # landscape for a wide drawing
        paper_w, paper_h = paper_h, paper_w
    room_w, room_h = paper_w - 2 * MARGIN, paper_h - 2 * MARGIN
    fit = min(1.0, room_w / width, room_h / height)
    writer = PdfWriter()
    if fit >= MIN_SCALE:
        sheet = PageObject.create_blank_page(width=paper_w, height=paper_h)
        dx = MARGIN + (room_w - width * fit) / 2
        dy = MARGIN + (room_h - height * fit) / 2
        sheet.merge_transformed_page(source, Transformation().scale(fit).translate(dx, dy))
        writer.add_page(sheet)
    else:
        scaled_w, scaled_h = width * MIN_SCALE, height * MIN_SCALE
        columns, rows = math.ceil(scaled_w / room_w), math.ceil(scaled_h / room_h)
        for row in range(rows):  # top row first, left to right: reading order
            for column in range(columns):
                sheet = PageObject.create_blank_page(width=paper_w, height=paper_h)
                dx = MARGIN - column * room_w
                dy = MARGIN - (scaled_h - (row + 1) * room_h)
                sheet.merge_transformed_page(source, Transformation().scale(MIN_SCALE).translate(dx, dy))
                writer.add_page(sheet)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


__all__ = ["MIN_SCALE", "PAGES", "Page", "on_paper"]
