"""The delivery config: every problem one line naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.delivery.config import DeliveryConfigError, Retry, load, parse

SLACK = '[[destination]]\nname = "ops"\nkind = "slack"\naudiences = ["internal"]\nurl_env = "SLACK_URL"\n'
MAIL = (
    '[[destination]]\nname = "mail"\nkind = "email"\naudiences = ["customers", "executives"]\n'
    'host = "smtp.example.com"\nfrom = "status@example.com"\nto = "all@example.com"\n'
)


def test_a_config_with_each_kind() -> None:
    teams = '[[destination]]\nname = "t"\nkind = "teams"\naudiences = "executive"\nurl_env = "TEAMS"\n'
    config = parse(Path("d.toml"), "[retry]\nattempts = 3\ndelay = 1\n" + SLACK + MAIL + teams)
    assert config.retry == Retry(attempts=3, delay=1, max_delay=60.0, timeout=10.0)
    assert [d.label for d in config.for_audience("executive")] == ["mail (email)", "t (Teams)"]
    mail = config.named("mail")
    assert mail is not None
    assert (mail.port, mail.security, mail.to, mail.audiences) == (
        587,
        "starttls",
        ("all@example.com",),
        ("customer", "executive"),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[destination]\n", "d.toml: not valid TOML: "),
        ("[retyr]\n", "d.toml: the file: unknown key 'retyr'; did you mean 'retry'?"),
        ("[retry]\nattempts = 0\n", "d.toml: retry.attempts: give a number from 1 to 20"),
        ("[retry]\nattempts = 2.5\n", "d.toml: retry.attempts: give a whole number"),
        (
            SLACK.replace("slack", "slak"),
            "destination[0] ('ops').kind: give one of slack, teams, webhook, email",
        ),
        (SLACK.replace("internal", "customer-ish"), "unknown audience 'customer-ish'"),
        (SLACK.replace("url_env", "url_nev"), "unknown key 'url_nev'; did you mean 'url_env'?"),
        (SLACK.replace('url_env = "SLACK_URL"\n', ""), "url_env is required"),
        (SLACK + SLACK, "two destinations are named 'ops'"),
        (SLACK.replace('name = "ops"', 'name = "o p s"'), "destination[0].name: use letters, digits"),
        (
            MAIL.replace('to = "all@example.com"', "to = []"),
            "destination[0] ('mail').to: give the recipients",
        ),
        (
            MAIL.replace("status@example.com", "status\\n@x"),
            "destination[0] ('mail').from: give an email address",
        ),
        (MAIL + 'password_env = "PW"\n', "password_env needs a username"),
        (MAIL + 'security = "tls"\n', "security: give one of starttls, ssl, none"),
    ],
)
def test_each_problem_names_the_file_and_the_key(text: str, message: str) -> None:
    with pytest.raises(DeliveryConfigError) as refused:
        parse(Path("d.toml"), text)
    assert message in str(refused.value)
    assert str(refused.value).startswith("d.toml: ")
    assert "\n" not in str(refused.value)


def test_where_the_config_is_read_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLANNER_DELIVERY", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(
        DeliveryConfigError, match=r"no delivery config at .*recovery-planner/delivery.toml \(give"
    ):
        load(None)
    home = tmp_path / ".config" / "recovery-planner"
    home.mkdir(parents=True)
    (home / "delivery.toml").write_text(SLACK, encoding="utf-8")
    assert load(None).destinations[0].name == "ops"
    (tmp_path / "other.toml").write_text(MAIL, encoding="utf-8")
    monkeypatch.setenv("PLANNER_DELIVERY", str(tmp_path / "other.toml"))
    assert load(None).destinations[0].name == "mail"
    assert load(str(home / "delivery.toml")).destinations[0].name == "ops"  # --delivery wins
    (tmp_path / "bad.toml").write_bytes(b"\xff")
    with pytest.raises(DeliveryConfigError, match=r"bad\.toml: not UTF-8"):
        load(str(tmp_path / "bad.toml"))
