"""Delivering the updates logged on the recovery screen (``u``): the delivery config the screen
uses (``$PLANNER_DELIVERY``, else the default path; ``planner track --delivery FILE`` sets it), and
the sender run in a worker thread, each outcome a notification ("customer update #7 NOT delivered
to status (webhook): HTTP 502, retrying in 4 s") besides the journal's own lines."""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from planner.delivery.config import DeliveryConfig, load, locate
from planner.errors import PlannerError
from planner.tui import safe

if TYPE_CHECKING:
    from textual.widget import Widget

    from planner.tracking.session import Session


LEFT_SHOWN = 3600.0
"""Seconds a notification of an update left undelivered stays up (a retry's goes as usual)."""


@dataclass
class Targets:
    """Where each audience's update goes from this screen."""

    config: DeliveryConfig | None = None
    problem: str = ""
    """Why nothing is sent (a broken config, a secret's variable not set); empty when fine."""
    labels: dict[str, list[str]] = field(default_factory=dict)
    """Per audience, the destinations' labels (for the dialog)."""

    def names(self, audience: str) -> tuple[str, ...]:
        """The destinations ``audience``'s update is to be delivered to (none: logged only)."""
        if self.config is None:
            return ()
        return tuple(d.name for d in self.config.for_audience(audience))


def targets(audiences: list[str]) -> Targets:
    """The config's destinations for each of ``audiences``, checked ready; no config file at the
    default path means updates are only logged (as before delivery existed)."""
    path, named = locate(None)
    if not named and not path.exists():
        return Targets()
    try:
        config = load(None)
        for destination in config.destinations:
            destination.check_ready()
    except PlannerError as broken:
        return Targets(problem=f"Updates are only logged, not sent: {broken}")
    labels = {a: [d.label for d in config.for_audience(a)] for a in audiences}
    return Targets(config, labels=labels)


def deliver_in_background(node: Widget, session: Session, config: DeliveryConfig) -> None:
    """Run the sender for the session's incident in a daemon thread, each outcome notified.

    Not a Textual worker: those run in the event loop's executor, which the interpreter waits
    for at exit, and a sender waiting a minute before its next attempt would hold ``q`` that
    long. A daemon thread ends with the screen; what it left is in the journal, and ``planner
    incident deliver`` (or the next update sent from a screen) sends it."""
    from planner.delivery.sender import Sender
    from planner.tracking.persistence.store import Store

    app = node.app

    def said(line: str, ok: bool, left: bool = True) -> None:
        """Notify ``line``; what is left undelivered stays up until dismissed (an hour)."""
        title, severity = ("Delivered", "information") if ok else ("NOT delivered", "error")
        lasting = {"timeout": LEFT_SHOWN} if left and not ok else {}
        with contextlib.suppress(RuntimeError):  # the screen is gone: the journal has it
            app.call_from_thread(node.notify, safe.block(line), title=title, severity=severity, **lasting)

    def run() -> None:
        try:
            with Store(session.store_path) as store:
                sender = Sender(store, config, session.actor)
                sender.report = lambda line, ok: said(line, ok, line in sender.left)
                sender.run(session.incident)
        except PlannerError as failed:  # a secret's variable unset since, the store offline
            said(f"{failed}; `planner incident deliver {session.incident}` sends it", False)
        except Exception as bug:  # noqa: BLE001 - a bug is said on the screen, not printed over it
            report = f"Delivery stopped: {type(bug).__name__}: {bug}. This is a bug; please report it."
            said(report, False)

    threading.Thread(target=run, name="planner-delivery", daemon=True).start()
