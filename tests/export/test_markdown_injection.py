"""The runbook and the review embed text people wrote; rendered on a wiki, none of it may become
HTML, a link other than http(s), a heading or a code span that swallows the rest of the page.
Checked by parsing the output with markdown-it (CommonMark, as wikis render it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from planner import markdown as md
from planner.style import visible
from tests.conftest import DATA

PLAN = DATA / "hostile" / "markdown-injection.yaml"
PARSER = MarkdownIt("commonmark").enable("table")


def _tokens(document: str) -> Iterator[Token]:
    for token in PARSER.parse(document):
        yield token
        yield from token.children or []


def _assert_inert(document: str) -> list[Token]:
    tokens = list(_tokens(document))
    assert not [t.content for t in tokens if t.type in {"html_inline", "html_block"}]
    hrefs = [str(t.attrs.get("href")) for t in tokens if t.type == "link_open"]
    assert all(h.startswith(("https://", "http://", "#")) for h in hrefs), hrefs
    assert not [t for t in tokens if t.type == "image"]
    return tokens


def test_the_runbook_of_a_hostile_plan_is_inert(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("export", PLAN, "--format", "markdown")
    assert result.code == 0, result.err
    tokens = _assert_inert(result.out)
    headings = [t.content for t, o in zip(tokens[1:], tokens, strict=False) if o.type == "heading_open"]
    assert "Forged heading" not in " ".join(h for h in headings if h.startswith("Forged"))
    assert not any(h.startswith(("Forged", "heading")) for h in headings), headings
    codes = {t.content for t in tokens if t.type == "code_inline"}
    assert "echo `id` ``` && printf '<b>'" in codes  # the command, whole, backticks and all
    assert visible("curl db`\n\n# heading`") in codes
    assert "javascript:alert(document.cookie)" in codes  # shown, not linked
    assert "https://wiki.example.com/web_%28v2%29" in [t.attrs.get("href") for t in tokens]


def test_the_review_of_a_hostile_journal_is_inert(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "s.db"
    at = ["--store", str(store), "--as", "ic", "--at"]
    started = run_cli("incident", "start", PLAN, "--title", "<b>t</b>", *at, "2026-11-28T02:00:00Z")
    assert started.code == 0, started.err
    incident = started.out.split()[-1]
    for args in (
        ["note", incident, "see [here](javascript:alert(1)) <script>x()</script>\n\n# Forged"],
        ["begin", incident, "db"],
        ["bypass", incident, "api", "db", "--reason", "`tick <i>` ![x](http://evil/p.png)"],
    ):
        done = run_cli("incident", *args, *at, "2026-11-28T02:10:00Z")
        assert done.code == 0, (args, done.err)
    report = run_cli("report", incident, "--store", str(store))
    assert report.code == 0, report.err
    tokens = _assert_inert(report.out)
    assert not any(t.type == "heading_open" and t.tag == "h1" for t in tokens[2:])  # one title only


@given(st.text(max_size=60))
def test_text_reads_back_literally(value: str) -> None:
    """Whatever the text, it renders as itself (control characters written out) in a paragraph."""
    rendered = [t for t in _tokens(f"x {md.text(value)} y") if t.type == "text"]
    assert "".join(t.content for t in rendered) == f"x {visible(value)} y"


@given(st.text(min_size=1, max_size=60).filter(lambda v: v.strip() != ""))
def test_code_reads_back_literally(value: str) -> None:
    """Whatever the command, it is one code span holding exactly it (control characters written
    out): no backtick inside can close it early."""
    (span,) = [t for t in _tokens(f"x {md.code(value)} y") if t.type == "code_inline"]
    assert span.content == visible(value)


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JAVASCRIPT:x", "data:text/html,<b>", "https://x/<s>", "http://x/a b", "//evil"],
)
def test_only_plain_http_urls_become_links(url: str) -> None:
    assert "not an http(s) link" in md.link(url)


def test_the_runbook_flags_expired_workarounds_and_stale_runbooks(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    enterprise = Path(__file__).parents[2] / "examples" / "enterprise.yaml"
    out = run_cli("export", enterprise, "--format", "markdown", "--scenario", "storage-outage").out
    assert "**EXPIRED" in out
    assert "days ago** (2026-11-11), still in place" in out
    assert "(**STALE**: reviewed" in out
    assert "policy 90 days)" in out
