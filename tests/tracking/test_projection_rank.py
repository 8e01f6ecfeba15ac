"""The projection orders ready tasks by criticality with its own table of ranks, and names the
team of unowned tasks (a status imports neither the plan models' base nor the engine's graph
for them): the same ranks and name as the plan's and the engine's."""

from __future__ import annotations

from models.common import CRITICALITY_RANK
from planner.engine.graph import UNOWNED
from planner.tracking.reports import progress
from planner.tracking.reports.progress import RANK


def test_the_projection_ranks_criticality_as_the_plan_does() -> None:
    assert {str(level): rank for level, rank in CRITICALITY_RANK.items()} == RANK


def test_the_projection_names_the_unowned_team_as_the_engine_does() -> None:
    assert progress.UNOWNED == UNOWNED
