"""``planner incident update --send`` and ``planner incident deliver`` against real receivers on
loopback: an HTTP server and an SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from models.events import Delivered, DeliveryAttempted, DeliveryFailed, StakeholderUpdate
from planner.delivery.payloads import idempotency_key, subject
from planner.tracking.persistence.store import Store
from tests.delivery.conftest import config, email, webhook
from tests.delivery.receivers import Mailbox, Receiver, receiving, smtp_server
from tests.helpers.incident_cli import run, start


def journal(store: Path, incident: str) -> list[object]:
    with Store(store) as opened:
        return list(opened.events(incident))


def deliveries(store: Path, incident: str) -> list[tuple[str, str, int]]:
    """(kind, destination, attempt) of every delivery event, in order."""
    return [
        (e.kind, e.destination, e.attempt)
        for e in journal(store, incident)
        if isinstance(e, DeliveryAttempted | Delivered | DeliveryFailed)
    ]


def test_a_receiver_failing_three_times_then_taking_it_gets_exactly_one_copy(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = start(capsys)
    with receiving(Receiver(script=[502, 503, 500])) as receiver:
        monkeypatch.setenv("HOOK_URL", receiver.url())
        delivery = config(tmp_path, webhook("status-page"))
        args = ["--audience", "customer", "--message", "Checkout is slow.", "--send", "--delivery", delivery]
        code, out, err = run(capsys, "incident", "update", incident, *args)
        assert code == 0, err
        assert "Checkout is slow." in out
        assert "HTTP 502" in err
        assert "retrying" in err
        assert "delivered to status-page (webhook)" in err
        assert len(receiver.accepted) == 1
        assert len(receiver.requests) == 4
        update = next(e for e in journal(store, incident) if isinstance(e, StakeholderUpdate))
        assert update.send_to == ["status-page"]
        keys = {r.headers["Idempotency-Key"] for r in receiver.requests}
        assert keys == {idempotency_key(update, "status-page")}
        assert deliveries(store, incident) == [
            ("delivery_attempted", "status-page", 1),
            ("delivery_failed", "status-page", 1),
            ("delivery_attempted", "status-page", 2),
            ("delivery_failed", "status-page", 2),
            ("delivery_attempted", "status-page", 3),
            ("delivery_failed", "status-page", 3),
            ("delivery_attempted", "status-page", 4),
            ("delivered", "status-page", 4),
        ]
        failures = [e for e in journal(store, incident) if isinstance(e, DeliveryFailed)]
        assert [(f.code, f.reason.split(":")[0]) for f in failures] == [
            (502, "HTTP 502"),
            (503, "HTTP 503"),
            (500, "HTTP 500"),
        ]
        code, _, err = run(capsys, "incident", "deliver", incident, "--delivery", delivery)
        assert code == 0
        assert "nothing to deliver" in err
        assert len(receiver.requests) == 4  # delivered is never sent again
        _, out, _ = run(capsys, "incident", "status", incident)
        assert "customer update #2 delivered" in out
        assert "to status-page (webhook)" in out


def test_email_reaches_a_real_smtp_server_once_after_three_temporary_refusals(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = start(capsys)
    mailbox = Mailbox(script=[451, 451, 451])
    with smtp_server(mailbox) as port:
        monkeypatch.setenv("SMTP_PASSWORD", "mail-pw")
        delivery = config(tmp_path, email(port, login=True))
        args = ["--audience", "executive", "--send", "--delivery", delivery]
        code, out, err = run(capsys, "incident", "update", incident, *args)
        assert code == 0, err
        assert mailbox.tries == 4
        assert len(mailbox.messages) == 1
        assert mailbox.logins[0] == ("status", b"mail-pw")
        sent = message_from_bytes(mailbox.messages[0], policy=policy.default)
        update = next(e for e in journal(store, incident) if isinstance(e, StakeholderUpdate))
        assert sent["Message-ID"] == f"<{idempotency_key(update, 'exec-mail')}@example.com>"
        assert sent["To"] == "cto@example.com, ceo@example.com"
        assert sent["Subject"] == subject(update) == out.splitlines()[0][:117] + "..."
        assert sent.get_content().replace("\r\n", "\n") == update.text + "\n"
        failures = [e for e in journal(store, incident) if isinstance(e, DeliveryFailed)]
        assert [f.code for f in failures] == [451, 451, 451]
        code, _, err = run(capsys, "incident", "deliver", incident, "--delivery", delivery)
        assert (code, mailbox.tries) == (0, 4)


def test_each_kind_of_webhook_gets_its_own_shape(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = start(capsys)
    with receiving(Receiver()) as receiver:
        for kind in ("slack", "teams", "webhook"):
            monkeypatch.setenv(f"{kind.upper()}_URL", receiver.url(f"/{kind}"))
        delivery = config(
            tmp_path,
            *(webhook(k, k, '["technical"]', f"{k.upper()}_URL") for k in ("slack", "teams", "webhook")),
        )
        text = "DB back <!channel> & <https://evil.example|click>\nNext: queue.\x1b]52;c;ZZ\x07"
        code, _, err = run(
            capsys, "incident", "update", incident, "--message", text, "--send", "--delivery", delivery
        )
        assert code == 0, err
        bodies = {r.path: json.loads(r.body) for r in receiver.accepted}
    assert bodies["/slack"]["text"] == (
        "DB back &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;\nNext: queue.\\x1b]52;c;ZZ\\x07"
    )
    card = bodies["/teams"]["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    shown = "Next: queue.\\x1b]52;c;ZZ\\x07"  # journal text: its control characters written out
    assert [b["text"] for b in card["content"]["body"]] == [text.splitlines()[0], shown]
    generic = bodies["/webhook"]
    assert generic["kind"] == "stakeholder_update"
    assert generic["incident"] == incident
    assert generic["audience"] == "technical"
    assert generic["text"] == text.replace("\x1b", "\\x1b").replace("\x07", "\\x07")
    assert generic["update"] == 2
    assert generic["idempotency_key"].startswith(f"planner-{incident}-2-")
    assert "actor" not in generic
    _, out, _ = run(capsys, "incident", "status", incident, "--format", "json")
    assert {d["state"] for d in json.loads(out)["deliveries"]} == {"delivered"}


def test_a_refused_update_is_not_retried_and_deliver_sends_it_later(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = start(capsys)
    with receiving(Receiver(script=[404])) as receiver:
        monkeypatch.setenv("HOOK_URL", receiver.url())
        delivery = config(tmp_path, webhook("status-page"))
        args = ["--audience", "customer", "--send", "--delivery", delivery]
        code, _, err = run(capsys, "incident", "update", incident, *args)
        assert code == 1
        assert f"HTTP 404: no (attempt 1); `planner incident deliver {incident}` tries again" in err
        assert len(receiver.requests) == 1  # a 404 is not worth another attempt
        _, out, _ = run(capsys, "incident", "status", incident)
        assert (
            "customer update #2 NOT delivered to status-page (webhook): HTTP 404: no after 1 attempt;" in out
        )
        code, _, err = run(capsys, "incident", "deliver", incident, "--delivery", delivery)
        assert code == 0, err
        assert len(receiver.accepted) == 1
    assert deliveries(store, incident)[-1] == ("delivered", "status-page", 2)


def test_nothing_is_recorded_when_a_destination_cannot_be_used(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = start(capsys)
    monkeypatch.delenv("HOOK_URL", raising=False)
    delivery = config(tmp_path, webhook("status-page"))
    before = journal(store, incident)
    code, out, err = run(
        capsys, "incident", "update", incident, "--audience", "customer", "--send", "--delivery", delivery
    )
    assert (code, out) == (2, "")
    unset = "reads its webhook URL from $HOOK_URL, which is not set"
    assert err == f"error: delivery destination 'status-page' {unset}\n"
    code, _, err = run(
        capsys, "incident", "update", incident, "--audience", "executive", "--send", "--delivery", delivery
    )
    assert code == 2
    assert "has no destination for the executive audience" in err
    code, _, err = run(
        capsys, "incident", "update", incident, "--send", "--delivery", str(tmp_path / "none.toml")
    )
    assert code == 2
    assert "no delivery config at" in err
    assert journal(store, incident) == before
