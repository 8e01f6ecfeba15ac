"""No webhook URL and no password reaches the journal, the store's file, or any output: a
receiver that quotes its URL back in an error, an SMTP login, every status format."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.delivery.config import DeliveryConfigError, parse
from tests.delivery.conftest import config, email, webhook
from tests.delivery.receivers import Mailbox, Receiver, receiving, smtp_server
from tests.helpers.incident_cli import run, start

TOKEN = "T0CAFE/B0BEEF/zzSecretHookTokenzz"
PASSWORD = "pw-zzSecretMailPasswordzz"


def test_secrets_never_reach_the_journal_the_store_or_the_output(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = start(capsys)
    said: list[str] = []
    mailbox = Mailbox(script=[535])
    with receiving(Receiver(script=[500, 500], echo=True)) as receiver, smtp_server(mailbox) as port:
        monkeypatch.setenv("HOOK_URL", receiver.url(f"/services/{TOKEN}?key=zzQueryKeyzz"))
        monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
        delivery = config(
            tmp_path, webhook("ops", audiences='["technical"]'), email(port, '["technical"]', login=True)
        )
        for args in (
            ["update", incident, "--send", "--delivery", delivery],
            ["deliver", incident, "--delivery", delivery],
            ["status", incident],
            ["status", incident, "--format", "json"],
            ["status", incident, "--format", "markdown"],
            ["report", incident, "--format", "json"],
        ):
            _, out, err = run(capsys, "incident", *args) if args[0] != "report" else run(capsys, *args)
            said += [out, err]
        assert receiver.requests[0].status == 500
        assert TOKEN in receiver.requests[0].path
        assert mailbox.logins
        assert len(mailbox.messages) == 1
    shown = "\n".join(said)
    assert "NOT delivered to ops (webhook): HTTP 500: ***" in shown  # its words, without the secret
    assert "SMTP 535 no such mailbox" in shown
    files = b"".join(p.read_bytes() for p in store.parent.glob(f"{store.name}*"))
    for secret in (TOKEN, *TOKEN.split("/"), "zzQueryKeyzz", PASSWORD):
        assert secret not in shown
        assert secret.encode() not in files


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ('url = "https://hooks.slack.com/services/zzLiteralzz"', "secrets are never written"),
        ('webhook_url = "https://hooks.slack.com/services/zzLiteralzz"', 'url_env = "SLACK_WEBHOOK_URL"'),
        ('url_env = "https://hooks.slack.com/services/zzLiteralzz"', "NAME of an environment variable"),
        ('token = "zzLiteralzz"', "secrets are never written"),
        ('label = "https://hooks.slack.com/services/zzLiteralzz"\nurl_env = "X"', "looks like a URL"),
    ],
)
def test_a_secret_written_in_the_file_is_refused_without_repeating_it(table: str, words: str) -> None:
    text = f'[[destination]]\nname = "ops"\nkind = "slack"\naudiences = ["technical"]\n{table}\n'
    with pytest.raises(DeliveryConfigError) as refused:
        parse(Path("delivery.toml"), text)
    assert words in str(refused.value)
    assert str(refused.value).startswith("delivery.toml: destination[0] ('ops')")
    assert "zzLiteralzz" not in str(refused.value)


def test_an_smtp_password_in_the_file_is_refused() -> None:
    text = (
        '[[destination]]\nname = "mail"\nkind = "email"\naudiences = ["customer"]\nhost = "smtp"\n'
        'from = "a@b.c"\nto = ["d@e.f"]\nusername = "u"\npassword = "zzLiteralzz"\n'
    )
    with pytest.raises(DeliveryConfigError, match='password_env = "SMTP_PASSWORD"') as refused:
        parse(Path("delivery.toml"), text)
    assert "zzLiteralzz" not in str(refused.value)
