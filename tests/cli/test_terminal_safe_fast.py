"""terminal_safe's fast path for plain ASCII lets through exactly what the escaping would."""

from __future__ import annotations

import pytest

from planner.style import _CONTROL_BUT_LINES, _shown, terminal_safe


@pytest.mark.parametrize("code", range(128))
def test_each_ascii_character_comes_out_as_the_escaping_writes_it(code: int) -> None:
    text = f"wave  svc-1{chr(code)}\tdown\n"
    assert terminal_safe(text) == _CONTROL_BUT_LINES.sub(_shown, text)


def test_text_beyond_ascii_is_still_escaped() -> None:
    assert terminal_safe("ok\u202edone\n") == "ok\\u202edone\n"
