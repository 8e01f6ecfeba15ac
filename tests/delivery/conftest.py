"""Each delivery test works in a fresh store and writes its own delivery config, with a backoff of
milliseconds (no test waits seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest

FAST = "[retry]\nattempts = 5\ndelay = 0.001\nmax_delay = 0.01\ntimeout = 5\n"
"""A retry policy that never makes a test wait."""


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "incidents.db"
    monkeypatch.setenv("PLANNER_STORE", str(path))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("PLANNER_DELIVERY", raising=False)
    return path


def config(tmp_path: Path, *destinations: str, retry: str = FAST) -> str:
    """A delivery config of ``destinations`` (TOML bodies of ``[[destination]]`` tables); its path."""
    path = tmp_path / "delivery.toml"
    path.write_text(
        retry + "".join(f"\n[[destination]]\n{d.strip()}\n" for d in destinations), encoding="utf-8"
    )
    return str(path)


def webhook(name: str, kind: str = "webhook", audiences: str = '["customer"]', env: str = "HOOK_URL") -> str:
    """A webhook destination's table body."""
    return f'name = "{name}"\nkind = "{kind}"\naudiences = {audiences}\nurl_env = "{env}"\n'


def email(port: int, audiences: str = '["executive"]', login: bool = False) -> str:
    """An email destination on 127.0.0.1:``port`` (plain SMTP)."""
    auth = 'username = "status"\npassword_env = "SMTP_PASSWORD"\n' if login else ""
    return (
        f'name = "exec-mail"\nlabel = "executives list"\nkind = "email"\naudiences = {audiences}\n'
        f'host = "127.0.0.1"\nport = {port}\nsecurity = "none"\nfrom = "status@example.com"\n'
        f'to = ["cto@example.com", "ceo@example.com"]\n{auth}'
    )
