"""One incident on a PostgreSQL store, tracked from two terminals: each sees the other's actions
as they are made (the store announces them: no polling), and a terminal that loses the server
says OFFLINE, refuses actions (keeping nothing to send later), and reconnects by itself."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import pytest

from planner.tracking.persistence.store import Store
from planner.tracking.persistence.watching import announces
from planner.tracking.session import Session
from planner.tui.app import TrackApp
from planner.tui.widgets import TrackHeader
from tests.helpers.pilot import STARTED, Clock, go_to, recovery, start_incident, started, wait_for
from tests.proxy import Relay


def _app(url: str, incident: str, actor: str, said: list[tuple[str, str]] | None = None) -> TrackApp:
    clock = Clock(STARTED.replace(minute=20))
    app = TrackApp(Session(url, incident, actor, clock=clock), clock=clock, poll=True)
    if said is not None:

        def notify(message: str, *, title: str = "", **_: object) -> None:
            said.append((title, message))

        app.notify = notify  # type: ignore[method-assign]
    return app


@pytest.mark.asyncio
async def test_two_terminals_see_each_other_within_a_second(pg_url: str) -> None:
    assert announces(pg_url)
    incident = start_incident(pg_url)
    alice, bob = _app(pg_url, incident, "alice"), _app(pg_url, incident, "bob")
    async with alice.run_test(size=(120, 36)) as one, bob.run_test(size=(120, 36)) as two:
        await started(alice, one)
        await started(bob, two)
        await go_to(alice, one, "ldap-directory")
        await one.press("b")  # the second from when it is recorded (alice's screen shows it)
        await wait_for(one, lambda: alice.state.tasks["ldap-directory"].state == "restoring")
        await wait_for(two, lambda: bob.state.tasks["ldap-directory"].state == "restoring", within=1.0)
        assert bob.session.journal[-1].actor == "alice"
        await go_to(bob, two, "db-primary")
        await two.press("b")
        await wait_for(two, lambda: bob.state.tasks["db-primary"].state == "restoring")
        await wait_for(one, lambda: alice.state.tasks["db-primary"].state == "restoring", within=1.0)
        assert alice.session.journal[-1].actor == "bob"


@pytest.mark.asyncio
async def test_a_lost_server_is_shown_refuses_actions_and_comes_back(pg_url: str) -> None:
    incident = start_incident(pg_url)
    parts = urlsplit(pg_url)
    relay = Relay((parts.hostname or "127.0.0.1", parts.port or 5432))
    through = urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{relay.port}"))
    said: list[tuple[str, str]] = []
    app = _app(through, incident, "alice", said)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        screen = recovery(app)
        relay.cut()
        await wait_for(pilot, lambda: screen.offline is not None)
        header = screen.query_one(TrackHeader)
        assert "OFFLINE" in str(header.render())
        before = len(Store(pg_url).events(incident))
        await go_to(app, pilot, "ldap-directory")
        await pilot.press("b")  # (no settle(): the watch is a worker that never completes)
        await wait_for(pilot, lambda: "Offline: not recorded" in [t for t, _ in said])
        assert len(Store(pg_url).events(incident)) == before  # nothing recorded, nothing kept to send
        assert app.state.tasks["ldap-directory"].state == "down"
        # meanwhile another responder, still connected, acts
        with Store(pg_url) as other:
            from datetime import timedelta

            from planner.tracking.domain import actions

            at = STARTED + timedelta(minutes=21)
            other.act(incident, lambda v: actions.Begin("db-primary").decide(v, "bob", at))
        relay.mend()
        await wait_for(pilot, lambda: screen.offline is None)
        assert "OFFLINE" not in str(header.render())
        assert any(t == "Back online" for t, _ in said)
        await wait_for(pilot, lambda: app.state.tasks["db-primary"].state == "restoring")  # caught up
        await pilot.press("b")
        await wait_for(pilot, lambda: app.state.tasks["ldap-directory"].state == "restoring")
    relay.cut()
