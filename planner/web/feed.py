"""One feed per server: it learns that the journal changed, reads it once, renders the pages
once, and hands the result to every browser watching (however many there are).

How it learns of a change depends on the store: a PostgreSQL store announces each new event
(``LISTEN``/``NOTIFY``, :class:`~planner.tracking.persistence.watching.Watch`); an SQLite
store's file (and its write-ahead log) is looked at a few times a second and read when either
changed. Times on the page move on by themselves (the ETA, "as of"), so it is read again every
:data:`TICK_SECONDS` too.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from planner.tracking.persistence.watching import Watch
from planner.web.reading import Reader
from planner.web.render import Kind, Rendered, render

TICK_SECONDS = 30.0
"""The pages are read again this often even when the journal is quiet (their clocks move)."""
POLL_SECONDS = 0.1
"""How often an SQLite store's files are looked at (two ``stat`` calls)."""
log = logging.getLogger("planner.serve")


@dataclass(frozen=True)
class Frame:
    """The pages as of one read, each with its version (one more each time its content changed)."""

    pages: dict[Kind, Rendered]
    versions: dict[Kind, int]


class Hub:
    """The newest frame and the streams waiting for the next one; lives on the event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.frame: Frame | None = None
        self.closed = False
        self._next: asyncio.Future[Frame | None] = loop.create_future()

    def publish(self, frame: Frame) -> None:
        """Make ``frame`` the newest and wake every stream (on the loop's thread)."""
        self.frame = frame
        self._wake(frame)

    def close(self) -> None:
        """End every stream (the server is stopping)."""
        self.closed = True
        self._wake(None)

    def _wake(self, frame: Frame | None) -> None:
        waiting, self._next = self._next, self.loop.create_future()
        waiting.set_result(frame)

    async def after(self, kind: Kind, version: int, timeout: float) -> Frame | None:
        """The newest frame once page ``kind`` is past ``version``; None after ``timeout``
        seconds without one, or when the hub closes."""
        deadline = self.loop.time() + timeout
        while not self.closed:
            frame = self.frame
            if frame is not None and frame.versions[kind] > version:
                return frame
            left = deadline - self.loop.time()
            if left <= 0:
                return None
            try:
                await asyncio.wait_for(asyncio.shield(self._next), left)
            except TimeoutError:
                return None
        return None


def signature(files: Iterable[Path]) -> tuple[tuple[int, int, int] | None, ...]:
    """What changes when an SQLite store is written: each file's inode, size and modification time."""
    out: list[tuple[int, int, int] | None] = []
    for path in files:
        try:
            st = os.stat(path)
        except OSError:
            out.append(None)
            continue
        out.append((st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(out)


class Feed:
    """Reads the store when it changes and publishes the pages to a :class:`Hub`."""

    def __init__(
        self,
        reader: Reader,
        kinds: Iterable[Kind],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        tick: float = TICK_SECONDS,
    ) -> None:
        self.reader = reader
        self.kinds = tuple(kinds)
        self.clock = clock
        self.tick = tick
        self.hub: Hub | None = None
        self.boot = secrets.token_hex(4)
        """This run of the server, in every event's id: a browser that reconnects after a restart
        is sent the page (the versions started again)."""
        self._dirty = threading.Event()
        self._stop = threading.Event()
        self._frame: Frame | None = None
        self._threads: list[threading.Thread] = []

    def start(self, loop: asyncio.AbstractEventLoop) -> Hub:
        """Read once (so the first page has something to show), then keep reading in threads."""
        location = self.reader.location
        files = [] if isinstance(location, str) else [location, location.with_name(location.name + "-wal")]
        before = signature(files)  # before the first read: a change during it is seen
        self.hub = Hub(loop)
        self.hub.publish(self._read())
        self._spawn(self._work, "planner-serve-read")
        if isinstance(location, str):
            watch = Watch(location, None, news=self.news, status=self._reachable, stopped=self._stop.is_set)
            self._spawn(watch.run, "planner-serve-listen")  # it reads once it listens
        else:
            self._spawn(lambda: self._poll(files, before), "planner-serve-poll")
        return self.hub

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        """Stop reading and end every stream."""
        self._stop.set()
        self._dirty.set()
        if self.hub is not None and not self.hub.closed:
            self.hub.close()
        for thread in self._threads:
            thread.join(timeout=2)

    def news(self) -> None:
        """The journal may have grown: read it (soon, once however often this is called)."""
        self._dirty.set()

    def _reachable(self, why: str | None) -> None:
        if why is None:
            log.info("the incident store is reachable again")
        else:
            log.warning("the incident store cannot be reached: %s", why)

    def _poll(self, files: list[Path], seen: tuple[tuple[int, int, int] | None, ...]) -> None:
        while not self._stop.wait(POLL_SECONDS):
            now = signature(files)
            if now != seen:
                seen = now
                self.news()

    def _work(self) -> None:
        while not self._stop.is_set():
            self._dirty.wait(self.tick)
            self._dirty.clear()
            if self._stop.is_set():
                return
            try:
                frame = self._read()
            except Exception as exc:  # noqa: BLE001 - the page keeps its last frame and says why in the log
                log.warning("could not read the incident store: %s", exc)
                continue
            if self.hub is not None and not self.hub.loop.is_closed():
                self.hub.loop.call_soon_threadsafe(self.hub.publish, frame)

    def _read(self) -> Frame:
        """Read the store and render every page; a page's version moves only when it changed."""
        reading = self.reader.read(self.clock())
        pages = {kind: render(kind, reading) for kind in self.kinds}
        old = self._frame
        versions = {}
        for kind, page in pages.items():
            same = old is not None and old.pages[kind].live == page.live
            versions[kind] = old.versions[kind] + (0 if same else 1) if old is not None else 1
        self._frame = Frame(pages, versions)
        return self._frame
