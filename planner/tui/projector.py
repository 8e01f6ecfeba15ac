"""The recovery screen's projected finish and live odds, worked out in a child process.

At 10,000 tasks re-running the schedule takes a good part of a second of CPU. Worked out in a
thread of the screen's own process, it held the interpreter (the GIL) for all of that time, so
the keys pressed in that second waited for it (issue 27: the 95th percentile of a key was 300-500
ms). Here a long-lived child (``python -m planner.tui.projector``) does the work: it is sent the
incident's shape once (names, owners, criticality, RTOs, estimates, dependencies: they never
change) and then, for each projection, the incident's row and the tasks whose state changed since
the last one; it answers with the :class:`~planner.tracking.reports.progress.Projection`, then
with the odds line (:func:`~planner.tracking.reports.odds.odds_header`), the same values as
:func:`project_here` works out from the same state. The screen's worker thread only waits on the
pipe, which does not hold the interpreter.

The child dies with the screen: :meth:`Projector.close` ends it (end of input, then SIGKILL);
:func:`planner.children.start` puts it in a process group of its own, killed by the signals that
end the planner, and asks the kernel to SIGKILL it when the thread that started it ends, so it is
started from the main thread (``planner track`` starts it before the screen's threads exist, in
parallel with opening the incident; a screen whose incident has :data:`CHILD_FROM` tasks or more
starts it when it mounts, if it is not yet; below, the projection is worked out in the screen's
thread as before). When the
child cannot be started, stops, or does not answer within :data:`REPLY_SECONDS`, the first
projection after says so (:class:`ProjectorStopped`) and the projection is worked out in this
process from then on (the same values, keys slower while it runs).

This module imports neither textual nor rich: it is also the child's program.
"""

from __future__ import annotations

import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from planner import children
from planner.tracking.domain.outline import Outline, capacities, outline_of
from planner.tracking.domain.state import DOWN, RESTORED, RESTORING, MemoryView, TaskState
from planner.tracking.reports.progress import Projection, project

CHILD_FROM = 200
"""Tasks from which the projection is worth a child process: below, the schedule and the odds
take a few tens of milliseconds in the screen's thread, less than the child's start (0.2 s of
CPU and 30 MB); at 10,000 tasks they held the interpreter 0.3-1 s."""
REPLY_SECONDS = 300.0
"""How long the child may take over one answer before it is taken for stuck (a projection of
10,000 tasks takes a fraction of a second; of 1,000,000, tens of seconds)."""
CLOSE_SECONDS = 1.0
"""How long :meth:`Projector.close` lets the child end by itself before killing it."""
_HEADER = struct.Struct("!Q")
"""Each message: its length, then its pickle."""

Entry = tuple[TaskState, datetime | None, datetime | None]
"""What of a task the projection follows: (state, when begun while restoring, when restored)."""
Shown = Callable[[Projection], None]
"""Shows a projection as soon as it is known (the odds line follows it)."""
_UNTOUCHED: Entry = (DOWN, None, None)


class ProjectorStopped(Exception):  # noqa: N818 - said to the person, not a bug
    """The child could not be started, stopped, or got stuck: said once (what to tell the
    person), after which the projection is worked out in this process."""

    TITLE = "Projection helper stopped"

    def __init__(self, why: str) -> None:
        super().__init__(
            f"The projection's helper process stopped: {why}. The screen works the projected "
            "finish out itself from now on: keys may answer slower while it does."
        )


class ProjectionError(Exception):
    """The projection raised in the child (a bug): its exception, as the child saw it."""


class _Lost(Exception):  # noqa: N818 - internal: the child is gone (why)
    pass


def entry(state: TaskState, begun: datetime | None, restored: datetime | None) -> Entry:
    """A task's :data:`Entry` (the times that count in its state, like :func:`outline_of`)."""
    return (state, begun if state == RESTORING else None, restored if state == RESTORED else None)


def project_here(view: MemoryView, now: datetime, seq: int, shown: Shown) -> str:
    """The projection of ``view`` from ``now`` (given to ``shown``), then the odds line, worked
    out in this process."""
    from planner.tracking.reports.odds import odds_header  # numpy: not before the screen is up

    outline = outline_of(view)
    shown(project(outline, now))
    return odds_header(outline, now, seq)


def _shape(view: MemoryView) -> dict[str, Any]:
    """What of an incident never changes, as the child needs it."""
    tasks = list(view.tasks.values())
    owner = [t.owner for t in tasks]
    services = [t.service for t in tasks]
    return {
        "services": services,
        "name": [t.name for t in tasks],
        "owner": owner,
        "criticality": [t.criticality for t in tasks],
        "rto": [t.rto for t in tasks],
        "duration": [t.duration for t in tasks],
        "deps": [[c.dependency for c in view.checks(s)] for s in services],
        "capacity": capacities(view.info, dict(zip(services, owner, strict=True))),
        "cadence": view.info.update_cadence,
        "plan_workarounds": view.info.plan_workarounds,
    }


class Projector:
    """The projection of one screen's incident, by a child process (see the module's text).
    :meth:`project` may be called from any thread, one call at a time."""

    def __init__(self, argv: list[str] | None = None) -> None:
        self.argv = argv or [sys.executable, "-m", "planner.tui.projector"]
        """The child's command (tests give a broken one)."""
        self.process: subprocess.Popen[bytes] | None = None
        self.stopped: str | None = None
        """Why the projection is worked out in this process (None: by the child, or not started)."""
        self._said = False
        self._closed = False
        self._lock = threading.RLock()
        self._shape: tuple[str, int] | None = None
        """The incident (id, tasks) whose shape the child has."""
        self._sent: dict[str, Entry] = {}
        """Each task's entry as the child has it."""

    def start(self) -> None:
        """Start the child, from the main thread (see the module's text); a failure is said at
        the first projection."""
        if self.process is not None or self.stopped is not None or self._closed:
            return
        root = str(Path(__file__).resolve().parents[2])  # where `planner` is, installed or not
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": root if not path else root + os.pathsep + path}
        try:
            self.process = children.start(
                self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
            )
        except OSError as error:
            self.stopped = f"it could not be started ({error})"

    def project(self, view: MemoryView, now: datetime, seq: int, shown: Shown) -> str:
        """Give the projection of ``view`` from ``now`` to ``shown``, then return the odds line
        (see :func:`project_here`); ``seq`` is the journal position ``view`` folds to.

        Raises
        ------
        ProjectorStopped
            Once, when the child stopped: call again (it is worked out here from then on).
        ProjectionError
            When the projection raised in the child.
        """
        with self._lock:
            if self._closed:
                return ""
            if self.process is not None:
                try:
                    return self._ask(view, now, seq, shown)
                except _Lost as lost:
                    self._end()
                    if self._closed:  # ended by close() while this waited: nobody to tell
                        return ""
                    self.stopped = str(lost)
            if self.stopped is not None and not self._said:
                self._said = True
                raise ProjectorStopped(self.stopped)
        return project_here(view, now, seq, shown)

    def close(self) -> None:
        """End the child (end of its input, then SIGKILL) and wait for it; nothing is projected
        after (a worker still waiting on the child is let go)."""
        self._closed = True
        self._end()

    def _end(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        assert process.stdin is not None
        try:
            process.stdin.close()  # end of input: the child ends by itself
            process.wait(CLOSE_SECONDS)
        except (OSError, subprocess.TimeoutExpired):
            children.kill(process)
            process.wait()
        children.finished(process)
        if self._lock.acquire(timeout=CLOSE_SECONDS):  # no worker reads its pipes any more
            try:
                for stream in (process.stdout, process.stderr):
                    if stream is not None:
                        stream.close()
            finally:
                self._lock.release()

    # talking to the child (under the lock) ----------------------------------------------------

    def _ask(self, view: MemoryView, now: datetime, seq: int, shown: Shown) -> str:
        tasks = view.tasks
        key = (view.row.id, len(tasks))
        if key != self._shape:
            self._send(("shape", _shape(view)))
            self._shape, self._sent = key, dict.fromkeys(tasks, _UNTOUCHED)
        sent = self._sent
        changed = {}
        for service, task in tasks.items():
            now_entry = entry(task.state, task.begun, task.restored)
            if sent.get(service) != now_entry:
                changed[service] = now_entry
        self._send(("project", view.row, changed, now, seq))
        sent.update(changed)
        projection = self._answer()
        assert isinstance(projection, Projection)
        try:
            shown(projection)
        finally:  # read even when showing failed: what comes next answers the next request
            odds = self._answer()
        assert isinstance(odds, str)
        return odds

    def _send(self, message: tuple[Any, ...]) -> None:
        assert self.process is not None
        assert self.process.stdin is not None
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.process.stdin.write(_HEADER.pack(len(data)) + data)
            self.process.stdin.flush()
        except (OSError, ValueError) as error:  # ValueError: closed meanwhile
            raise _Lost(self._why_gone(f"it cannot be written to ({error})")) from None

    def _answer(self) -> object:
        (size,) = _HEADER.unpack(self._read(_HEADER.size))
        kind, payload = pickle.loads(self._read(size))  # our own child's answer
        if kind == "failed":
            raise ProjectionError(payload)
        return payload

    def _read(self, size: int) -> bytes:
        assert self.process is not None
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + REPLY_SECONDS
        chunks: list[bytes] = []
        left = size
        while left:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise _Lost(f"it did not answer within {REPLY_SECONDS:.0f} s")
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                raise _Lost(self._why_gone("it ended"))
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def _why_gone(self, what: str) -> str:
        """``what`` happened, with how the child ended and the last line it wrote."""
        process = self.process
        if process is None:
            return what
        try:
            code = process.wait(CLOSE_SECONDS)
        except subprocess.TimeoutExpired:
            return what
        how = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
        said = b""
        if process.stderr is not None and select.select([process.stderr], [], [], 0)[0]:
            said = process.stderr.read1(1 << 16) if hasattr(process.stderr, "read1") else b""
        last = said.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        return f"{what} ({how}){': ' + last[0] if last[0] else ''}"


# the child --------------------------------------------------------------------------------------


def _receive(reader: BinaryIO) -> Any:
    """The next message, or None at the end of input."""
    header = reader.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    data = reader.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)  # from the planner that started this process


def _reply(writer: BinaryIO, kind: str, payload: object) -> None:
    data = pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL)
    writer.write(_HEADER.pack(len(data)) + data)
    writer.flush()


def _outline(shape: dict[str, Any]) -> tuple[Outline, dict[str, Entry]]:
    services: list[str] = shape["services"]

    def by_service(values: list[Any]) -> dict[str, Any]:
        return dict(zip(services, values, strict=True))

    outline = Outline(
        row=None,  # type: ignore[arg-type] # each projection brings the row
        cadence=shape["cadence"],
        capacity=shape["capacity"],
        name=by_service(shape["name"]),
        owner=by_service(shape["owner"]),
        criticality=by_service(shape["criticality"]),
        rto=by_service(shape["rto"]),
        duration=by_service(shape["duration"]),
        deps=by_service(shape["deps"]),
        state={},
        begun={},
        restored={},
        checks={},  # the projection reads neither the checks nor the open workarounds
        open_workarounds=[],
        plan_workarounds=shape["plan_workarounds"],
    )
    return outline, dict.fromkeys(services, _UNTOUCHED)


def _fill(outline: Outline, entries: dict[str, Entry]) -> None:
    """The tasks' states and times, in wave order (as :func:`outline_of` lists them)."""
    state: dict[str, TaskState] = {}
    begun: dict[str, datetime] = {}
    restored: dict[str, datetime] = {}
    for service in outline.duration:
        task_state, began, done = entries[service]
        state[service] = task_state
        if began is not None:
            begun[service] = began
        if done is not None:
            restored[service] = done
    outline.state, outline.begun, outline.restored = state, begun, restored


def serve(reader: BinaryIO, writer: BinaryIO) -> None:
    """The child's loop: a shape, then projections, until the end of its input."""
    outline: Outline | None = None
    entries: dict[str, Entry] = {}
    while (message := _receive(reader)) is not None:
        if message[0] == "shape":
            outline, entries = _outline(message[1])
            continue
        _, row, changed, now, seq = message
        assert outline is not None, "the shape comes first"
        entries.update(changed)
        outline.row = row
        _fill(outline, entries)
        try:
            _reply(writer, "projection", project(outline, now))
            from planner.tracking.reports.odds import odds_header  # after the first answer

            _reply(writer, "odds", odds_header(outline, now, seq))
        except Exception as error:  # noqa: BLE001 - a bug: told to the screen, which reports it
            _reply(writer, "failed", f"{type(error).__name__}: {error}")


def main() -> int:
    """Serve the planner that started this process on standard input and output."""
    serve(sys.stdin.buffer, sys.stdout.buffer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
