"""``planner exercise score --write PLAN``: the exercise recorded in the plan, as a person would
write it (:mod:`planner.planfile.writeback`: comments, quotes and key order kept).

Two edits: an entry under ``exercises:`` (scenario, date, score; the entry of the same scenario
and date is updated instead when the drill is scored again), and ``escalation_tested:`` set to
the drill's date on each team whose escalation path was paged during the drill. The audit's
``exercise-overdue`` and ``escalation-untested`` findings they answer then clear.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq


def recording(scenario: str, day: date, total: int, teams: Collection[str]) -> Callable[[CommentedMap], Any]:
    """The change :func:`~planner.planfile.writeback.edit_plan` applies: the exercise of
    ``scenario`` on ``day`` scored ``total``, and ``teams``' escalation paths tested that day."""

    def change(document: CommentedMap) -> None:
        exercises = document.get("exercises")
        if not isinstance(exercises, list):
            exercises = CommentedSeq()
            document["exercises"] = exercises
        same = next(
            (
                e
                for e in exercises
                if isinstance(e, dict) and e.get("scenario") == scenario and _day(e) == day
            ),
            None,
        )
        if same is None:
            entry = CommentedMap()
            entry["scenario"] = scenario
            entry["date"] = _fresh(day)
            entry["score"] = total
            exercises.append(entry)
        else:
            same["score"] = total
        for team in document.get("teams") or []:
            if isinstance(team, dict) and team.get("id") in teams:
                team["escalation_tested"] = _fresh(day)

    return change


def _fresh(day: date) -> date:
    """A date object of its own: one object written twice would become a YAML anchor and alias."""
    return date(day.year, day.month, day.day)


def _day(entry: dict[str, Any]) -> date | None:
    value = entry.get("date")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None
