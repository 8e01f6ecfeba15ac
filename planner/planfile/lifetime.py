"""What a one-shot command leaves to the operating system to free.

Freeing a 100,000-service plan object by object takes longer than reading its file; a command
run from the shell ends right after it answers, so the objects it built need not be freed one by
one. The console-script entry point (:func:`planner.cli.run`) turns keeping on; loading a plan,
planning and auditing then hand their results here, and the process ends with ``os._exit`` once
its output is flushed. Everything else (tests, the terminal UI, library use) keeps nothing.
"""

from __future__ import annotations

_kept: list[object] | None = None


def keep_until_exit(*results: object) -> None:
    """Hold ``results`` until the process ends, when keeping is on (else nothing)."""
    if _kept is not None:
        _kept.extend(results)


def start_keeping() -> None:
    """From now on, :func:`keep_until_exit` holds what it is given."""
    global _kept  # noqa: PLW0603 - one switch for the whole process, set by the entry point
    if _kept is None:
        _kept = []


def keeping() -> bool:
    """True when something is held: the process should end without freeing it."""
    return bool(_kept)
