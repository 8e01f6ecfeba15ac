"""The projection orders ready tasks by criticality with its own table of ranks (a status does
not import the plan models' base for it): the same ranks as the plan's."""

from __future__ import annotations

from models.common import CRITICALITY_RANK
from planner.tracking.reports.progress import RANK


def test_the_projection_ranks_criticality_as_the_plan_does() -> None:
    assert {str(level): rank for level, rank in CRITICALITY_RANK.items()} == RANK
