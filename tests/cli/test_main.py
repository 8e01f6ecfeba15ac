"""The CLI's entry point: the one place that switches the cyclic garbage collector."""

from __future__ import annotations

import gc

import pytest

from planner.cli import collect_garbage_from_now_on, main
from planner.planfile import loader
from tests.conftest import EXAMPLES


def test_a_command_runs_without_the_collector_and_gives_it_back(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    real = loader.load_plan

    def watched(*args: object, **kwargs: object) -> loader.LoadedPlan:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "load_plan", watched)
    assert gc.isenabled()
    assert main(["validate", str(EXAMPLES / "small.yaml")]) == 0
    assert seen == [False]
    assert gc.isenabled(), "library users get their collector back"


def test_the_terminal_ui_collects_garbage_once_loaded() -> None:
    gc.disable()
    try:
        collect_garbage_from_now_on()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()
