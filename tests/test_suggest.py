"""Did-you-mean suggestions: the same answers, each distinct word worked out once."""

from __future__ import annotations

import difflib

import pytest
from hypothesis import given
from hypothesis import strategies as st

import planner.suggest
from planner.suggest import Suggester


def _reference(word: str, choices: list[str] | set[str]) -> str:
    """The suggestion as it was first written: every choice compared for every word."""
    ordered = sorted(choices)
    folded = {c.casefold(): c for c in reversed(ordered)}
    if word.casefold() in folded:
        return f"; did you mean '{folded[word.casefold()]}'?"
    close = difflib.get_close_matches(word, ordered, n=1, cutoff=0.6)
    if not close:
        lowered = difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=0.6)
        close = [folded[lowered[0]]] if lowered else []
    if not close and len(word) >= 2:
        close = [c for c in ordered if c.startswith(word) or word.startswith(c)][:1]
    return f"; did you mean '{close[0]}'?" if close else ""


_IDS = st.text(alphabet="abAB-1", min_size=1, max_size=5)


@given(st.lists(_IDS, min_size=1, max_size=12), st.lists(_IDS, min_size=1, max_size=6), st.data())
def test_a_suggester_answers_as_a_fresh_comparison_would(
    choices: list[str], words: list[str], data: st.DataObject
) -> None:
    suggest = Suggester(choices)
    for word in words:
        exclude = data.draw(st.sampled_from([None, *choices]))
        rest = [c for c in choices if c != exclude]
        assert suggest(word, exclude=exclude) == _reference(word, rest)


def test_the_fuzzy_search_has_a_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    # thousands of distinct unknown ids among many services: past the budget, only the cheap
    # suggestions (same but for case, a prefix) are looked for (a budget of a twentieth of the
    # real one: spending the real one takes seconds and shows the same)
    monkeypatch.setattr(planner.suggest, "FUZZY_BUDGET", planner.suggest.FUZZY_BUDGET // 20)
    choices = [f"svc-{i:05d}" for i in range(20_000)]
    suggest = Suggester(choices)
    for i in range(200):
        suggest(f"svx-{i:05d}")
    assert suggest._spent <= planner.suggest.FUZZY_BUDGET
    assert suggest("SVC-00007") == "; did you mean 'svc-00007'?"
    assert suggest("svc-0000") == "; did you mean 'svc-00000'?"
