"""Durations and times, read and written: the one home of every duration format.

Plan authors write ``90s``, ``45m``, ``4h``, ``2d``, ``1h30m`` or ISO 8601 (:func:`parse_duration`,
:func:`format_duration`). Output writes spans of seconds (:func:`fmt_duration`), offsets from an
incident's start (:func:`fmt_clock`), signed spans of time (:func:`clock`) and minutes for JSON
(:func:`json_minutes`, :func:`delta_minutes`).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

_COMPACT = re.compile(r"^(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?$")
_ISO = re.compile(
    r"^P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$",
    re.IGNORECASE,
)
DURATION_PATTERN = r"^(\d+d)?(\d+h)?(\d+m)?(\d+s)?$|^P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"


MAX_DURATION = timedelta(days=3650)
"""The longest duration a plan may state: more is a typo, and arithmetic on it would overflow."""


class DurationError(ValueError):
    """A duration text that is not one of the accepted forms."""


def later(when: datetime, seconds: float) -> datetime | None:
    """``when`` plus ``seconds``, or None past the calendar's end (year 9999): a plan's restore
    times, each up to ten years, can add up to more than eight thousand years.

    Examples
    --------
    >>> later(datetime(2026, 1, 1), 60)
    datetime.datetime(2026, 1, 1, 0, 1)
    >>> later(datetime(2026, 1, 1), 3650 * 86400 * 1000) is None
    True
    """
    try:
        return when + timedelta(seconds=seconds)
    except OverflowError:
        return None


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
    try:
        parsed = timedelta(days=parts["d"], hours=parts["h"], minutes=parts["m"], seconds=parts["s"])
    except OverflowError:
        parsed = None
    if parsed is None or parsed > MAX_DURATION:
        raise DurationError(
            f"{value!r} is longer than ten years: no recovery takes that long (check the units)"
        )
    return parsed


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


@lru_cache(maxsize=8192)
def fmt_duration(seconds: float | None) -> str:
    """Seconds for people: ``5400`` -> ``1h30m``; ``None`` -> ``-`` (no days: RTOs read in hours).

    Examples
    --------
    >>> fmt_duration(5400), fmt_duration(90), fmt_duration(0), fmt_duration(None), fmt_duration(-60)
    ('1h30m', '1m30s', '0m', '-', '-1m')
    """
    if seconds is None:
        return "-"
    total = round(seconds)
    sign = "-" if total < 0 else ""
    total = abs(total)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes or not (hours or secs) else "")
    return sign + text + (f"{secs}s" if secs else "")


def fmt_clock(seconds: int) -> str:
    """Time since incident start as ``H:MM``.

    Examples
    --------
    >>> fmt_clock(5400)
    '1:30'
    """
    minutes = int(seconds) // 60
    return f"{minutes // 60}:{minutes % 60:02d}"


def clock(delta: timedelta) -> str:
    """A span of time in whole minutes, signed, cut toward zero (so that ``-7.5`` minutes shows
    as ``-7m`` and late by ``7m`` alike): ``1h05m`` / ``12m`` / ``-3m``.

    Examples
    --------
    >>> clock(timedelta(minutes=65)), clock(timedelta(minutes=12)), clock(timedelta(minutes=-3))
    ('1h05m', '12m', '-3m')
    >>> clock(timedelta(minutes=-7.5)), clock(timedelta(minutes=7.5))
    ('-7m', '7m')
    """
    minutes = int(delta.total_seconds() / 60)
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    hours, mins = divmod(minutes, 60)
    return f"{sign}{hours}h{mins:02d}m" if hours else f"{sign}{mins}m"


def span(delta: timedelta | None) -> str:
    """:func:`clock`, or ``-`` for no span."""
    return "-" if delta is None else clock(delta)


def json_minutes(seconds: int | None) -> float | int | None:
    """Seconds as minutes for JSON: whole numbers stay integers.

    Examples
    --------
    >>> json_minutes(5400), json_minutes(90), json_minutes(None)
    (90, 1.5, None)
    """
    if seconds is None:
        return None
    value = seconds / 60
    return int(value) if value == int(value) else round(value, 2)


def delta_minutes(delta: timedelta | None) -> float | None:
    """A span as minutes to one decimal, for JSON reports."""
    return None if delta is None else round(delta.total_seconds() / 60, 1)


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
