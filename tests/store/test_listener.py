"""A screen's listener on a PostgreSQL store (``planner.tracking.persistence.pg_backend.Listener``) when the
network goes at any moment: it connects, or says the store is offline, never anything else (a
driver error escaping here once ended a screen's watch for good)."""

from __future__ import annotations

import random
import threading
import time
from urllib.parse import urlsplit, urlunsplit

from planner.tracking.persistence.db import OfflineError
from planner.tracking.persistence.pg_backend import Listener
from tests.proxy import Relay

CUTS = 150


def test_a_cut_at_any_moment_is_offline_or_nothing(pg_url: str) -> None:
    parts = urlsplit(pg_url)
    rng = random.Random(3)
    outcomes: list[str] = []
    for _ in range(CUTS):
        relay = Relay((parts.hostname or "127.0.0.1", parts.port or 5432))
        through = urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{relay.port}"))
        seen: list[str] = []

        def listen(url: str = through, seen: list[str] = seen) -> None:
            try:
                listener = Listener(url)
            except OfflineError:
                seen.append("refused")
                return
            except Exception as other:  # noqa: BLE001 - what the test is looking for
                seen.append(repr(other))
                return
            try:
                list(listener.wait(timeout=0.2))
                listener.alive()
                seen.append("alive")
            except OfflineError:
                seen.append("lost")
            except Exception as other:  # noqa: BLE001 - what the test is looking for
                seen.append(repr(other))
            finally:
                listener.close()

        thread = threading.Thread(target=listen, daemon=True)
        thread.start()
        time.sleep(rng.uniform(0, 0.03))
        relay.cut()
        thread.join(10)
        assert not thread.is_alive(), "the listener hung"
        outcomes += seen
    assert set(outcomes) <= {"refused", "lost", "alive"}, outcomes
    assert len(outcomes) == CUTS
