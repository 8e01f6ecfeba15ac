"""Reading a large plan's services in pieces gives what reading it whole gives, or is not used."""

from __future__ import annotations

import pytest

from planner.errors import PlanError
from planner.planfile import pieces
from planner.planfile.loader import load_source
from planner.planfile.source import Source

PLAIN = """\
version: 1
name: pieces
# a comment before the services
teams:
  - id: ops
services:
  # the first service
  - id: a
    owner: ops
    description: "- not an item"
  - id: b
    depends_on:
      - service: a
        check: "nc -z a 443"
  - id: c
    depends_on: [a, b]
    description: |
      - not an item either
  - id: d
scenarios:
  - id: all
    failed: [a]
"""


def _read(text: str) -> object:
    try:
        loaded = load_source(Source(name="p.yaml", text=text, format="yaml"))
    except PlanError as exc:
        return [(p.message, p.line, p.column) for p in exc.problems]
    return loaded.plan.model_dump(), [p.message for p in loaded.problems]


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pieces, "FROM_BYTES", 0)
    monkeypatch.setattr(pieces, "PIECE", 2)


def _whole(text: str, monkeypatch: pytest.MonkeyPatch) -> object:
    with monkeypatch.context() as m:
        m.setattr(pieces, "FROM_BYTES", 10**12)
        return _read(text)


@pytest.mark.usefixtures("small_pieces")
def test_a_plain_plan_is_read_in_pieces_as_it_is_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    split = pieces.split(PLAIN)
    assert split is not None
    assert len(split.dashes) == 4
    assert [len(items or []) for items in split.items()] == [2, 2]
    assert _read(PLAIN) == _whole(PLAIN, monkeypatch)


@pytest.mark.usefixtures("small_pieces")
def test_items_at_column_zero_end_at_the_next_key(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "version: 1\nname: x\nservices:\n- id: a\n- id: b\n  depends_on: [a]\n- id: c\nroles: {}\n"
    split = pieces.split(text)
    assert split is not None
    assert len(split.dashes) == 3
    assert _read(text) == _whole(text, monkeypatch)


@pytest.mark.usefixtures("small_pieces")
@pytest.mark.parametrize(
    "text",
    [
        PLAIN.replace("  - id: d", "  - &d\n    id: d"),  # an anchor
        PLAIN.replace("id: d", "id: !x d"),  # a tag
        "---\n" + PLAIN,  # a document marker
        PLAIN + "---\nversion: 1\n",  # a second document
        PLAIN + "...\n",  # a document end marker
        "%YAML 1.2\n---\n" + PLAIN,  # a directive
        PLAIN.replace("services:\n", "services: # listed\n").replace("  - id: a\n", "  - id: a\n", 1)
        + "services: []\n",  # the key twice
        "version: 1\nname: x\nservices: [{id: a}, {id: b}]\n",  # flow style
        '{"version": 1, "name": "x", "services": [{"id": "a"}]}',  # JSON text
    ],
)
def test_what_is_not_plain_is_read_whole(text: str) -> None:
    assert pieces.split(text) is None


@pytest.mark.usefixtures("small_pieces")
@pytest.mark.parametrize(
    "change",
    [
        ("  - id: d", "  - id: d\n    owner: 7"),  # an invalid item in the last piece
        ("  - id: d", "  - id: a"),  # a duplicate id across pieces
        ("  - id: d", "  - id: d\n    depends_on: [zz]"),  # an unknown reference
        ("    owner: ops\n", "    owner: ops\n    name: 'a\n  - id: x'\n"),  # a dash inside a scalar
        ("  - id: b\n", "  - id: b\n    bad: [\n"),  # a syntax error in a piece
    ],
)
def test_a_problem_in_a_piece_is_reported_as_reading_whole_reports_it(
    change: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = PLAIN.replace(*change)
    assert text != PLAIN
    assert _read(text) == _whole(text, monkeypatch)


@pytest.mark.usefixtures("small_pieces")
def test_markers_inside_lines_do_not_stop_reading_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    text = PLAIN.replace("  - id: d", "  - id: d\n    description: 50% done ... --- not a marker")
    split = pieces.split(text)
    assert split is not None
    assert _read(text) == _whole(text, monkeypatch)


@pytest.mark.usefixtures("small_pieces")
def test_models_that_set_the_same_fields_share_one_set() -> None:
    text = PLAIN.replace("  - id: d", "  - id: d\n    depends_on: [a]\n  - id: e")
    loaded = load_source(Source(name="p.yaml", text=text, format="yaml"))
    services = {s.id: s for s in loaded.plan.services}
    assert services["b"].model_fields_set == {"id", "depends_on"}
    assert services["b"].__pydantic_fields_set__ is services["d"].__pydantic_fields_set__  # other pieces
    assert services["e"].model_fields_set == {"id"}
    dependencies = [*services["b"].depends_on, *services["c"].depends_on]
    assert [d.model_fields_set for d in dependencies] == [{"service", "check"}, {"service"}, {"service"}]
    assert dependencies[1].__pydantic_fields_set__ is dependencies[2].__pydantic_fields_set__
