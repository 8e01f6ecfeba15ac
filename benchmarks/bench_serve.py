"""``planner serve`` under a crowd (issue 29): VIEWERS browsers' event streams open on loopback,
then actions recorded one after another; for each, how long until every viewer has the page
that shows it (median and worst over the viewers), and the server's memory.

The server is a real ``planner serve`` process on an SQLite store in a temporary folder (or the
PostgreSQL store given with ``--store``); the actions are recorded through the CLI in this
process, in a thread, and timed from just before each is called (so the figures include the
action's own transaction). Viewers are bare asyncio connections reading the stream.

    python -m benchmarks.bench_serve [--viewers 200] [--actions 5] [--store postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from planner.cli import main as planner

PLAN = Path(__file__).resolve().parent.parent / "examples" / "small.yaml"


def quietly(args: list[str]) -> int:
    """``planner ARGS`` in this process, its output dropped."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return planner(args)


def rss(pid: int) -> str:
    """The process's resident memory now and at its peak (Linux)."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return f"RSS {fields['VmRSS'].strip()} (peak {fields['VmHWM'].strip()})"


def version_of(line: bytes) -> int | None:
    """The page version an event stream's ``id:`` line names (``id: BOOT.VERSION``), else None."""
    if not line.startswith(b"id: "):
        return None
    return int(line[4:].strip().rpartition(b".")[2])


class Viewer:
    """One browser's event stream: the time each new page version arrived."""

    def __init__(self) -> None:
        self.versions: dict[int, float] = {}
        self.connected = asyncio.Event()

    async def watch(self, host: str, port: int) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(f"GET /events HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode())
        await writer.drain()
        try:
            while line := await reader.readline():
                version = version_of(line)
                if version is not None:
                    self.versions[version] = time.perf_counter()
                    self.connected.set()
        finally:
            writer.close()


def start_server(store: str) -> tuple[subprocess.Popen[bytes], str, int]:
    server = subprocess.Popen(
        [sys.executable, "-m", "planner", "serve", "--store", store, "--bind", "127.0.0.1:0", "--quiet"],
        stderr=subprocess.PIPE,
    )
    assert server.stderr is not None
    for raw in server.stderr:
        found = re.search(rb"public page: http://([\d.]+):(\d+)/", raw)
        if found:
            return server, found[1].decode(), int(found[2])
    raise SystemExit("planner serve did not start")


async def crowd(host: str, port: int, *, viewers: int, actions: int, store: str, pid: int) -> None:
    watching = [Viewer() for _ in range(viewers)]
    tasks = [asyncio.create_task(v.watch(host, port)) for v in watching]
    began = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(v.connected.wait() for v in watching)), 60)
    print(f"{viewers} viewers connected in {time.perf_counter() - began:.2f} s; server {rss(pid)}")
    loop = asyncio.get_running_loop()
    worst_all: list[float] = []
    for n in range(actions):
        known = max(max(v.versions) for v in watching)
        began = time.perf_counter()
        args = ["incident", "update", "INC-1", "--store", store, "--audience", "customer", "--as", "bench"]
        await loop.run_in_executor(None, quietly, args)
        recorded = time.perf_counter() - began
        while not all(max(v.versions) > known for v in watching):
            await asyncio.sleep(0.005)
            if time.perf_counter() - began > 30:
                raise SystemExit(f"action {n + 1}: not every viewer had it after 30 s")
        delays = sorted(min(t for k, t in v.versions.items() if k > known) - began for v in watching)
        worst_all.append(delays[-1])
        print(
            f"action {n + 1}: recorded in {recorded * 1000:.0f} ms; reached all {viewers} viewers: "
            f"median {statistics.median(delays) * 1000:.0f} ms, worst {delays[-1] * 1000:.0f} ms"
        )
    print(f"worst over {actions} actions: {max(worst_all) * 1000:.0f} ms; server {rss(pid)}")
    for task in tasks:
        task.cancel()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--actions", type=int, default=5)
    parser.add_argument("--store", help="a PostgreSQL URL (default: an SQLite file in a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as folder:
        store = args.store or str(Path(folder) / "incidents.db")
        if quietly(["incident", "start", str(PLAN), "--store", store, "--as", "bench"]) != 0:
            raise SystemExit("could not start an incident")
        server, host, port = start_server(store)
        try:
            print(f"planner serve (pid {server.pid}) on {host}:{port}; {rss(server.pid)} before any viewer")
            asyncio.run(
                crowd(host, port, viewers=args.viewers, actions=args.actions, store=store, pid=server.pid)
            )
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
