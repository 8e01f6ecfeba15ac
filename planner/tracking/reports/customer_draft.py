"""The stakeholder update for customers: it names only the plan's public components, their state
and when each should be back, and never a service, team, person, note or check (a customer
reads what the company offers, not how it is built). A plan with no public component gets an
update that names nothing at all."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from planner.tracking.domain.components import ComponentStatus, ComponentView
from planner.tracking.domain.moments import moment

CUSTOMER_WORDS = {
    ComponentStatus.MAJOR_OUTAGE: "unavailable",
    ComponentStatus.PARTIAL_OUTAGE: "partly unavailable",
    ComponentStatus.DEGRADED: "slower than usual or missing some features",
}
"""How a customer reads each state but operational."""


def listing(names: Sequence[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``.

    Examples
    --------
    >>> listing(["Checkout"]), listing(["Checkout", "Login", "Search"])
    ('Checkout', 'Checkout, Login and Search')
    """
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def customer_update(
    views: Sequence[ComponentView], eta: datetime | None, now: datetime, cadence: int, *, over: bool
) -> str:
    """The update: ``views`` are the plan's components (only the public ones are read), ``eta``
    the projected end of the whole recovery (used only when no component is public), ``over``
    whether every impacted service is restored."""
    public = [v for v in views if v.public]
    if over:
        body = ["Service has been restored. We are monitoring closely and will share a summary."]
    elif public:
        body = _public_lines(public, now)
    else:
        body = [
            "We are experiencing a disruption to some of our services. Our engineers are restoring "
            "service. "
            + (
                f"We expect full recovery by about {moment(eta, now)} UTC."
                if eta
                else "We cannot give a time for full recovery yet."
            )
        ]
    nxt = now + timedelta(seconds=cadence)
    return (
        f"Service status: update {now:%H:%M} UTC\n\n"
        + "\n".join(body)
        + f"\nNext update by {moment(nxt, now)} UTC.\n"
    )


def _public_lines(public: Sequence[ComponentView], now: datetime) -> list[str]:
    """What is affected, each with its state and ETA, then what works; or that all of it works."""
    hit = sorted(
        (v for v in public if v.status is not ComponentStatus.OPERATIONAL), key=lambda v: -v.status.rank
    )
    fine = [v.name for v in public if v.status is ComponentStatus.OPERATIONAL]
    if not hit:
        return [
            f"{listing(fine)} {'is' if len(fine) == 1 else 'are'} working normally. Our engineers are "
            "completing recovery work that does not affect them."
        ]
    lines = [f"We are experiencing a disruption affecting {listing([v.name for v in hit])}."]
    for v in hit:
        when = (
            f"we expect it back by about {moment(v.eta, now)} UTC" if v.eta else "we cannot give a time yet"
        )
        lines.append(f"- {v.name}: {CUSTOMER_WORDS[v.status]}; {when}.")
    etas = [v.eta for v in hit]
    if all(e is not None for e in etas):
        last = max(e for e in etas if e is not None)
        lines.append(f"We expect full recovery by about {moment(last, now)} UTC.")
    else:
        lines.append("We cannot give a time for full recovery yet.")
    if fine:
        lines.append(f"{listing(fine)} {'is' if len(fine) == 1 else 'are'} working normally.")
    return lines
