"""Alias bombs: a small file whose aliases stand for an enormous document is refused at the alias
that crosses the read limit, by every reader, in bounded memory and time (exit 2, one message)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.planfile.aliases import expansion_problem, token_start
from tests.hostile.limited import run_limited
from tests.strategies import examples

MB = "x" * 2**20


def _scalar_bomb(path: Path, kind: str) -> Path:
    """A 1 MB scalar aliased 100,000 times: 100 GB once expanded, a 5 MB file."""
    if kind == "plan":
        head = ["version: 1", "name: bomb", f"description: &big {MB}", "services:"]
        body = [f"  - id: s{i}\n    description: *big" for i in range(100_000)]
    elif kind == "compose":
        head = ["x-big: &big", f"  image: {MB}", "services:"]
        body = [f"  s{i}:\n    <<: *big" for i in range(100_000)]
    else:
        head = ["apiVersion: backstage.io/v1alpha1", "kind: Component", "metadata:", "  name: bomb"]
        head += [f"  description: &big {MB}", "spec:", "  tags:"]
        body = ["    - *big"] * 100_000
    path.write_text("\n".join(head + body) + "\n", encoding="utf-8")
    return path


def test_a_plan_scalar_bomb_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    done = run_limited("validate", _scalar_bomb(tmp_path / "plan.yaml", "plan"))
    assert done.code == 2, done.err
    assert "the alias *big takes the document past 128 MB" in done.err
    assert f"{tmp_path / 'plan.yaml'}:" in done.err


def test_a_compose_bomb_is_refused_before_interpolation(tmp_path: Path) -> None:
    done = run_limited("import", "compose", _scalar_bomb(tmp_path / "compose.yaml", "compose"))
    assert done.code == 2, done.err
    assert "the alias *big takes the document past" in done.err
    assert done.out == ""


def test_a_catalog_bomb_is_refused(tmp_path: Path) -> None:
    done = run_limited("import", "backstage", _scalar_bomb(tmp_path / "catalog.yaml", "backstage"))
    assert done.code == 2, done.err
    assert "the alias *big takes the document past" in done.err


def test_the_limit_follows_the_read_limit(tmp_path: Path) -> None:
    """A document under PLANNER_MAX_INPUT_MB once expanded is read; the same one is refused
    under a smaller limit."""
    plan = tmp_path / "plan.yaml"
    lines = ["version: 1", "name: shared", "services:", f"  - id: s\n    description: &d {'y' * 100_000}"]
    lines += [f"  - id: s{i}\n    description: *d" for i in range(30)]  # 3 MB expanded
    plan.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run_limited("validate", plan).code == 0
    refused = run_limited("validate", plan, env={"PLANNER_MAX_INPUT_MB": "2"})
    assert refused.code == 2
    assert "past 2 MB" in refused.err


def test_compose_merge_keys_still_import(tmp_path: Path) -> None:
    """The usual use of anchors, shared defaults merged into each service, is not a bomb."""
    compose = tmp_path / "compose.yaml"
    compose.write_text(
        "x-defaults: &defaults\n  restart: always\n  image: busybox\n"
        "services:\n  a:\n    <<: *defaults\n  b:\n    <<: *defaults\n    depends_on: [a]\n",
        encoding="utf-8",
    )
    done = run_limited("import", "compose", compose)
    assert done.code == 0, done.err
    assert "id: b" in done.out


# Documents of anchors and aliases: each definition is a list of scalars and aliases of earlier
# definitions, so sizes multiply the way a billion-laughs file does.
_words = st.text(alphabet="abcdefghij", min_size=1, max_size=30)


_first = st.lists(_words, min_size=1, max_size=12)
_later = st.lists(st.one_of(_words, st.integers(0, 5)), min_size=1, max_size=12)
"""A later definition's items: words, and aliases of an earlier one (the number modulo their count)."""


@st.composite
def _aliased_documents(draw: st.DrawFn) -> str:
    lines = []
    for i in range(draw(st.integers(1, 7))):
        items = [item if isinstance(item, str) else f"*a{item % i}" for item in draw(_later if i else _first)]
        lines.append(f"k{i}: &a{i} [{', '.join(items) if items else ''}]")
    return "\n".join(lines) + "\n"


@settings(max_examples=examples(300), deadline=None)
@given(_aliased_documents(), st.integers(64, 20_000))
def test_a_document_accepted_fits_in_the_limit(text: str, limit: int) -> None:
    """The invariant: aliases never take an accepted document past ``limit``. What it holds
    beyond the limit is its own text after the last alias, at most nine characters of JSON per
    character of YAML (the measure never under-counts what a parser builds)."""
    if expansion_problem(text, "t.yaml", limit) is None:
        data = yaml.safe_load(text)
        assert len(json.dumps(data, separators=(",", ":"))) <= limit + 9 * len(text)


_ANCHOR_PATTERN = re.compile(r"(?:^|[\s\[{,])&[^\s]", re.MULTILINE)
_TAG_PATTERN = re.compile(r"(?:^|[\s\[{,])!", re.MULTILINE)


@given(st.text(alphabet=st.sampled_from(list("&!ab :,[{}]\n\t\r\x0b\x0c\u2003\u00a0")), max_size=30))
@settings(max_examples=examples(500))
def test_the_anchor_and_tag_prescan_decides_as_the_regular_expressions_did(text: str) -> None:
    # the substring search that replaced two whole-text regular expressions finds the same files
    assert token_start(text, "&", followed=True) == bool(_ANCHOR_PATTERN.search(text))
    assert token_start(text, "!") == bool(_TAG_PATTERN.search(text))
