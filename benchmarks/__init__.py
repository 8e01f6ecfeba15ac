"""Speed figures: ``python -m benchmarks`` and the ``bench_*`` scripts (see docs/guide/performance.md)."""

from __future__ import annotations

import os


def measured_env(**extra: str) -> dict[str, str]:
    """The environment of a measured process: this one's, without ``PYTHONPATH`` (each build
    imports its own code) and without ``PYTHONDONTWRITEBYTECODE``, plus ``extra``.

    With ``PYTHONDONTWRITEBYTECODE`` set (as on some CI machines and sandboxes) no module's
    compiled bytecode is ever saved, so every process compiles again each planner module that
    has none: about 0.1 s of every command on this machine, which no installed planner pays (pip
    compiles on install, and Python saves the bytecode on first import). Without it, a build's
    first run saves its bytecode and the runs measured after it read it, as a user's would."""
    drop = {"PYTHONPATH", "PYTHONDONTWRITEBYTECODE"}
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **extra}
