"""Running the planner as a separate process under an address-space and a time limit, as the
hostile-input tests do: a reader that tries to build an enormous document fails inside the limit
(the test sees exit 70, or a signal) instead of taking the machine down."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ADDRESS_SPACE = 2 * 2**30
"""2 GB: what the acceptance allows any reader."""
SECONDS = 60
"""Far above any reader's time on a hostile file (under a second each here); a loop hits it."""
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Finished:
    code: int
    out: str
    err: str


# The child sets its own limit before importing the planner (no preexec_fn: the test process
# may have threads).
_LIMITED = (
    "import resource, runpy, sys; "
    f"resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, {ADDRESS_SPACE})); "
    "sys.argv = ['planner', *sys.argv[1:]]; "
    "runpy.run_module('planner', run_name='__main__')"
)


def run_limited(
    *args: str | os.PathLike[str], stdin: bytes = b"", env: dict[str, str] | None = None
) -> Finished:
    """``python -m planner ARGS`` under the limits; a signal shows as a negative code."""
    proc = subprocess.run(
        [sys.executable, "-c", _LIMITED, *map(str, args)],
        input=stdin,
        capture_output=True,
        timeout=SECONDS,
        cwd=ROOT,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        check=False,
    )
    out, err = (stream.decode("utf-8", "replace") for stream in (proc.stdout, proc.stderr))
    return Finished(proc.returncode, out, err)
