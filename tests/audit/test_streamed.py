"""A JSON document written a part at a time is the document written whole."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from planner.audit.report_formats import JSON_OPTIONS, streamed


def _whole(document: dict[str, Any]) -> bytes:
    return orjson.dumps(document, option=JSON_OPTIONS | orjson.OPT_APPEND_NEWLINE)


@pytest.mark.parametrize(
    "parts",
    [
        [],
        [[], []],
        [[{"rule": "a", "message": "one\ntwo \u202e"}]],
        [[{"a": 1}, {"b": [1, {"c": None}]}], [], [{"d": "streamed-"}]],
    ],
)
def test_a_document_streamed_is_the_document_written_whole(parts: list[list[Any]]) -> None:
    holder: list[Any] = []
    document = {"plan": "x", "runs": [{"tool": {}, "results": holder, "after": [1]}], "summary": {}}
    got = b"".join(streamed(document, holder, iter(parts)))
    holder.extend(item for part in parts for item in part)
    assert got == _whole(document)
    assert orjson.loads(got)["runs"][0]["results"] == holder


def test_a_plan_naming_the_marker_does_not_confuse_it() -> None:
    holder: list[Any] = []
    document = {"plan": '"streamed-"', "findings": holder}
    got = b"".join(streamed(document, holder, iter([[{"x": 1}]])))
    assert orjson.loads(got) == {"plan": '"streamed-"', "findings": [{"x": 1}]}
