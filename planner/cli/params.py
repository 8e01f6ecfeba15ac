"""Option types the CLI shares that click's own do not cover."""

from __future__ import annotations

import math

import click


class Seconds(click.FloatRange):
    """A number of seconds within a range, refusing ``nan`` (every comparison with it is false,
    so click's range check lets it through and a ``--timeout nan`` meant no timeout at all).

    Examples
    --------
    >>> Seconds(min=0.1, max=3600).convert("2.5", None, None)
    2.5
    """

    name = "seconds"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        seconds = super().convert(value, param, ctx)  # type: ignore[arg-type] # any text
        if isinstance(seconds, float) and math.isnan(seconds):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return float(seconds)
