"""A planner worker process under the hostile-input limits, shared by a test module."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.hostile.limited import ADDRESS_SPACE, ROOT

PER_COMMAND_SECONDS = 20


@dataclass
class Worker:
    proc: subprocess.Popen[str]

    def run(self, *args: str | os.PathLike[str]) -> dict[str, Any]:
        """Run one command in the worker; a worker that died (a limit hit) fails the test, and the
        next command gets a new one."""
        if self.proc.poll() is not None:
            self.proc = _start().proc
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.write(json.dumps([str(a) for a in args]) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait()
            raise AssertionError(f"the planner process died ({code}) on: planner {' '.join(map(str, args))}")
        reply: dict[str, Any] = json.loads(line)
        return reply


def _start() -> Worker:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.hostile.worker", str(ADDRESS_SPACE), str(PER_COMMAND_SECONDS)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "NO_COLOR": "1"},
    )
    return Worker(proc)


@pytest.fixture(scope="module")
def worker() -> Iterator[Worker]:
    current = _start()
    yield current
    if current.proc.stdin is not None:
        current.proc.stdin.close()
    current.proc.wait(timeout=30)
