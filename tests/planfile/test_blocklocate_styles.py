"""The block locator against the exact event scan on block-style text written many ways:
indentation, comments, blank lines, quoted keys, flow-style values, multi-line scalars."""

from __future__ import annotations

from typing import Any

import yaml_rs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.errors import YamlPath
from planner.planfile.blocklocate import BlockLocator, ExpectedLength
from planner.planfile.locate import scan
from tests.strategies import examples

_WORDS = st.sampled_from(["a", "db-1", "x y", "svc_2", "- dash", "k: v", "#hash", "1h"])


@st.composite
def _styled(draw: st.DrawFn) -> tuple[str, bool]:
    """A plan-shaped document, each node written in a style drawn for it, and whether it is
    all plain block style (no quoted key, no flow-style collection, no item whose mapping
    starts on the line after its dash)."""
    step = draw(st.integers(2, 4))
    dashes_indented = draw(st.booleans())
    lines: list[str] = []
    odd: list[str] = []

    def noise(col: int) -> None:
        if draw(st.integers(0, 5)) == 0:
            lines.append("")
        if draw(st.integers(0, 5)) == 0:
            lines.append(" " * draw(st.integers(0, col + 4)) + "# a comment: - x")

    def key(name: str) -> str:
        if draw(st.integers(0, 9)):
            return name
        odd.append("quoted key")
        return f'"{name}"'

    def scalar(value: str, comment: bool = True) -> str:
        plain = value.replace(" ", "_").replace(":", "_").replace("#", "_").lstrip("- ") or "z"
        text = plain if draw(st.booleans()) else f'"{value}"'
        return text + (" # trailing" if comment and draw(st.integers(0, 4)) == 0 else "")

    def mapping(entries: list[tuple[str, Any]], col: int, first_prefix: str | None) -> None:
        for n, (name, value) in enumerate(entries):
            if n or first_prefix is None:
                noise(col)
            head = (first_prefix if n == 0 and first_prefix is not None else " " * col) + key(name) + ":"
            if isinstance(value, list) and value and draw(st.integers(0, 4)) == 0:
                odd.append("flow sequence")
                flow = ", ".join(scalar(v, comment=False) for v in value if isinstance(v, str))
                lines.append(f"{head} [{flow}]")
            elif isinstance(value, list):
                sequence(value, col + step if dashes_indented else col, head)
            elif isinstance(value, dict):
                if draw(st.integers(0, 4)) == 0:
                    odd.append("flow mapping")
                    lines.append(
                        head
                        + " {"
                        + ", ".join(f"{k}: {scalar(v, comment=False)}" for k, v in value.items())
                        + "}"
                    )
                else:
                    lines.append(head)
                    mapping(list(value.items()), col + step, None)
            elif value.startswith("|"):
                lines.append(head + " |")
                lines.extend(" " * (col + step) + part for part in value[1:].split("/"))
            else:
                lines.append(f"{head} {scalar(value)}")

    def sequence(items: list[Any], col: int, head: str) -> None:
        if not items:
            lines.append(head + " []")
            return
        lines.append(head)
        for item in items:
            noise(col)
            if isinstance(item, dict) and draw(st.integers(0, 5)) == 0:
                odd.append("dash alone")  # the item's mapping starts on the next line
                lines.append(" " * col + "-")
                mapping(list(item.items()), col + 2, None)
            elif isinstance(item, dict):
                mapping(list(item.items()), col + 2, " " * col + "- ")
            else:
                lines.append(" " * col + "- " + scalar(item))

    deps = st.lists(st.fixed_dictionaries({"service": _WORDS, "check": _WORDS}), max_size=3)
    services = draw(
        st.lists(
            st.fixed_dictionaries(
                {"id": _WORDS, "rto": _WORDS},
                optional={
                    "description": st.sampled_from(["|line one/rto: fake/- fake", "plain", "|x"]),
                    "depends_on": deps,
                    "tags": st.lists(_WORDS, max_size=3),
                    "runbook": st.fixed_dictionaries({"url": _WORDS}, optional={"reviewed": _WORDS}),
                },
            ),
            max_size=4,
        )
    )
    mapping([("version", "1"), ("name", "x"), ("services", services), ("teams", [])], 0, None)
    return "\n".join(lines) + "\n", not odd


def _paths(node: Any, path: YamlPath = ()) -> list[YamlPath]:
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*path, i))
    return out


def _length(data: Any) -> ExpectedLength:
    def length(path: YamlPath) -> int | None:
        node = data
        for part in path:
            node = node[part]
        return len(node) if isinstance(node, list) else None

    return length


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_styled())
def test_agrees_with_the_exact_scan(styled: tuple[str, bool]) -> None:
    text, plain = styled
    data = yaml_rs.loads(text, parse_datetime=False)
    paths = _paths(data)[1:]  # all but the document itself (line 1 by design)
    exact = scan(text, set(paths)).positions
    located, unsure = BlockLocator(text, _length(data)).locate_all(paths, nearest=False)
    one_by_one = BlockLocator(text, _length(data))
    for path in paths:
        assert one_by_one.locate(path) == located.get(path), path
        if path in located:
            found = located[path]
            assert found is not None
            assert (found.line, found.column) == (exact[path].line, exact[path].column), (path, text)
    if plain:  # plain block style: every path is answered
        assert not unsure, (unsure, text)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_styled(), st.randoms(use_true_random=False), st.integers(1, 7))
def test_nearest_in_any_order_and_part(styled: tuple[str, bool], rnd: Any, part: int) -> None:
    """Paths in any order, read a part at a time with the reader's caches emptied between parts
    (paths in a service's item are read from the list's item starts once it is read): each gets
    the position of its longest prefix that a fresh reader finds alone, as the walk gives it,
    whether or not the path itself is there."""
    text, _ = styled
    data = yaml_rs.loads(text, parse_datetime=False)
    real = _paths(data)[1:]
    paths = real + [(*p, "nokey") for p in real] + [(*p, 7) for p in real] + [(*p, 0, "x") for p in real]
    rnd.shuffle(paths)

    def alone(path: YamlPath) -> Any:
        return next(
            found
            for k in range(len(path), -1, -1)
            if (found := BlockLocator(text, _length(data)).locate(path[:k])) is not None
        )

    reader = BlockLocator(text, _length(data))
    for at in range(0, len(paths), part):
        chunk = paths[at : at + part]
        assert reader.place_all(chunk, nearest=True) == [alone(p) for p in chunk], text
        reader.forget()
