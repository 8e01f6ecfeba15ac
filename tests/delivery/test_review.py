"""The post-incident review says of each update sent with ``--send`` whether it reached its
destinations (by label, never an address), or not and why; one only logged stays "logged"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.delivery.conftest import FAST, config, webhook
from tests.delivery.receivers import Receiver, receiving
from tests.helpers.incident_cli import run, start

GIVES_UP = FAST.replace("attempts = 5", "attempts = 2")


def test_the_review_tells_delivered_from_not_delivered(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = start(capsys)
    with receiving(Receiver()) as good, receiving(Receiver(script=[502, 502])) as bad:
        monkeypatch.setenv("HOOK_URL", good.url())
        monkeypatch.setenv("BAD_URL", bad.url("/secret-path"))
        both = (webhook("status-page"), webhook("partner", env="BAD_URL"))
        delivery = config(tmp_path, *both, retry=GIVES_UP)
        send = ["--audience", "customer", "--send", "--delivery", delivery]
        code, _, err = run(capsys, "incident", "update", incident, "--message", "Slow.", *send)
        assert code == 1, err  # logged, not delivered everywhere
        assert "NOT delivered to partner (webhook)" in err
        assert len(good.accepted) == 1
        assert bad.accepted == []
    code, _, err = run(capsys, "incident", "update", incident, "--message", "By hand.")
    assert code == 0, err
    code, out, err = run(capsys, "report", incident)
    assert code == 0, err
    assert "- 2 updates: 1 **partly delivered**, 1 logged only;" in out
    assert "customer update #2: delivered to status-page (webhook); " in out
    assert "**NOT delivered** to partner (webhook): HTTP 502" in out
    assert "secret-path" not in out
    assert "127.0.0.1" not in out
    code, out, err = run(capsys, "report", incident, "--format", "json")
    updates = json.loads(out)["updates"]
    assert (updates["partly_delivered"], updates["logged_only"], updates["delivered"]) == (1, 1, 0)
    sent, logged = updates["each"]
    assert sent["delivered_to"] == ["status-page (webhook)"]
    assert sent["not_delivered_to"] == [{"label": "partner (webhook)", "reason": "HTTP 502: no"}]
    assert logged["state"] == "logged"
    assert "secret-path" not in out
