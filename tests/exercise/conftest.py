"""The store every exercise test works in: a fresh one per test, named by PLANNER_STORE."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "incidents.db"
    monkeypatch.setenv("PLANNER_STORE", str(path))
    monkeypatch.setenv("NO_COLOR", "1")
    return path
