"""Suggestions for a mistyped id: "did you mean 'db-primary'?" (standard library only, so that
every layer can offer one without loading the plan models)."""

from __future__ import annotations

import difflib


def did_you_mean(word: str, choices: list[str] | set[str] | tuple[str, ...]) -> str:
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
    ordered = sorted(choices)
    folded = {c.casefold(): c for c in reversed(ordered)}
    if word.casefold() in folded:  # ids are case-sensitive; people type them in any case
        return f"; did you mean '{folded[word.casefold()]}'?"
    close = difflib.get_close_matches(word, ordered, n=1, cutoff=0.6)
    if not close:
        lowered = difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=0.6)
        close = [folded[lowered[0]]] if lowered else []
    if not close and len(word) >= 2:
        close = [c for c in ordered if c.startswith(word) or word.startswith(c)][:1]
    return f"; did you mean '{close[0]}'?" if close else ""
