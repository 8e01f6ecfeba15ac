"""The PostgreSQL half of the store tests: a fresh database per test on the server named by
``PLANNER_TEST_PG`` (``.ci/run`` starts a throwaway one: see ``scripts/pg-throwaway``).

Without a server the PostgreSQL tests are skipped with that reason, except under CI, where they
fail: CI must run them.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest

ENV = "PLANNER_TEST_PG"
NO_SERVER = f'no PostgreSQL server for the store tests: set {ENV} (eval "$(scripts/pg-throwaway start)")'
_names = itertools.count(1)


def server_url() -> str | None:
    """The test server's URL, if one was started."""
    return os.environ.get(ENV) or None


def skip_without_server() -> pytest.MarkDecorator:
    """A mark for tests that only make sense with the server (skipped locally without one)."""
    return pytest.mark.skipif(server_url() is None and not os.environ.get("CI"), reason=NO_SERVER)


def require_server() -> str:
    """The server's URL; without one, skip (or fail under CI, which must run these tests)."""
    url = server_url()
    if url is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL store tests: {NO_SERVER}")
        pytest.skip(NO_SERVER)
    return url


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _admin(url: str) -> object:
    import psycopg

    return psycopg.connect(url, autocommit=True)


def create_database() -> str:
    """A new, empty database on the test server; its URL."""
    url = require_server()
    name = f"planner_t{os.getpid()}_{next(_names)}"
    with _admin(url) as admin:  # type: ignore[attr-defined]
        admin.execute(f"CREATE DATABASE {name}")
    return _with_database(url, name)


def drop_database(database_url: str) -> None:
    """Drop a database :func:`create_database` made (whoever is still connected)."""
    url = require_server()
    name = urlsplit(database_url).path.lstrip("/")
    with _admin(url) as admin:  # type: ignore[attr-defined]
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new database for the block, dropped after it."""
    url = create_database()
    try:
        yield url
    finally:
        drop_database(url)
