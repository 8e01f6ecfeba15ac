"""Every reader (plan, Compose, Backstage) on random bytes and on random YAML structures, in a
planner process under a 2 GB address space and a time limit per command: each ends with exit 0,
1 or 2 and messages of one line each, never an internal error (70), a traceback, a crash or a
control character on the terminal."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.hostile.conftest import Worker
from tests.strategies import examples

# CI: 60 a test (600 under the deep profile); a longer hunt: PLANNER_FUZZ_EXAMPLES=2000
EXAMPLES = int(os.environ.get("PLANNER_FUZZ_EXAMPLES", "0")) or examples(60)
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
WORK = Path(tempfile.mkdtemp(prefix="planner-fuzz-"))

READERS = {
    "plan": ("validate",),
    "compose": ("import", "compose"),
    "backstage": ("import", "backstage"),
}

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["1h", "30m", "P1D", "9999999999d", "-5m", "db", "api", "CMD", "CMD-SHELL", "NONE"]),
    st.dates().map(str),
)
KEYS = {
    "plan": ["version", "name", "services", "teams", "people", "id", "owner", "depends_on", "service",
             "rto", "restore_time", "verify", "check", "kind", "scenarios", "failed", "workarounds", "roles",
             "runbook", "url", "reviewed", "capacity", "escalation", "members", "criticality", "policy"],
    "compose": ["services", "image", "depends_on", "condition", "required", "healthcheck", "test", "disable",
                "extends", "file", "service", "profiles", "labels", "environment", "restart", "env_file"],
    "backstage": ["apiVersion", "kind", "metadata", "name", "namespace", "title", "description", "spec",
                  "owner", "dependsOn", "providesApis", "consumesApis", "targets", "target", "type",
                  "lifecycle", "system", "memberOf", "members", "profile", "displayName", "email"],
}  # fmt: skip


def _values(reader: str) -> st.SearchStrategy[Any]:
    """Random structures whose keys are mostly the reader's own (so fields get wrong shapes)."""
    keys = st.one_of(st.text(max_size=12), st.sampled_from(KEYS[reader]), st.sampled_from(KEYS[reader]))
    return st.recursive(
        _scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(keys, inner, max_size=6)),
        max_leaves=40,
    )


_reader_and_body = st.sampled_from(sorted(READERS)).flatmap(lambda r: st.tuples(st.just(r), _values(r)))


def _document(reader: str, body: Any, depth: int) -> Any:
    """A random structure placed at ``depth`` in the shape the reader expects (0: the whole
    document; 1: its main collection; 2: one entry's fields), so that every level is reached."""
    fields = body if isinstance(body, dict) else {"x": body}
    if reader == "plan":
        shapes = [body, {"version": 1, "name": "fuzz", "services": body}]
        shapes.append(
            {"version": 1, "name": "fuzz", "teams": [{"id": "t"}], "services": [{"id": "s", **fields}]}
        )
    elif reader == "compose":
        shapes = [body, {"services": body}, {"services": {"web": fields, "db": {"image": "db"}}}]
    else:
        kind = {"apiVersion": "backstage.io/v1alpha1", "kind": "Component"}
        shapes = [body, {**kind, **fields}, {**kind, "metadata": {"name": "svc"}, "spec": fields}]
    return shapes[depth]


# What each line of a reader's messages starts with: a message is one line.
_MESSAGE = re.compile(r"^(error: |warning: |\S+?:\d+(:\d+)?: |\S+?: |\d+ |left out |wrote )")


def _check(result: dict[str, Any], path: Path) -> None:
    code, err = result["code"], result["err"]
    assert code in (0, 1, 2), (code, err)
    assert "Traceback" not in err
    assert "internal error" not in err
    for line in err.splitlines():
        assert not any(c in line for c in "\x1b\x07\r\x9b"), line  # written out, not sent
        assert _MESSAGE.match(line), f"not a one-line message: {line!r}"
    if code == 2:
        assert err.strip(), "a refusal says why"


def _run(worker: Worker, reader: str, path: Path) -> None:
    result = worker.run(*READERS[reader], path)
    event(f"{reader}: exit {result['code']}")  # --hypothesis-show-statistics: what was reached
    _check(result, path)


@SETTINGS
@given(reader=st.sampled_from(sorted(READERS)), data=st.binary(max_size=2000))
def test_random_bytes(worker: Worker, reader: str, data: bytes) -> None:
    path = WORK / f"bytes-{reader}.yaml"
    path.write_bytes(data)
    _run(worker, reader, path)


@SETTINGS
@given(reader_body=_reader_and_body, depth=st.integers(0, 2), as_json=st.booleans())
def test_random_structures(worker: Worker, reader_body: tuple[str, Any], depth: int, as_json: bool) -> None:
    reader, body = reader_body
    document = _document(reader, body, depth)
    path = WORK / f"structure-{reader}.{'json' if as_json and reader == 'plan' else 'yaml'}"
    if as_json:
        text = json.dumps(document, default=str)
    else:
        text = yaml.safe_dump(document, allow_unicode=True, default_flow_style=bool(as_json))
    path.write_text(text, encoding="utf-8")
    _run(worker, reader, path)


@SETTINGS
@given(
    reader=st.sampled_from(sorted(READERS)),
    text=st.text(alphabet="{}[]:,-&*!|>'\"#%@` \n\tabc01", max_size=200),
)
def test_random_yaml_syntax(worker: Worker, reader: str, text: str) -> None:
    """Text made of YAML's punctuation: anchors, aliases, tags, flow and block markers."""
    path = WORK / f"syntax-{reader}.yaml"
    path.write_text(text, encoding="utf-8")
    _run(worker, reader, path)
