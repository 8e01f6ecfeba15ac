"""Refusals in the recovery screen's own words. The tracking core's refusals end with what to
do at the command line (``--accept-down``, ``planner incident check ... --pass``); on the screen
the same advice names the key that does it."""

from __future__ import annotations

import re

ON_SCREEN = [
    (
        re.compile(r"\(planner incident check \S+ (\S+) \S+ --pass\)"),
        r"(c on \1, or ! to run the check)",
    ),
    (
        re.compile(r"resolve with --accept-down if the incident is over without them"),
        "resolve anyway with R (it asks you to type the incident id)",
    ),
    (
        re.compile(
            r"remove each \(planner incident remove-workaround ID\) or resolve with --accept-workarounds"
        ),
        "take each out (W) or resolve with R, which lists them to accept,",
    ),
    (re.compile(r"with --observed TEXT"), "in the dialog"),
    (re.compile(r"; check --at"), ""),
    (
        re.compile(
            r"Void #(\d+) first, or record what is true now \(a service that is not working: `fail`\)"
        ),
        r"Take #\1 back first (z if it is your last action; else planner incident void ID \1), or record "
        r"what is true now (a service that is not working: f)",
    ),
]
"""(CLI advice, what the screen says instead)."""


def for_screen(refusal: str) -> str:
    """``refusal`` with its command-line advice put as the screen's keys."""
    for advice, instead in ON_SCREEN:
        refusal = advice.sub(instead, refusal)
    return refusal
