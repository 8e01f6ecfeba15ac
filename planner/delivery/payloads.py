"""What each kind of destination is sent for one stakeholder update: a Slack-compatible
``{"text": ...}``, a Microsoft Teams message with an Adaptive Card, a generic JSON document, or an
email. Each carries the update's idempotency key (:func:`idempotency_key`): the same update to the
same destination always has the same key, so a receiver that keys on it drops a second copy."""

from __future__ import annotations

import hashlib
import json
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from models.events import StakeholderUpdate
from planner.style import terminal_safe

MAX_CARD_LINES = 60
"""Lines of an update put in a Teams card (the rest is said to be cut)."""


def idempotency_key(update: StakeholderUpdate, destination: str) -> str:
    """The key of ``update`` at ``destination``: derived from the stored event (incident,
    sequence number, time, text), so every attempt, by any sender, after any crash, sends the
    same key; two stores' ``INC-1`` updates differ by their time and text.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> u = StakeholderUpdate(incident="INC-1", seq=7, at=datetime(2026, 1, 2, tzinfo=UTC),
    ...                       actor="al", audience="customer", text="Back soon")
    >>> key = idempotency_key(u, "status-email")
    >>> key == idempotency_key(u, "status-email"), key == idempotency_key(u, "ops"), key[:13]
    (True, False, 'planner-INC-1')
    """
    facts = "\0".join([update.incident, str(update.seq), update.at.isoformat(), destination, update.text])
    digest = hashlib.sha256(facts.encode("utf-8")).hexdigest()[:32]
    return f"planner-{update.incident}-{update.seq}-{digest}"


def _text(update: StakeholderUpdate) -> str:
    """The update's text with its control characters written out (journal text is untrusted)."""
    return terminal_safe(update.text)


def subject(update: StakeholderUpdate) -> str:
    """The first line of the update (an email's subject, a card's title)."""
    first = next((line.strip() for line in _text(update).splitlines() if line.strip()), "")
    return (first[:117] + "...") if len(first) > 120 else first or f"{update.incident}: update"


def slack(update: StakeholderUpdate) -> dict[str, Any]:
    """Slack's incoming webhook (and Mattermost's, Rocket.Chat's): ``&``, ``<``, ``>`` escaped so
    an update cannot ping ``<!channel>`` or forge a link."""
    text = _text(update).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return {"text": text, "unfurl_links": False, "unfurl_media": False}


def teams(update: StakeholderUpdate) -> dict[str, Any]:
    """A Teams message with one Adaptive Card (what Teams workflow webhooks take; the older
    Office 365 connectors take it too): the first line as the title, a text block per line."""
    lines = _text(update).splitlines()
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": subject(update), "weight": "Bolder", "size": "Medium", "wrap": True}
    ]
    rest = [line for line in lines[1:] if line.strip()]
    if len(rest) > MAX_CARD_LINES:
        rest = [*rest[:MAX_CARD_LINES], f"(and {len(rest) - MAX_CARD_LINES} more lines)"]
    body += [{"type": "TextBlock", "text": line, "wrap": True, "spacing": "Small"} for line in rest]
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


def generic(update: StakeholderUpdate, destination: str) -> dict[str, Any]:
    """The generic JSON webhook's document (keys may be added, never removed or renamed). The
    actor is left out: a customer-facing receiver has no need of responders' names."""
    return {
        "kind": "stakeholder_update",
        "incident": update.incident,
        "update": update.seq,
        "audience": update.audience,
        "at": update.at.isoformat(),
        "text": _text(update),
        "destination": destination,
        "idempotency_key": idempotency_key(update, destination),
    }


def webhook_body(kind: str, update: StakeholderUpdate, destination: str) -> bytes:
    """The JSON body a webhook of ``kind`` is sent."""
    if kind == "slack":
        document = slack(update)
    else:
        document = teams(update) if kind == "teams" else generic(update, destination)
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def email(update: StakeholderUpdate, destination: str, sender: str, to: tuple[str, ...]) -> EmailMessage:
    """The email: plain text, its ``Message-ID`` the idempotency key (stable across attempts, so
    a mail system that sees it twice can tell), dated when the update was written."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject(update)
    message["Date"] = format_datetime(update.at)
    domain = sender.rpartition("@")[2] or "recovery-planner.invalid"
    message["Message-ID"] = f"<{idempotency_key(update, destination)}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_text(update) + ("" if update.text.endswith("\n") else "\n"))
    return message
