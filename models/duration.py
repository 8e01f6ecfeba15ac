"""Durations as plan authors write them: ``90s``, ``45m``, ``4h``, ``2d``, ``1h30m`` or ISO 8601."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

_COMPACT = re.compile(r"^(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?$")
_ISO = re.compile(
    r"^P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$",
    re.IGNORECASE,
)
DURATION_PATTERN = r"^(\d+d)?(\d+h)?(\d+m)?(\d+s)?$|^P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"


class DurationError(ValueError):
    """A duration text that is not one of the accepted forms."""


def parse_duration(value: object) -> timedelta:
    """Parse a duration as written in a plan.

    Parameters
    ----------
    value
        ``"90s"``, ``"45m"``, ``"4h"``, ``"2d"``, ``"1h30m"``, an ISO 8601 duration such as
        ``"PT1H30M"``, or a :class:`datetime.timedelta`.

    Returns
    -------
    timedelta

    Raises
    ------
    DurationError
        For bare numbers (ambiguous units) and anything else that is not a duration.

    Examples
    --------
    >>> parse_duration("1h30m")
    datetime.timedelta(seconds=5400)
    >>> parse_duration("PT45M")
    datetime.timedelta(seconds=2700)
    """
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise DurationError(f"expected a duration such as '45m' or '1h30m', got {value!r}")
    if isinstance(value, (int, float)):
        raise DurationError(
            f"a bare number is ambiguous: write '{value}m' for minutes or '{value}s' for seconds"
        )
    text = value.strip()
    if text.isdigit():
        raise DurationError(
            f"a bare number is ambiguous: write '{text}m' for minutes or '{text}s' for seconds"
        )
    match = _COMPACT.match(text) if text else None
    if match is None or not any(match.groupdict().values()):
        match = _ISO.match(text) if text else None
        if match is None or not any(match.groupdict().values()):
            raise DurationError(
                f"{value!r} is not a duration: use forms like '90s', '45m', '4h', '2d', "
                "'1h30m' or ISO 8601 'PT1H30M'"
            )
    parts = {k: float(v) if v else 0.0 for k, v in match.groupdict().items()}
    return timedelta(days=parts["d"], hours=parts["h"], minutes=parts["m"], seconds=parts["s"])


def format_duration(value: timedelta) -> str:
    """Write a duration in the compact form, the inverse of :func:`parse_duration`.

    Examples
    --------
    >>> format_duration(timedelta(minutes=90))
    '1h30m'
    >>> format_duration(timedelta(0))
    '0s'
    """
    total = int(value.total_seconds())
    if total == 0:
        return "0s"
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    out = ""
    for amount, unit in ((days, "d"), (hours, "h"), (minutes, "m"), (seconds, "s")):
        if amount:
            out += f"{amount}{unit}"
    return out


_CACHE: dict[str, timedelta] = {}


def _validate(value: Any) -> timedelta:
    # Large plans repeat the same few durations; parsing each text once halves validation time.
    if isinstance(value, str):
        cached = _CACHE.get(value)
        if cached is None:
            cached = parse_duration(value)
            if len(_CACHE) < 4096:
                _CACHE[value] = cached
        return cached
    return parse_duration(value)


Duration = Annotated[
    timedelta,
    BeforeValidator(_validate),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": DURATION_PATTERN,
            "description": "A duration: 90s, 45m, 4h, 2d, 1h30m, or ISO 8601 such as PT1H30M.",
            "examples": ["45m", "4h", "1h30m"],
        }
    ),
]
"""A non-negative duration written as ``45m``, ``1h30m`` or ISO 8601."""
