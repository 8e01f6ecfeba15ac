"""The hostile-input corpus: one small file per attack on a reader (tests/data/hostile/), each
with the exit code and the words its outcome must have, and what must never appear in the plan
an import writes. With tests/data/bad (plans refused, each at its line) and the generated cases
of this folder, it covers the issue's eight classes.

Every file here must be listed, so a new attack needs an expectation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.hostile.conftest import Worker

HOSTILE = DATA / "hostile"
COMMAND = {"plan": ("validate",), "compose": ("import", "compose"), "backstage": ("import", "backstage")}

# file -> (exit code, words in stderr, text that must not start a line of the plan written)
EXPECTED: dict[str, tuple[int, list[str], list[str]]] = {
    "compose/laughs.yaml": (2, ["laughs.yaml:8:10", "the alias *g takes the document past"], []),
    "compose/image-newline.yaml": (0, [], ["verify:", "rto:"]),
    "compose/healthcheck-sh-c.yaml": (0, [], []),
    "compose/reset-tag.yaml": (0, ["1 service imported"], []),  # Compose's own tag: read
    "compose/unknown-tag.yaml": (2, ["unknown-tag.yaml:4", "tag '!custom'"], []),
    "compose/services-null.yaml": (0, ["0 services imported"], []),
    "compose/depends-on-number.yaml": (2, ["'depends_on' must be a list or a mapping", "not a number"], []),
    "compose/healthcheck-test-number.yaml": (0, [], ["verify:"]),
    "compose/name-escape.yaml": (2, ["name-escape.yaml:2", "cannot be a plan id", "\\x1b]52"], []),
    "compose/surrogate.yaml": (2, ["surrogate.yaml:3", "half of a UTF-16 surrogate pair"], []),
    "compose/extends-self.yaml": (2, ["'extends' loops through web"], []),
    # a recursive alias: the import once walked it for ever (with a merge key, growing ~28 MB/s)
    "compose/recursive-merge.yaml": (2, ["recursive-merge.yaml:5", "the alias *a", "recursive alias"], []),
    "compose/recursive-list.yaml": (2, ["recursive-list.yaml:2", "the alias *l", "recursive alias"], []),
    # an extends loop across two files imported silently; docker compose refuses it
    "compose/extends-loop-a.yaml": (
        2,
        ["extends-loop-b.yaml:3", "'extends' loops through base", "base (", "-> web (", "-> base ("],
        [],
    ),
    "compose/extends-loop-b.yaml": (2, ["'extends' loops through", "extends-loop-a.yaml"], []),
    "compose/include-loop-a.yaml": (2, ["'include' loops back to itself", "include-loop-b.yaml ->"], []),
    "compose/include-loop-b.yaml": (2, ["'include' loops back to itself", "include-loop-a.yaml ->"], []),
    "compose/top-level-list.yaml": (2, ["a Compose file is a mapping"], []),
    "compose/duplicate-key.yaml": (2, ["duplicate-key.yaml:4", "key 'image' appears twice"], []),
    "backstage/laughs.yaml": (2, ["the alias *g takes the document past"], []),
    "backstage/title-newline.yaml": (0, [], ["verify:", "rto:"]),
    "backstage/surrogate.yaml": (2, ["half of a UTF-16 surrogate pair"], []),
    "backstage/depends-on-number.yaml": (
        0,
        ["spec.dependsOn must be a list of entity refs, not a number"],
        [],
    ),
    "backstage/metadata-list.yaml": (0, ["entity without kind or metadata.name, skipped"], []),
    "backstage/kind-number.yaml": (0, ["0 services imported"], []),
    "backstage/spec-text.yaml": (0, ["1 service imported"], []),
    "backstage/owner-escape.yaml": (0, ["spec.owner 'team\\x1b[2J'", "imported without an owner"], []),
    "backstage/javascript-link.yaml": (0, [], []),
    "plan/deep-nesting.yaml": (2, ["deep-nesting.yaml:3", "recursion limit exceeded"], []),
    "plan/huge-integer.yaml": (2, ["a bare number is ambiguous"], []),
    "plan/services-mapping.yaml": (2, ["'services' must be a list, got a mapping"], []),
    "plan/id-escape.yaml": (2, ["'db\\x1b[2J' is not a valid id"], []),
    "plan/bom-and-crlf.yaml": (0, [], []),
    "plan/null-bytes.yaml": (0, [], []),
    "plan/float-capacity.yaml": (2, ["'capacity' must be a whole number, got the number 1.5"], []),
    "plan/negative-duration.yaml": (2, ["'-5m' is not a duration"], []),
    "plan/date-out-of-range.yaml": (0, [], []),
    "plan/merge-key.yaml": (2, ["unknown key 'x-defaults'", "unknown key '<<'"], []),
    "plan/javascript-runbook.yaml": (0, [], []),
}


def test_every_corpus_file_has_an_expectation() -> None:
    files = {str(p.relative_to(HOSTILE)) for p in HOSTILE.glob("*/*.yaml")}
    assert files == set(EXPECTED)
    bad = list((DATA / "bad").iterdir())
    assert len(files) + len(bad) >= 60


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_attack_ends_cleanly(worker: Worker, name: str) -> None:
    code, words, never = EXPECTED[name]
    reader = name.split("/", maxsplit=1)[0]
    result = worker.run(*COMMAND[reader], HOSTILE / name)
    assert result["code"] == code, result["err"]
    for word in words:
        assert word in result["err"], (word, result["err"])
    assert "Traceback" not in result["err"]
    assert not any(c in result["err"] + result["out"] for c in "\x1b\x07\x9b"), "written out, not sent"
    lines = [line.strip() for line in result["out"].splitlines()]
    for text in never:
        assert not any(line.startswith(text) for line in lines), (text, result["out"])


def test_plan_outputs_of_hostile_plans_stay_inert(worker: Worker, tmp_path: Path) -> None:
    """The plans accepted above go through every exporter: dates far out, NUL in a name, a
    javascript: runbook; nothing crashes and nothing raw reaches the output."""
    for name in ("plan/date-out-of-range.yaml", "plan/null-bytes.yaml", "plan/javascript-runbook.yaml"):
        for fmt in ("dot", "mermaid", "gantt", "markdown"):
            result = worker.run("export", HOSTILE / name, "--format", fmt)
            assert result["code"] == 0, (name, fmt, result["err"])
            assert "\x00" not in result["out"]
        assert worker.run("audit", HOSTILE / name, "--format", "sarif")["code"] in (0, 1)
        assert "](javascript:" not in worker.run("export", HOSTILE / name, "--format", "markdown")["out"]


def test_a_schedule_past_the_year_9999_is_said_not_crashed(worker: Worker, tmp_path: Path) -> None:
    """Restore times of ten years each (the most one may be) along a chain of 1,000 services:
    8,000 years past the calendar's end. Was: exit 70 (OverflowError) in the Gantt, the runbook,
    incident status and update."""
    lines = ["version: 1", "name: long", "services:"]
    lines += [
        f"  - id: s{i}\n    restore_time: 3650d" + (f"\n    depends_on: [s{i - 1}]" if i else "")
        for i in range(1000)
    ]
    plan = tmp_path / "long.yaml"
    plan.write_text("\n".join(lines) + "\n", encoding="utf-8")
    gantt = worker.run("export", plan, "--format", "gantt")
    assert gantt["code"] == 2
    assert "past the year 9999" in gantt["err"]
    runbook = worker.run("export", plan, "--format", "markdown", "-o", tmp_path / "runbook.md")
    assert runbook["code"] == 0, runbook["err"]
    assert "past the year 9999" in (tmp_path / "runbook.md").read_text(encoding="utf-8")
    store = ["--store", str(tmp_path / "s.db")]
    assert worker.run("incident", "start", plan, *store)["code"] == 0
    status = worker.run("incident", "status", "INC-1", *store)
    assert status["code"] == 0, status["err"]
    assert "projected finish: past the year 9999" in status["out"]
    as_json = worker.run("incident", "status", "INC-1", "--format", "json", *store)
    assert as_json["code"] == 0, as_json["err"]
    assert '"projected_finish": null' in as_json["out"]
    for audience in ("technical", "executive", "customer"):
        draft = worker.run("incident", "update", "INC-1", "--draft", "--audience", audience, *store)
        assert draft["code"] == 0, (audience, draft["err"])
