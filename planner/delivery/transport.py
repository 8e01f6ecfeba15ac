"""One attempt to hand one update to one destination: an HTTP POST (standard library, a timeout,
no redirects followed, at most :data:`MAX_BODY` bytes of the answer read) or an SMTP session
(STARTTLS, TLS or plain). The answer is an :class:`Outcome`: delivered, or why not and whether
another attempt can help. No secret reaches an outcome (:func:`scrubbed`)."""

from __future__ import annotations

import http.client
import re
import smtplib
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, replace
from email.message import EmailMessage

from models.events import StakeholderUpdate
from planner.delivery import payloads
from planner.delivery.config import Destination

MAX_BODY = 64 * 1024
"""Bytes of an HTTP answer read at most (a receiver cannot make the sender read forever)."""
USER_AGENT = "recovery-planner (stakeholder updates)"


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to."""

    delivered: bool
    detail: str
    """``HTTP 200``, or why it failed: ``HTTP 502``, ``SMTP 451 ...``, ``timed out after 10 s``."""
    code: int | None = None
    """The HTTP status or SMTP reply code, when there was one."""
    again: bool = True
    """Whether another attempt may succeed (a 5xx, a timeout) or not (a 404, a refused address)."""
    retry_after: float | None = None
    """Seconds the receiver asked to wait (``Retry-After``)."""


def masked(url: str) -> str:
    """A URL as it may be shown: its scheme and host only (the path and query of a webhook
    URL are its secret).

    Examples
    --------
    >>> masked("https://hooks.slack.com/services/T0/B0/XXXX?x=1")
    'https://hooks.slack.com'
    >>> masked("http://user:pw@127.0.0.1:8080/hook")
    'http://127.0.0.1:8080'
    """
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def scrubbed(text: str, secrets: list[str]) -> str:
    """``text`` (an error's words) on one line, without any of ``secrets`` nor the path of any
    URL among them, and short.

    Examples
    --------
    >>> scrubbed("bad url http://h/T0/SECRET1 said\\nno", ["http://h/T0/SECRET1"])
    'bad url http://h said no'
    """
    for secret in secrets:
        text = text.replace(secret, masked(secret) if "://" in secret else "***")
        if "://" in secret:
            parts = urllib.parse.urlsplit(secret)
            for piece in (parts.path, parts.query, *parts.path.split("/")):
                if len(piece) >= 6:
                    text = text.replace(piece, "***")
                    text = text.replace(urllib.parse.unquote(piece), "***")
    text = re.sub(r"\s+", " ", text).strip()
    return text[:197] + "..." if len(text) > 200 else text


def send(destination: Destination, update: StakeholderUpdate, timeout: float) -> Outcome:
    """One attempt to deliver ``update`` to ``destination``."""
    secrets = destination.secrets()
    if destination.is_email:
        message = payloads.email(update, destination.name, destination.sender, destination.to)
        outcome = send_email(destination, message, destination.password(), timeout)
    else:
        body = payloads.webhook_body(destination.kind, update, destination.name)
        key = payloads.idempotency_key(update, destination.name)
        outcome = post(destination.url(), body, key, timeout)
    return replace(outcome, detail=scrubbed(outcome.detail, secrets))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A webhook that redirects is not followed (the body would go where nobody configured)."""

    def redirect_request(self, *_args: object) -> None:
        return None


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_NoRedirect)


def _read(response: http.client.HTTPResponse | urllib.error.HTTPError, timeout: float) -> bytes:
    """At most :data:`MAX_BODY` bytes, and for at most about two timeouts."""
    deadline = time.monotonic() + 2 * timeout
    chunks: list[bytes] = []
    size = 0
    while size < MAX_BODY and time.monotonic() < deadline:
        try:
            chunk = response.read(min(8192, MAX_BODY - size))
        except (OSError, http.client.HTTPException):  # the answer's status is what counts
            break
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _retry_after(value: str | None) -> float | None:
    return float(value) if value is not None and value.strip().isdigit() else None


def post(url: str, body: bytes, key: str, timeout: float) -> Outcome:
    """POST ``body`` (JSON) to ``url`` with ``Idempotency-Key: key``."""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": key, "User-Agent": USER_AGENT},
    )
    try:
        with _opener().open(request, timeout=timeout) as response:
            _read(response, timeout)
            return Outcome(True, f"HTTP {response.status}", response.status)
    except urllib.error.HTTPError as answer:
        code = answer.code
        said = _read(answer, timeout).decode("utf-8", "replace").strip().splitlines()
        why = f"HTTP {code}" + (f": {said[0][:80]}" if said else "")
        if 300 <= code < 400:
            why = f"HTTP {code}: a redirect, not followed (check the URL)"
        again = code in (408, 425, 429) or code >= 500
        retry_after = _retry_after(answer.headers.get("Retry-After")) if answer.headers else None
        return Outcome(False, why, code, again, retry_after)
    except urllib.error.URLError as failed:
        return _network(failed.reason, timeout)
    except (OSError, http.client.HTTPException) as failed:
        return _network(failed, timeout)
    except ValueError as bad:  # a URL urllib cannot use
        return Outcome(False, f"not a usable URL: {bad}", again=False)


def _network(reason: object, timeout: float) -> Outcome:
    """An attempt that got no answer: why, in a few words."""
    if isinstance(reason, TimeoutError | socket.timeout):
        return Outcome(False, f"timed out after {timeout:g} s")
    if isinstance(reason, ConnectionRefusedError):
        return Outcome(False, "connection refused")
    if isinstance(reason, socket.gaierror):
        return Outcome(False, "host not found")
    if isinstance(reason, ssl.SSLCertVerificationError):
        return Outcome(False, f"TLS certificate not trusted: {reason.verify_message}", again=False)
    if isinstance(reason, http.client.RemoteDisconnected | ConnectionResetError):
        return Outcome(False, "connection closed without an answer")
    return Outcome(False, f"network error: {reason}")


def send_email(
    destination: Destination, message: EmailMessage, password: str | None, timeout: float
) -> Outcome:
    """Send ``message`` through the destination's SMTP server."""
    context = ssl.create_default_context()
    host, port = destination.host, destination.port
    try:
        client = (
            smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
            if destination.security == "ssl"
            else smtplib.SMTP(host, port, timeout=timeout)
        )
        with client:
            if destination.security == "starttls":
                client.starttls(context=context)
            if destination.username:
                client.login(destination.username, password or "")
            refused = client.send_message(message)
    except smtplib.SMTPRecipientsRefused as no:
        codes = [code for code, _ in no.recipients.values()]
        again = all(400 <= c < 500 for c in codes)
        return Outcome(False, f"SMTP {codes[0]}: every recipient refused", codes[0], again)
    except smtplib.SMTPNotSupportedError as no:
        return Outcome(False, f"SMTP server: {no}", again=False)
    except smtplib.SMTPResponseException as no:
        said = no.smtp_error
        said = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
        return Outcome(False, f"SMTP {no.smtp_code} {said[:80]}", no.smtp_code, 400 <= no.smtp_code < 500)
    except smtplib.SMTPException as failed:
        return Outcome(False, f"SMTP: {failed}")
    except OSError as failed:
        return _network(failed, timeout)
    detail = f"accepted by {host}"
    if refused:
        detail += f" (refused: {', '.join(sorted(refused))})"
    return Outcome(True, detail, 250)
