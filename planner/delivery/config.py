"""The delivery config: where each audience's stakeholder updates go. It is a local TOML file
(``--delivery FILE``, else ``$PLANNER_DELIVERY``, else
``~/.config/recovery-planner/delivery.toml``), never the plan or the journal: it belongs to the
machine that sends.

Secrets are named, never written: ``url_env = "SLACK_WEBHOOK_URL"`` and ``password_env =
"SMTP_PASSWORD"`` name the environment variables that hold them. A literal URL, password or token
in the file is refused, and no message ever repeats the value it refused.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.errors import UsageError
from planner.suggest import did_you_mean
from planner.tracking.domain.comms import AUDIENCES

DEFAULT = Path("~/.config/recovery-planner/delivery.toml")
"""Where the config is when neither ``--delivery`` nor ``$PLANNER_DELIVERY`` says."""
ENV = "PLANNER_DELIVERY"

KINDS = {"slack": "Slack", "teams": "Teams", "webhook": "webhook", "email": "email"}
"""Each kind of destination, and the word its label ends with: ``#incidents (Slack)``."""
SECURITY = ("starttls", "ssl", "none")
PORTS = {"starttls": 587, "ssl": 465, "none": 25}
AUDIENCE_WORDS = {"customers": "customer", "executives": "executive", "internal": "technical"}
"""Other words people write for an audience."""

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_COMMON = {"name", "kind", "audiences", "label"}
_KEYS = {
    "slack": _COMMON | {"url_env"},
    "teams": _COMMON | {"url_env"},
    "webhook": _COMMON | {"url_env"},
    "email": _COMMON | {"host", "port", "security", "from", "to", "username", "password_env"},
}
_SECRET_WORDS = ("url", "password", "passwd", "secret", "token", "key", "webhook")
_SECRET_KEYS = {"url", "webhook", "webhook_url", "password", "passwd", "pass", "token", "secret", "api_key"}
_RETRY_KEYS = {"attempts", "delay", "max_delay", "timeout"}


class DeliveryConfigError(UsageError):
    """A delivery config that cannot be used (exit 2), or a secret it names that is not set."""


@dataclass(frozen=True)
class Retry:
    """How hard the sender tries: ``attempts`` per destination per run, waiting ``delay``
    seconds after the first failure, doubling up to ``max_delay``; each request times out after
    ``timeout`` seconds.

    Examples
    --------
    >>> [Retry().wait(n) for n in (1, 2, 3, 4)]
    [4.0, 8.0, 16.0, 32.0]
    """

    attempts: int = 5
    delay: float = 4.0
    max_delay: float = 60.0
    timeout: float = 10.0

    def wait(self, failures: int) -> float:
        """Seconds to wait after the ``failures``-th failure in a row."""
        return float(min(self.max_delay, self.delay * 2 ** (failures - 1)))

    @property
    def lease(self) -> float:
        """Seconds an attempt recorded without an outcome counts as still under way (another
        sender's): after that its sender is taken to have died, and the update is sent again."""
        return 4 * self.timeout + 5


@dataclass(frozen=True)
class Destination:
    """One place updates go to. Holds the names of the environment variables with its secrets,
    never the secrets."""

    name: str
    """Its stable id: the journal's key for "delivered once"."""
    kind: str
    audiences: tuple[str, ...]
    label: str
    """How it is shown: ``#incidents (Slack)``."""
    url_env: str | None = None
    host: str = ""
    port: int = 0
    security: str = "starttls"
    sender: str = ""
    to: tuple[str, ...] = ()
    username: str | None = None
    password_env: str | None = None

    @property
    def is_email(self) -> bool:
        """True for SMTP email."""
        return self.kind == "email"

    def _env(self, variable: str, what: str) -> str:
        value = os.environ.get(variable)
        if not value:
            raise DeliveryConfigError(
                f"delivery destination {self.name!r} reads its {what} from ${variable}, which is not set"
            )
        return value

    def url(self) -> str:
        """The webhook's URL, from its environment variable."""
        assert self.url_env is not None, "a webhook has url_env"
        url = self._env(self.url_env, "webhook URL")
        if not re.match(r"^https?://[^/\s]+", url, flags=re.IGNORECASE):
            raise DeliveryConfigError(
                f"delivery destination {self.name!r}: ${self.url_env} does not hold an http(s) URL"
            )
        return url

    def password(self) -> str | None:
        """The SMTP password, from its environment variable (None: no login)."""
        return None if self.password_env is None else self._env(self.password_env, "SMTP password")

    def check_ready(self) -> None:
        """Refuse now (before anything is recorded) when a secret's variable is not set."""
        if self.url_env is not None:
            self.url()
        self.password()

    def secrets(self) -> list[str]:
        """The secret values that are set, longest first: scrubbed out of every reason recorded."""
        names = [n for n in (self.url_env, self.password_env) if n]
        found = [os.environ.get(n, "") for n in names]
        return sorted((s for s in found if s), key=len, reverse=True)


@dataclass(frozen=True)
class DeliveryConfig:
    """The destinations and the retry policy."""

    path: Path
    destinations: tuple[Destination, ...]
    retry: Retry

    def for_audience(self, audience: str) -> list[Destination]:
        """The destinations of ``audience``, in the file's order."""
        return [d for d in self.destinations if audience in d.audiences]

    def named(self, name: str) -> Destination | None:
        """The destination called ``name``."""
        return next((d for d in self.destinations if d.name == name), None)


def locate(explicit: str | None) -> tuple[Path, bool]:
    """The config's path, and whether someone named it (a named file must exist)."""
    if explicit:
        return Path(explicit).expanduser(), True
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser(), True
    return DEFAULT.expanduser(), False


def load(explicit: str | None) -> DeliveryConfig:
    """The config ``--delivery`` (or ``$PLANNER_DELIVERY``, or the default path) names."""
    path, named = locate(explicit)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        hint = "" if named else f" (give --delivery FILE, or set ${ENV}; see docs/guide/delivery.md)"
        raise DeliveryConfigError(f"no delivery config at {path}{hint}") from None
    except OSError as exc:
        raise DeliveryConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DeliveryConfigError(f"{path}: not UTF-8 (byte {exc.start})") from None
    return parse(path, text)


def parse(path: Path, text: str) -> DeliveryConfig:
    """The config in ``text`` (read from ``path``), checked; every problem is one line naming
    the file and the key.

    Examples
    --------
    >>> c = parse(Path("d.toml"), '[[destination]]\\nname = "ops"\\nkind = "slack"\\n'
    ...           'audiences = ["internal"]\\nurl_env = "SLACK_URL"\\n')
    >>> c.destinations[0].label, c.destinations[0].audiences, c.retry.attempts
    ('ops (Slack)', ('technical',), 5)
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DeliveryConfigError(f"{path}: not valid TOML: {exc}") from None
    where = _Where(path)
    where.keys(data, {"destination", "retry"}, "the file")
    tables = data.get("destination", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise where.error("destination", "write each destination as a [[destination]] table")
    destinations = tuple(_destination(where, i, t) for i, t in enumerate(tables))
    names = [d.name for d in destinations]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise where.error("destination", f"two destinations are named {twice[0]!r}: names must differ")
    retry = data.get("retry", {})
    if not isinstance(retry, dict):
        raise where.error("retry", "write it as a [retry] table")
    return DeliveryConfig(path, destinations, _retry(where, retry))


class _Where:
    """Errors that name the file and the key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, key: str, message: str) -> DeliveryConfigError:
        return DeliveryConfigError(f"{self.path}: {key}: {message}")

    def keys(self, table: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                raise self.error(where, f"unknown key {key!r}{did_you_mean(key, allowed)}")


def _secret_refused(where: _Where, at: str, key: str) -> DeliveryConfigError:
    """The error for a secret written into the file (its value is never repeated)."""
    wanted = 'password_env = "SMTP_PASSWORD"' if "pass" in key.lower() else 'url_env = "SLACK_WEBHOOK_URL"'
    return where.error(
        f"{at}.{key}",
        "secrets are never written in the delivery config: put the value in an environment "
        f"variable and name it, e.g. {wanted}",
    )


def _text(where: _Where, at: str, table: dict[str, Any], key: str, default: str | None = None) -> str:
    value = table.get(key, default)
    if value is None:
        raise where.error(at, f"{key!r} is required")
    if not isinstance(value, str) or not value.strip() or not value.isprintable():
        raise where.error(f"{at}.{key}", "give printable text on one line")
    if "://" in value:  # a webhook URL pasted in the wrong place: never repeated
        raise where.error(f"{at}.{key}", "looks like a URL: secrets never go in the file (use url_env)")
    return value.strip()


def _env_name(where: _Where, at: str, table: dict[str, Any], key: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not _ENV_NAME.match(value):
        raise where.error(
            f"{at}.{key}",
            "give the NAME of an environment variable (letters, digits, '_'), not the secret itself; "
            "if the secret was written here, remove it from the file",
        )
    return value


def _audiences(where: _Where, at: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(a, str) for a in value):
        raise where.error(f"{at}.audiences", f"give a list of audiences: {', '.join(AUDIENCES)}")
    chosen = []
    for word in value:
        audience = word if word in AUDIENCES else AUDIENCE_WORDS.get(word)
        if audience is None:
            words = [*AUDIENCES, *AUDIENCE_WORDS]
            raise where.error(f"{at}.audiences", f"unknown audience {word!r}{did_you_mean(word, words)}")
        chosen.append(audience)
    return tuple(dict.fromkeys(chosen))


def _destination(where: _Where, index: int, table: dict[str, Any]) -> Destination:
    name = table.get("name")
    at = f"destination[{index}]" + (f" ({name!r})" if isinstance(name, str) and _NAME.match(name) else "")
    kind = table.get("kind")
    if kind not in KINDS:
        hint = did_you_mean(kind, list(KINDS)) if isinstance(kind, str) else ""
        raise where.error(f"{at}.kind", f"give one of {', '.join(KINDS)}{hint}")
    for key in table:
        lowered = key.lower()
        close = did_you_mean(key, _KEYS[kind])  # a misspelt url_env is only an unknown key
        secret = lowered in _SECRET_KEYS or (any(w in lowered for w in _SECRET_WORDS) and not close)
        if key not in _KEYS[kind] and secret:
            raise _secret_refused(where, at, key)
    where.keys(table, _KEYS[kind], at)
    name = _text(where, at, table, "name")
    if not _NAME.match(name):
        raise where.error(f"{at}.name", "use letters, digits, '-', '_' and '.' (it keys the journal)")
    shown = f"{_text(where, at, table, 'label', name)} ({KINDS[kind]})"
    audiences = _audiences(where, at, table.get("audiences"))
    if kind != "email":
        url_env = _env_name(where, at, table, "url_env")
        if url_env is None:
            raise where.error(at, 'url_env is required: the variable with the URL, e.g. "SLACK_WEBHOOK_URL"')
        return Destination(name, kind, audiences, shown, url_env=url_env)
    return _email(where, at, table, Destination(name, kind, audiences, shown))


def _email(where: _Where, at: str, table: dict[str, Any], base: Destination) -> Destination:
    security = table.get("security", "starttls")
    if security not in SECURITY:
        raise where.error(f"{at}.security", f"give one of {', '.join(SECURITY)}")
    port = table.get("port", PORTS[security])
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise where.error(f"{at}.port", "give a port number (1-65535)")
    to = table.get("to")
    if isinstance(to, str):
        to = [to]
    if not isinstance(to, list) or not to:
        raise where.error(f"{at}.to", "give the recipients' addresses as a list")
    recipients = tuple(_address(where, f"{at}.to", a) for a in to)
    password_env = _env_name(where, at, table, "password_env")
    username = table.get("username")
    if username is not None:
        username = _text(where, at, table, "username")
    if password_env and not username:
        raise where.error(at, "password_env needs a username to log in with")
    return Destination(
        base.name,
        base.kind,
        base.audiences,
        base.label,
        host=_text(where, at, table, "host"),
        port=port,
        security=security,
        sender=_address(where, f"{at}.from", table.get("from")),
        to=recipients,
        username=username,
        password_env=password_env,
    )


def _address(where: _Where, at: str, value: object) -> str:
    """An email address, one line (a newline in a header would let text forge headers)."""
    if value is None:
        raise where.error(at, "an email address is required")
    if not isinstance(value, str) or not value.isprintable() or "@" not in value or " " in value.strip():
        raise where.error(at, "give an email address like status@example.com")
    return value.strip()


def _retry(where: _Where, table: dict[str, Any]) -> Retry:
    where.keys(table, _RETRY_KEYS, "retry")
    base = Retry()
    bounds = {"attempts": (1, 20), "delay": (0, 3600), "max_delay": (0, 3600), "timeout": (0.001, 300)}
    values: dict[str, float] = {}
    for key, (low, high) in bounds.items():
        value = table.get(key, getattr(base, key))
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            raise where.error(f"retry.{key}", f"give a number from {low} to {high}")
        if key == "attempts" and not isinstance(value, int):
            raise where.error("retry.attempts", "give a whole number")
        values[key] = value
    return Retry(int(values["attempts"]), values["delay"], values["max_delay"], values["timeout"])
