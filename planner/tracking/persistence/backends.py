"""The backend a store's location names: PostgreSQL for a URL, else SQLite."""

from __future__ import annotations

from planner.tracking.persistence.db import Backend, Location
from planner.tracking.persistence.pg_backend import PostgresBackend
from planner.tracking.persistence.sqlite_backend import SqliteBackend


def open_backend(location: Location, *, create: bool, lock_wait: float) -> Backend:
    """The backend for ``location``, connected (a missing file is created only with ``create``)."""
    if isinstance(location, str):
        return PostgresBackend(location, create=create, lock_wait=lock_wait)
    return SqliteBackend(location, create=create, lock_wait=lock_wait)
