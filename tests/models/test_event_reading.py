"""Reading stored events without the validator (:mod:`models.event_reading`): an event in the form
the store writes is read into exactly what validating it gives, and anything else is left to the
validator (so a damaged event still gets the validator's words).

The property checked on every text: either the reader leaves it (None), or the validator accepts
it and gives the same instance (class, values in order, fields set, nested models alike)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

import models.event_reading
import models.events
from models.event_reading import plain_dump, read_plain
from models.events import Event, RunEvidence, event_adapter, event_from_json
from tests.strategies import examples

KINDS = {member.model_fields["kind"].default: member for member in get_args(get_args(Event)[0])}
AT = "2026-12-06T01:44:00Z"
RUN = {"command": "pg_isready", "shell": False, "cwd": "/", "exit_status": 0, "seconds": 0.25}
INJECTION = {"id": "I1", "after": 60, "what": "check_fails", "service": "api", "dependency": "db"}
FIELDS: dict[str, dict[str, Any]] = {
    "incident_started": {
        "title": "Storage down",
        "plan_hash": "ab12",
        "scenario": "full-outage",
        "failed": ["db", "api"],
        "detected": "2026-12-06T01:40:00.250000Z",
    },
    "task_begun": {"service": "db"},
    "check_passed": {"service": "api", "dependency": "db", "observed": "ok", "run": RUN},
    "check_failed": {"service": "api", "dependency": "db", "run": {**RUN, "exit_status": None, "error": "x"}},
    "verified": {"service": "db", "observed": "select 1"},
    "verify_failed": {"service": "db", "run": {**RUN, "exit_status": 2, "head": "no", "tail": "é"}},
    "restored": {"service": "db"},
    "run_not_applied": {"service": "db", "run": RUN, "refused": "already restored"},
    "bypassed": {
        "service": "api",
        "dependency": "db",
        "reason": "vendor says it holds",
        "workaround": "WA-1",
        "expires": "2026-12-07T01:44:00Z",
        "owner": "platform",
    },
    "failed_again": {"service": "db", "reopened": ["api"]},
    "escalated": {"service": "db", "person": "alice"},
    "note": {"text": "vendor on the phone ☎"},
    "stakeholder_update": {"audience": "executive", "text": "ETA 03:00", "send_to": ["slack"]},
    "role_assigned": {"role": "scribe", "person": "bob"},
    "workaround_removed": {"workaround": "WA-1"},
    "workaround_amended": {"workaround": "WA-1", "reason_text": "r", "reason": "typo"},
    "resolved": {"accepted_workarounds": ["WA-1"]},
    "review_held": {"summary": "wiki/INC-1"},
    "amended": {"detected": "2026-12-06T01:30:00Z", "reason": "mistyped"},
    "voided": {"target": 3, "what": "01:50 bob: note", "reason": "wrong incident"},
    "delivery_attempted": {"update": 5, "destination": "slack", "label": "#incidents (Slack)", "attempt": 1},
    "delivered": {"update": 5, "destination": "slack", "label": "#inc", "attempt": 2, "detail": "HTTP 200"},
    "delivery_failed": {
        "update": 5,
        "destination": "mail",
        "label": "ops@",
        "attempt": 1,
        "reason": "HTTP 502",
        "code": 502,
        "retry_at": AT,
    },
    "exercise_planned": {"injections": [INJECTION, {"id": "I2", "after": 0, "what": "update_due"}]},
    "injection_fired": {"injection": {**INJECTION, "says": "db check fails"}, "live": True},
}


def stored(kind: str, **changes: Any) -> dict[str, Any]:
    """An event of ``kind`` as the store holds it, parsed."""
    data = {"seq": 0, "incident": "INC-1", "at": AT, "actor": "bob", "kind": kind, **FIELDS[kind]}
    return json.loads(KINDS[kind].model_validate({**data, **changes}).model_dump_json())  # type: ignore[no-any-return]


def same(read: BaseModel, valid: BaseModel) -> bool:
    """The two instances are alike in every way validation sets."""
    if type(read) is not type(valid) or read.__pydantic_fields_set__ != valid.__pydantic_fields_set__:
        return False
    if read.__pydantic_extra__ != valid.__pydantic_extra__:
        return False
    if read.__pydantic_private__ != valid.__pydantic_private__:
        return False
    if list(read.__dict__) != list(valid.__dict__):
        return False
    return all(_same_value(read.__dict__[name], value) for name, value in valid.__dict__.items())


def _same_value(read: object, valid: object) -> bool:
    if isinstance(valid, BaseModel):
        return isinstance(read, BaseModel) and same(read, valid)
    if isinstance(valid, list):
        return type(read) is list and len(read) == len(valid) and all(map(_same_value, read, valid))
    if isinstance(valid, datetime):
        return isinstance(read, datetime) and (read, read.tzinfo) == (valid, valid.tzinfo)
    return type(read) is type(valid) and read == valid


def check(text: str) -> BaseModel | None:
    """The reader's answer for ``text``, after checking it against the validator's."""
    read = read_plain(text, KINDS)
    try:
        valid = event_adapter().validate_json(text)
    except (ValidationError, ValueError, RecursionError):
        assert read is None, text
        return None
    assert read is None or same(read, valid), text
    assert dumped(valid) == json.dumps(valid.model_dump(mode="json")), text
    return read


def dumped(event: BaseModel) -> str:
    """:func:`plain_dump` as text: the keys' order counts too."""
    return json.dumps(plain_dump(event))


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_as_the_store_writes_it_is_read_as_validated(kind: str) -> None:
    assert set(FIELDS) == set(KINDS)
    text = json.dumps(stored(kind))
    assert check(text) is not None
    assert check(json.dumps(stored(kind), separators=(",", ":"))) is not None  # the store's spacing
    event = event_from_json(text)
    assert same(event, event_adapter().validate_json(text))
    assert event.at == datetime(2026, 12, 6, 1, 44, tzinfo=UTC)
    assert event.at.tzinfo is UTC


def raw(fields: str, kind: str = "note", at: str = f'"{AT}"') -> str:
    """An event's JSON text with ``fields`` as written (a repeated key, a NaN...)."""
    return f'{{"kind": "{kind}", "incident": "I", "at": {at}, "actor": "a", {fields}}}'


def test_ids_up_to_their_longest_are_read() -> None:
    assert check(json.dumps(stored("failed_again", reopened=["a" * 200, "b-2.x_y"]))) is not None
    assert check(json.dumps(stored("failed_again", reopened=[]))) is not None
    assert check(json.dumps(stored("verified", service="s" * 200))) is not None


@pytest.mark.parametrize(
    "text",
    [
        raw('"kind": "note", "text": "x"'),
        raw('"incident": "INC-2", "text": "x"'),
        raw('"service": "db\\n"', "restored"),
        raw('"service": "db", "text": "x"', "restored"),
        raw('"text": "\\ud800"'),
        raw('"text": "\ud800"'),
        raw('"text": "x", "seq": NaN'),
        raw('"text": "x", "seq": 1e400'),
        raw('"text": "x", "seq": 99999999999999999999'),
        raw('"text": "x", "seq": 3.0'),
        raw('"text": "x", "seq": true'),
        raw('"text": ""'),
        raw('"text": ["x"]'),
        raw('"text": "x"', at='"2026-02-30T00:00:00Z"'),
        raw('"text": "x"', at='"2026-12-06T23:59:60Z"'),
        raw('"text": "x"', at='"0000-01-01T00:00:00Z"'),
        raw('"text": "x"', at='"2026-12-06T01:44:00+01:00"'),
        raw('"text": "x"', at='"2026-12-06T01:44:00"'),
        raw('"text": "x"', at='"2026-12-06T01:44:00.5Z"'),
        raw('"text": "x"', at='"\uff12026-12-06T01:44:00Z"'),
        raw('"text": "x"', at="1e300"),
        raw('"text": "x"', kind="teleported"),
        raw('"service": "s", "run": {"x": 1}', "verified"),
        raw('"update": 1, "destination": "d", "label": "l", "attempt": 0', "delivered"),
        raw('"text": "x"') + " x",
        "\ufeff" + raw('"text": "x"'),
        '{"kind": 1, "incident": "I", "at": "%s", "actor": "a"}'.replace("%s", AT),
        '{"incident": "I", "at": "%s", "actor": "a", "text": "x"}'.replace("%s", AT),
        json.dumps(stored("incident_started") | {"exercise": "yes"}),
        json.dumps(stored("incident_started") | {"exercise": 1}),
        json.dumps(stored("injection_fired") | {"live": 0}),
        json.dumps(stored("stakeholder_update") | {"audience": "everyone"}),
        json.dumps(stored("injection_fired") | {"injection": INJECTION | {"what": "x"}}),
        json.dumps(stored("verified") | {"run": RUN | {"seconds": "0.5"}}),
        json.dumps(stored("verified") | {"run": RUN | {"shell": "false"}}),
        json.dumps(stored("verified") | {"run": RUN | {"seconds": 10**400}}),
        json.dumps(stored("failed_again") | {"reopened": ["db", "x" * 201]}),
        json.dumps(stored("failed_again") | {"reopened": ["db\napi"]}),
        json.dumps(stored("failed_again") | {"reopened": ["db", 1]}),
        json.dumps(stored("failed_again") | {"reopened": ["", "db"]}),
        json.dumps(stored("failed_again") | {"reopened": ["db", "-db"]}),
        json.dumps(stored("verified") | {"service": "x" * 201}),
        "null",
        "[1, 2]",
        "",
        "{",
        '"note"',
        '{"kind": "note", "text": ' + "[" * 100_000 + "]" * 100_000 + "}",
        json.dumps(stored("note", text="x" * (1 << 20))),  # valid, but longer than the reader reads
        json.dumps(stored("note", text="[" * 201)),  # valid, but more brackets than the reader reads
    ],
    ids=lambda text: text[:60],  # a text may be 1 MB long
)
def test_what_the_store_does_not_write_is_left_to_the_validator(text: str) -> None:
    assert check(text) is None


def test_a_damaged_event_gets_the_validators_words() -> None:
    text = json.dumps(stored("note", text="x") | {"text": ""})
    with pytest.raises(ValidationError, match="at least 1 character"):
        event_from_json(text)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
    | st.sampled_from(
        [AT, "2026-12-06T01:44:00.123456Z", "2026-12-06T01:44:00+00:00", "2026-12-06 01:44:00Z", "x" * 201]
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=examples(150))
@given(
    kind=st.sampled_from(sorted(KINDS)),
    data=st.data(),
)
def test_any_change_to_a_stored_event_reads_as_validated_or_is_left(kind: str, data: st.DataObject) -> None:
    event = stored(kind)
    names = sorted(set(event) | set(KINDS[kind].model_fields) | {"extra"})
    for _ in range(data.draw(st.integers(1, 3))):
        where, choices = event, names
        nested = [value for value in event.values() if isinstance(value, dict)]
        if nested and data.draw(st.booleans()):  # a field of the run or the injection
            where = data.draw(st.sampled_from(nested))
            choices = sorted(set(where) | {"extra"})
        name = data.draw(st.sampled_from(choices))
        if data.draw(st.booleans()):
            where.pop(name, None)
        else:
            where[name] = data.draw(JSON_VALUES)
    check(json.dumps(event))


def test_a_long_journal_is_validated_past_the_first_events(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models.events, "_ADAPTER", None)
    monkeypatch.setattr(models.event_reading, "_left", 2)
    texts = [json.dumps(stored("note", text=f"note {n}")) for n in range(3)]
    events = [event_from_json(texts[0]), event_from_json(texts[1])]
    assert models.events._ADAPTER is None  # read without the validator
    events.append(event_from_json(texts[2]))
    assert models.events._ADAPTER is not None
    assert [e.text for e in events] == ["note 0", "note 1", "note 2"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "changes",
    [
        {"at": datetime(2026, 12, 6, 1, 44, 0, 7, tzinfo=UTC)},
        {"at": datetime(1, 1, 1, tzinfo=UTC)},
        {"at": datetime(2026, 12, 6, 2, 44, tzinfo=timezone(timedelta(hours=1)))},  # not UTC: pydantic's
        {"at": datetime(2026, 12, 6, 1, 44)},  # naive: pydantic's words
        {"run": RunEvidence.model_validate({**RUN, "seconds": float("inf")})},
        {"run": RunEvidence.model_validate({**RUN, "seconds": 1e300, "error": "x"})},
    ],
)
def test_a_dump_is_the_models_own(changes: dict[str, Any]) -> None:
    event = KINDS["verified"].model_validate(stored("verified")).model_copy(update=changes)
    assert dumped(event) == json.dumps(event.model_dump(mode="json"))


@pytest.mark.parametrize("kind", ["failed_again", "stakeholder_update", "resolved"])
def test_a_list_left_out_is_a_new_empty_list_each_time(kind: str) -> None:
    name = next(n for n, f in KINDS[kind].model_fields.items() if f.default == [])
    data = {k: v for k, v in stored(kind).items() if k != name}
    read = [read_plain(json.dumps(data), KINDS), read_plain(json.dumps(data), KINDS)]
    valid = [KINDS[kind].model_validate(data), KINDS[kind].model_validate(data)]
    for first, second in (read, valid):
        assert first is not None
        assert second is not None
        assert getattr(first, name) == []
        assert getattr(first, name) is not getattr(second, name)
        assert name not in first.model_fields_set
