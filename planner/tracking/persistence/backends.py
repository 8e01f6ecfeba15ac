"""The backend a store's location names: PostgreSQL for a URL, else SQLite. Only the one named is
imported: an action on an SQLite file does not pay for the PostgreSQL backend's modules."""

from __future__ import annotations

from planner.tracking.persistence.db import Backend, Location


def open_backend(location: Location, *, create: bool, lock_wait: float) -> Backend:
    """The backend for ``location``, connected (a missing file is created only with ``create``)."""
    if isinstance(location, str):
        from planner.tracking.persistence.pg_backend import PostgresBackend

        return PostgresBackend(location, create=create, lock_wait=lock_wait)
    from planner.tracking.persistence.sqlite_backend import SqliteBackend

    return SqliteBackend(location, create=create, lock_wait=lock_wait)
