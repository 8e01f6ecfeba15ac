"""``planner serve``: the read-only status page of an incident store (see :mod:`planner.web`)."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from planner.cli.incident_options import STORE
from planner.cli.streams import say
from planner.errors import UsageError

if TYPE_CHECKING:
    from planner.web.server import StatusServer

TOKEN_ENV = "PLANNER_SERVE_TOKEN"


def read_token(token_file: str | None) -> str | None:
    """The internal page's token: the first line of ``--token-file``, else ``$PLANNER_SERVE_TOKEN``,
    else None (the internal page is off, unless it has an address of its own)."""
    if token_file is not None:
        try:
            text = Path(token_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--token-file {token_file}: cannot read it ({exc})") from None
        token = text.strip().splitlines()[0].strip() if text.strip() else ""
        where = f"--token-file {token_file}"
        if Path(token_file).stat().st_mode & 0o077:
            say(f"warning: {where} can be read by other users: chmod 600 it", err=True)
    else:
        token = os.environ.get(TOKEN_ENV, "").strip()
        if not token:
            return None
        where = TOKEN_ENV
    if len(token) < 16:
        raise UsageError(f"{where}: the token is too short; use 16 characters or more (openssl rand -hex 24)")
    if not token.isprintable():
        raise UsageError(f"{where}: the token holds control characters")
    return token


@click.command()
@STORE
@click.option(
    "--bind",
    metavar="HOST:PORT",
    default="127.0.0.1:8080",
    show_default=True,
    help="where the public page listens (0.0.0.0:8080 for every interface; port 0: any free port)",
)
@click.option(
    "--incident",
    "incident_id",
    metavar="ID",
    help="show this incident (default: the newest open one, real before drills)",
)
@click.option(
    "--token-file",
    metavar="FILE",
    help=f"file holding the internal page's token (or ${TOKEN_ENV}); without one it is off",
)
@click.option(
    "--internal-bind",
    metavar="HOST:PORT",
    help="serve the internal page on this address instead (behind the token too, when there is one)",
)
@click.option("--title", default="Service status", show_default=True, help="the public page's heading")
@click.option("--quiet", is_flag=True, help="no line per request on standard error")
def serve(  # noqa: PLR0917 - click passes every option
    store_path: str | None,
    bind: str,
    incident_id: str | None,
    token_file: str | None,
    internal_bind: str | None,
    title: str,
    quiet: bool,
) -> int:
    """A read-only, live status page of the incident store: a public page (the plan's public
    components, their state and ETA, the updates sent to customers, the history) and an internal
    one (services, waves, what blocks them, the journal) at /internal/ behind a token, or on
    --internal-bind. Pages change as the journal does (Server-Sent Events), and reload by
    themselves without JavaScript. Nothing it serves writes to the store.
    """
    from planner.tracking.persistence.db import locate
    from planner.web.reading import Reader
    from planner.web.server import parse_bind, status_server

    token = read_token(token_file)
    public_at = parse_bind(bind)
    private_at = parse_bind(internal_bind, "--internal-bind") if internal_bind else None
    reader = Reader(locate(store_path), incident_id)
    reader.check()
    server = status_server(
        reader, bind=public_at, internal_bind=private_at, token=token, title=title, access_log=not quiet
    )
    with _ctrl_c_stops(server) as interrupted:
        say(f"public page: {server.public_url}", err=True)
        if server.internal_url is None:
            say(f"internal page: off (give --token-file, ${TOKEN_ENV} or --internal-bind)", err=True)
        else:
            say(f"internal page: {server.internal_url}" + (" (with the token)" if token else ""), err=True)
        server.run()
    if interrupted.is_set():
        say("stopped", err=True)
    return 0


@contextlib.contextmanager
def _ctrl_c_stops(server: StatusServer) -> Iterator[threading.Event]:
    """Ctrl-C is how a server in a terminal is stopped (even as it says where): not a failure.
    It asks ``server`` to stop, however far it got, and is said once it has; it used to raise
    KeyboardInterrupt wherever the main thread was, and while asyncio made or closed its event
    loop (before uvicorn took the signal, or after it gave it back) that left a half-made loop
    and a coroutine never awaited to print their tracebacks after "stopped"."""
    interrupted = threading.Event()

    def ctrl_c(_signum: int, _frame: object) -> None:
        interrupted.set()
        server.stop()

    if threading.current_thread() is not threading.main_thread():
        yield interrupted
        return
    before = signal.signal(signal.SIGINT, ctrl_c)
    try:
        yield interrupted
    finally:
        signal.signal(signal.SIGINT, before)
