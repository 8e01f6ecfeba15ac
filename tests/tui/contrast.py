"""WCAG contrast of what a Textual screen draws: every character cell that shows text, its
foreground against its background, as the compositor renders the screen."""

from __future__ import annotations

from typing import Any

from rich.color import Color
from rich.style import Style
from textual.geometry import Region

DRAWING = "▁▂▃▄▅▆▇█▀▔▏▎▍▌▋▊▉▕▐━│─├└┌┐┘┬┴┼"
"""Borders, scroll bars and tree guides: drawing, not text."""
MINIMUM = 4.5
"""WCAG AA for normal text."""


def luminance(color: Color) -> float:
    """Relative luminance (WCAG 2) of a colour."""
    red, green, blue = color.get_truecolor()

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def ratio(foreground: Color, background: Color) -> float:
    """The contrast ratio of two colours, 1 to 21."""
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def colours(style: Style) -> tuple[Color, Color] | None:
    """The foreground and background a segment is drawn in (None when either is unset)."""
    fg, bg = style.color, style.bgcolor
    if fg is None or bg is None:
        return None
    return (bg, fg) if style.reverse else (fg, bg)


def low_contrast(screen: Any, minimum: float = MINIMUM, within: list[Region] | None = None) -> list[str]:
    """Every run of text on ``screen`` drawn under ``minimum`` contrast: ``"row 3: 'text' 3.1"``;
    only inside ``within`` when given (a dialog: the screen it covers is dimmed on purpose)."""
    found = []
    for y, strip in enumerate(screen._compositor.render_strips()):  # the screen as drawn
        x = 0
        for segment in strip:
            text, style = segment.text, segment.style
            left, x = x, x + segment.cell_length
            if within is not None and not any(r.contains(left, y) for r in within):
                continue
            if (
                style is None
                or not text.strip()
                or all(c in "▁▂▃▄▅▆▇█▀▔▏▎▍▌▋▊▉▕▐━│─├└┌┐┘┬┴┼" for c in text.strip())
            ):
                continue
            pair = colours(style)
            if pair is None:
                continue
            value = ratio(*pair)
            if value < minimum:
                found.append(f"row {y}: {text.strip()[:40]!r} {value:.2f} ({pair[0].name} on {pair[1].name})")
    return found
