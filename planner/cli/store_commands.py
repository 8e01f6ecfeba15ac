"""``planner store``: look after incident stores: bring one's schema up to date, copy incidents
between an SQLite file and a PostgreSQL server."""

from __future__ import annotations

import click

from planner.cli.incident_options import STORE, open_store
from planner.cli.streams import say
from planner.errors import UsageError
from planner.style import plural


@click.group("store")
def store_group() -> None:
    """Look after incident stores: an SQLite file (one machine, the default) or a PostgreSQL
    database (postgresql://USER@HOST/DB: responders on many machines).

    \b
    Examples:
      planner store migrate --store postgresql://planner@db.internal/incidents
      planner store copy .planner/incidents.db postgresql://planner@db.internal/incidents
      planner store copy postgresql://planner@db.internal/incidents archive.db --incident INC-7
    """


@store_group.command("migrate")
@STORE
def migrate(store_path: str | None) -> int:
    """Create the store's tables, or bring an older store's schema up to the newest.

    Every command does this by itself when it opens a store; run it on purpose to prepare a new
    PostgreSQL database for the team, or to upgrade a store before an exercise. A store written
    by a newer planner is refused (upgrade the planner instead).
    """
    from planner.tracking.persistence.db import locate
    from planner.tracking.persistence.store import Store
    from planner.tracking.persistence.store_schema import LATEST

    with Store(locate(store_path), create=True) as store:
        incidents = plural(len(store.incident_rows()), "incident")
        say(f"{store.path}: schema {store.version} (the newest is {LATEST}), {incidents}")
    return 0


@store_group.command("copy")
@click.argument("source", metavar="SRC")
@click.argument("target", metavar="DST")
@click.option(
    "--incident",
    "incidents",
    multiple=True,
    metavar="ID",
    help="copy only this incident (repeatable; default: every incident in SRC)",
)
def copy(source: str, target: str, incidents: tuple[str, ...]) -> int:
    """Copy incidents from the store SRC to the store DST (each an SQLite file or a
    postgresql:// URL): the journal byte for byte, the plan it started from, its live rows.

    DST is created when missing. An incident DST already has is refused and nothing is copied;
    SRC is never changed (delete the file yourself once the copy is where it belongs). The copy
    is read back and compared with SRC before this says it is done.
    """
    from planner.tracking.persistence.copying import copy_incidents, journal_rows
    from planner.tracking.persistence.db import locate, same_place

    if same_place(locate(source, named="SRC"), locate(target, named="DST")):
        raise UsageError(f"SRC and DST are the same store ({source}): nothing to copy")
    with open_store(source) as src, open_store(target, create=True) as dst:
        copied = copy_incidents(src, dst, list(incidents) or None)
        for done in copied:
            if journal_rows(dst.db, done.incident) != journal_rows(src.db, done.incident):
                raise UsageError(f"the copy of {done.incident} in {dst.path} differs from {src.path}")
            say(
                f"copied {done.incident}: {plural(done.events, 'journal event')} (identical, numbered "
                f"1-{done.events}), {plural(done.tasks, 'task')}, the plan it started from"
            )
        say(f"{plural(len(copied), 'incident')} copied from {src.path} to {dst.path}")
    return 0
