"""The environment benchmarks give the processes they measure."""

from __future__ import annotations

import pytest

from benchmarks import measured_env


def test_bytecode_is_saved_and_each_build_imports_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("PYTHONPATH", "/somewhere/else")
    monkeypatch.setenv("PLANNER_KEEP_ME", "yes")
    env = measured_env(PLANNER_STORE="/tmp/x.db")
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert "PYTHONPATH" not in env
    assert env["PLANNER_KEEP_ME"] == "yes"
    assert env["PLANNER_STORE"] == "/tmp/x.db"
