"""Delivering stakeholder updates from the shell: ``planner incident update --send`` (through
:func:`destinations` and :func:`deliver_now`) and ``planner incident deliver``, which resumes what
a sender left (a crash, a killed process, a destination that was down). Each attempt is a journal
event; see :mod:`planner.delivery.sender` for what is guaranteed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from planner.cli.incident_options import AS, STORE, open_store, who_is
from planner.cli.streams import say
from planner.style import visible

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime
    from typing import Any

    from models.events import Event
    from planner.delivery.config import DeliveryConfig

DELIVERY = click.option(
    "--delivery",
    "delivery_path",
    metavar="FILE",
    envvar="PLANNER_DELIVERY",
    help="the delivery config: destinations per audience, secrets by environment variable name "
    "(default: $PLANNER_DELIVERY, else ~/.config/recovery-planner/delivery.toml)",
)


def delivery_lines(journal: Sequence[Event], now: datetime) -> list[str]:
    """Each update's delivery in a sentence, for ``incident status`` (none: no update was sent)."""
    from planner.tracking.domain.deliveries import deliveries, status_lines

    if not deliveries(journal):  # the delivery config's modules only when there is one to say
        return []
    from planner.delivery.config import Retry

    return status_lines(journal, now, Retry().lease)


def delivery_json(journal: Sequence[Event], now: datetime) -> list[dict[str, Any]]:
    """Each update's delivery, for ``incident status --format json``."""
    from planner.tracking.domain.deliveries import deliveries

    found = deliveries(journal)
    if not found:
        return []
    from planner.delivery.config import Retry

    return [d.as_json(now, Retry().lease) for d in found]


def destinations(delivery_path: str | None, audience: str) -> tuple[DeliveryConfig, tuple[str, ...]]:
    """The config and the names of ``audience``'s destinations, each ready to send (its secrets
    set); a usage error, before anything is recorded, when there are none or one is not ready."""
    from planner.delivery.config import DeliveryConfigError, load

    config = load(delivery_path)
    chosen = config.for_audience(audience)
    if not chosen:
        raise DeliveryConfigError(
            f"{config.path} has no destination for the {audience} audience: add one (audiences = "
            f'["{audience}"]), or log the update without --send'
        )
    for destination in chosen:
        destination.check_ready()
    return config, tuple(d.name for d in chosen)


def deliver_now(
    store_path: str | None, incident: str, config: DeliveryConfig, who: str, update: int | None = None
) -> int:
    """Send what is left of ``incident`` (of update ``update`` only), saying each outcome on
    standard error; 0 when everything is delivered, 1 when some is left (said how to resume)."""
    from planner.delivery.sender import Sender

    with open_store(store_path) as store:
        store.require(incident)
        sender = Sender(store, config, who, report=lambda line, _ok: say(visible(line), err=True))
        if not sender.targets(incident, update):
            say(f"{incident}: nothing to deliver", err=True)
            return 0
        left = sender.run(incident, update)
    return 1 if left else 0


@click.command()
@click.argument("incident_id", metavar="ID")
@click.option("--update", "update", type=int, metavar="N", help="only the update recorded as event #N")
@DELIVERY
@STORE
@AS
def deliver(
    incident_id: str, update: int | None, delivery_path: str | None, store_path: str | None, actor: str | None
) -> int:
    """Deliver the stakeholder updates of ID that are not delivered yet: after a crash, a killed
    sender, or a destination that stayed down. An update recorded delivered to a destination is
    never sent there again; every attempt is a journal event.

    Exit 0 when everything is delivered, 1 when something is still not (each said on stderr).
    """
    from planner.delivery.config import load

    return deliver_now(store_path, incident_id, load(delivery_path), who_is(actor), update)
