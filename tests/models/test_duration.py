"""Durations: every accepted form, the refusals with hints, and the round trip."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.duration import DurationError, format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("45m", 2700),
        ("4h", 14400),
        ("2d", 172800),
        ("1h30m", 5400),
        ("1d2h3m4s", 93784),
        ("PT1H30M", 5400),
        ("pt45m", 2700),
        ("P1D", 86400),
        ("PT0.5S", 0.5),
        (" 10m ", 600),
    ],
)
def test_accepted_forms(text: str, seconds: float) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (45, "bare number is ambiguous: write '45m'"),
        ("45", "bare number is ambiguous"),
        (1.5, "bare number"),
        ("", "is not a duration"),
        ("1h 30m", "is not a duration"),
        ("m", "is not a duration"),
        ("P", "is not a duration"),
        ("PT", "is not a duration"),
        ("-5m", "is not a duration"),
        (True, "expected a duration"),
        (None, "expected a duration"),
    ],
)
def test_refused_with_hint(value: object, words: str) -> None:
    with pytest.raises(DurationError, match=words.replace("(", r"\(")):
        parse_duration(value)


@given(st.integers(min_value=0, max_value=10**7))
def test_format_parse_round_trip(seconds: int) -> None:
    value = timedelta(seconds=seconds)
    assert parse_duration(format_duration(value)) == value
