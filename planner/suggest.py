"""Suggestions for a mistyped id: "did you mean 'db-primary'?" (standard library only, so that
every layer can offer one without loading the plan models)."""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Collection

FUZZY_BUDGET = 2_000_000
"""Comparisons (words times choices) one :class:`Suggester` spends on difflib's close matches:
about a second. A plan with thousands of distinct unknown ids among 100,000 services would
otherwise take hours; past the budget, a word still gets the case-insensitive and the prefix
suggestions (which cost a lookup each)."""


class Suggester:
    """``did you mean`` over one set of choices, prepared once (sorted, case-folded) and asked
    any number of times; each distinct word is worked out once.

    Examples
    --------
    >>> suggest = Suggester(["db-primary", "dns", "lb"])
    >>> suggest("db-primay"), suggest("DNS"), suggest("zzz")
    ("; did you mean 'db-primary'?", "; did you mean 'dns'?", '')
    >>> suggest("dns-2", exclude="dns")  # a service is never offered as its own dependency
    ''
    """

    def __init__(self, choices: Collection[str]) -> None:
        self._ordered = sorted(set(choices))  # one of each: an excluded twin must not hide the rest
        self._members = set(self._ordered)
        self._folded = {c.casefold(): c for c in reversed(self._ordered)}
        self._groups: dict[str, list[str]] | None = None
        self._answers: dict[tuple[str, str | None], str | None] = {}
        self._spent = 0
        self.worked_out = 0
        """Words worked out (the rest were answered from what was worked out before)."""

    def __call__(self, word: str, exclude: str | None = None) -> str:
        """The ``; did you mean 'x'?`` suffix for ``word`` (never ``exclude``), or ``''``."""
        best = self._answer(word, None)
        if best is not None and best == exclude:
            # removing a choice that was not the closest changes nothing: only this case is
            # worked out again
            best = self._answer(word, exclude)
        return f"; did you mean '{best}'?" if best is not None else ""

    def _answer(self, word: str, exclude: str | None) -> str | None:
        key = (word, exclude)
        if key not in self._answers:
            self.worked_out += 1
            self._answers[key] = self._closest(word, exclude)
        return self._answers[key]

    def _closest(self, word: str, exclude: str | None) -> str | None:
        """The choice other than ``exclude`` that is the same but for case, else difflib's
        closest (case-sensitive, then not), else the first that is a prefix of ``word`` or
        starts with it."""
        folded = self._folded
        same = self._same_fold(word.casefold(), exclude)
        if same is not None:
            return same
        cost = 2 * len(self._ordered)
        if self._spent == 0 or self._spent + cost <= FUZZY_BUDGET:
            self._spent += cost
            # two each: the closest may be ``exclude``, then the second is the closest of the rest
            for close in difflib.get_close_matches(word, self._ordered, n=2, cutoff=0.6):
                if close != exclude:
                    return close
            for key in difflib.get_close_matches(word.casefold(), list(folded), n=2, cutoff=0.6):
                same = self._same_fold(key, exclude)
                if same is not None:
                    return same
        return self._by_prefix(word, exclude) if len(word) >= 2 else None

    def _same_fold(self, fold: str, exclude: str | None) -> str | None:
        """The first choice (in sorted order) but ``exclude`` whose case-folded form is ``fold``."""
        first = self._folded.get(fold)
        if first is None or first != exclude:
            return first
        if self._groups is None:
            self._groups = {}
            for choice in self._ordered:
                self._groups.setdefault(choice.casefold(), []).append(choice)
        return next((c for c in self._groups[fold] if c != exclude), None)

    def _by_prefix(self, word: str, exclude: str | None) -> str | None:
        """The first choice (in sorted order) but ``exclude`` that is a prefix of ``word`` or
        starts with it: prefixes sort before ``word`` (the shortest first), extensions after."""
        for end in range(1, len(word) + 1):
            if word[:end] in self._members and word[:end] != exclude:
                return word[:end]
        ordered = self._ordered
        at = bisect.bisect_left(ordered, word)
        while at < len(ordered) and ordered[at].startswith(word):
            if ordered[at] != exclude:
                return ordered[at]
            at += 1
        return None


def did_you_mean(word: str, choices: Collection[str]) -> str:
    """A ``; did you mean 'x'?`` suffix, or an empty string when nothing is close.

    Examples
    --------
    >>> did_you_mean("servics", ["services", "teams"])
    "; did you mean 'services'?"
    >>> did_you_mean("zzz", ["services"])
    ''
    >>> did_you_mean("DNS", ["dns", "lb"])
    "; did you mean 'dns'?"
    """
    return Suggester(choices)(word)
