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


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_full_disk_is_a_clear_error_not_a_bug(fmt: str) -> None:
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "planner", "schedule", str(EXAMPLES / "enterprise.yaml"), "--format", fmt],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 2
    assert done.stderr.strip() == "error: cannot write the output: No space left on device"


def test_a_closed_standard_output_is_a_clear_error() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "planner", "validate", str(EXAMPLES / "small.yaml")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        close_fds=True,
        preexec_fn=lambda: __import__("os").close(1),
    )
    assert done.returncode == 2
    assert "standard output is closed" in done.stderr
