"""The bad-input corpus: one small file per failure mode, each with its exit code, line and words.

Every file in tests/data/bad must be listed here, so a new failure mode needs an expectation.
"""

from __future__ import annotations

import pytest

from tests.conftest import DATA, EXAMPLES

BAD = DATA / "bad"

# file -> (line, words that must appear in the message)
EXPECTED: dict[str, tuple[int, list[str]]] = {
    "bad-capacity.yaml": (5, ["'capacity' must be at least 1", "teams[0].capacity"]),
    "bad-criticality.yaml": (5, ["'criticality' must be one of", "did you mean 'critical'?"]),
    "bad-date.yaml": (5, ["'escalation_tested' must be a date", "'last tuesday'"]),
    "bad-dependency-kind.yaml": (8, ["'kind' must be one of 'hard' or 'soft'", "did you mean 'hard'?"]),
    "bad-duration.yaml": (5, ["'3 hours' is not a duration", "1h30m"]),
    "bad-id.yaml": (4, ["'-leading-dash' is not a valid id", "start with a letter or digit"]),
    "bad-json-type.json": (3, ["'soon' is not a duration", "services[0].rto"]),
    "bad-json.json": (3, ["invalid JSON", "double quotes"]),
    "bare-number-duration.yaml": (5, ["bare number is ambiguous", "'45m'"]),
    "cycle.yaml": (9, ["cycle: dns -> monitoring -> storage -> dns", "cut 'dns -> monitoring'"]),
    "duplicate-key.yaml": (6, ["key 'owner' appears twice"]),
    "duplicate-service-id.yaml": (6, ["duplicate service id 'db'", "first defined at services[0]"]),
    "empty.yaml": (1, ["the file is empty"]),
    "missing-name.yaml": (1, ["missing required key 'name'"]),
    "missing-service-id.yaml": (4, ["missing required key 'id'", "services[0].id"]),
    "naive-boolean-key.yaml": (6, ["'verify' must be text", "boolean true", "quote it"]),
    "not-utf8.yaml": (2, ["not valid UTF-8", "0xe9"]),
    "numeric-id.yaml": (4, ["'id' must be text", "the number 42", "quote it"]),
    "only-comment.yaml": (1, ["no content"]),
    "self-dependency.yaml": (5, ["service 'api' depends on itself"]),
    "syntax-unclosed-bracket.yaml": (6, ["YAML syntax error"]),
    "top-level-list.yaml": (1, ["a plan is a mapping", "not a list"]),
    "two-documents.yaml": (3, ["2 YAML documents"]),
    "unknown-dependency.yaml": (
        7,
        ["dependency 'db-primray' names no service", "did you mean 'db-primary'?"],
    ),
    "unknown-owner.yaml": (7, ["owner 'paymnts' names no team", "did you mean 'payments'?"]),
    "unknown-person.yaml": (7, ["'alcie' names no person", "did you mean 'alice'?"]),
    "unknown-rule.yaml": (5, ["unknown audit rule", "did you mean 'unchecked-dependency'?"]),
    "unknown-scenario-service.yaml": (7, ["'storage-clutser' names no service", "'storage-cluster'"]),
    "unknown-service-key.yaml": (8, ["unknown key 'depnds_on'", "did you mean 'depends_on'?"]),
    "unknown-top-key.yaml": (3, ["unknown key 'servics'", "did you mean 'services'?"]),
    "unsupported-version.yaml": (1, ["unsupported version 2", "only version 1 exists"]),
    "workaround-not-a-dependency.yaml": (9, ["WA-1", "does not depend on it"]),
    "wrong-type-services.yaml": (3, ["'services' must be a list"]),
    "version-boolean.yaml": (1, ["'version' must be the number 1", "boolean true"]),
    "version-float.yaml": (1, ["'version' must be the number 1", "1.0"]),
    "version-text.yaml": (1, ["'version' must be the number 1", "'1'", "write 'version: 1'"]),
    "capacity-text.yaml": (5, ["'capacity' must be a whole number", "'2'", "teams[0].capacity"]),
    "capacity-boolean.yaml": (4, ["'default_team_capacity' must be a whole number", "boolean true"]),
    "duration-overflow.yaml": (5, ["'9999999999d' is longer than ten years", "services[0].rto"]),
    "unknown-tag.yaml": (5, ["YAML tag '!Ref' is not supported", "plain YAML"]),
    "unknown-tag-in-list.yaml": (8, ["YAML tag '!include' is not supported"]),
    "duration-iso-overflow.yaml": (5, ["'P99999999999D' is longer than ten years", "restore_time"]),
    "unknown-component-service.yaml": (
        9,
        ["needed service 'web-frontnd' names no service", "'web-frontend'?"],
    ),
    "component-without-service.yaml": (9, ["component 'checkout': it names no service", "components[1]"]),
    "duplicate-component-id.yaml": (9, ["duplicate component id 'storefront'", "components[0]"]),
    "component-service-twice.yaml": (10, ["lists service 'search' twice", "components[0].uses[0]"]),
    "alias-bomb.yaml": (10, ["the alias *g takes the document past 128 MB", "PLANNER_MAX_INPUT_MB"]),
}


def test_every_corpus_file_has_an_expectation() -> None:
    files = {p.name for p in BAD.iterdir()}
    assert files == set(EXPECTED)
    assert len(files) >= 20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_plan_is_refused_with_location(name: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    line, words = EXPECTED[name]
    result = run_cli("validate", BAD / name)
    assert result.code == 2
    assert result.out == ""
    first = result.err.splitlines()[0]
    assert first.startswith(f"{BAD / name}:{line}"), first
    for word in words:
        assert word in first, (word, first)
    assert "Traceback" not in result.err
    assert "pydantic" not in result.err.lower()
    assert "errors.pydantic.dev" not in result.err


def test_every_problem_is_listed_not_just_the_first(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    plan = tmp_path / "many.yaml"
    plan.write_text(
        "version: 1\nname: many\nteams:\n  - id: infra\nservices:\n"
        "  - id: a\n    rto: 45\n    owner: infr\n"
        "  - id: b\n    criticality: hgh\n    depends_on: [zz]\n"
        "  - id: c\n    depends_on: [c]\n",
        encoding="utf-8",
    )
    result = run_cli("validate", plan)
    assert result.code == 2
    lines = result.err.splitlines()
    assert any(":7:" in ln and "bare number" in ln for ln in lines)
    assert any(":10:" in ln and "'hgh'" in ln for ln in lines)
    # references are checked beside the structural problems, in the items that validated
    assert any(":13:" in ln and "depends on itself" in ln for ln in lines)
    # and in those that did not: what is right in them is still checked in the same run
    assert any(":8:" in ln and "owner 'infr' names no team; did you mean 'infra'?" in ln for ln in lines)
    assert any(":11:" in ln and "dependency 'zz' names no service" in ln for ln in lines)
    assert "5 problems" in lines[-1]


def test_referential_problems_all_reported(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    plan = tmp_path / "refs.yaml"
    plan.write_text(
        "version: 1\nname: refs\nroles:\n  incident_commander: nobody\nteams:\n  - id: t\n"
        "services:\n  - id: a\n    owner: tt\n    depends_on: [b]\n  - id: b\n    depends_on: [a]\n",
        encoding="utf-8",
    )
    result = run_cli("validate", plan)
    assert result.code == 2
    assert "role incident_commander 'nobody' names no person" in result.err
    assert "owner 'tt' names no team; did you mean 't'?" in result.err
    assert "cycle: a -> b -> a" in result.err


def test_missing_file(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("validate", tmp_path / "nope.yaml")
    assert result.code == 2
    assert "no such file" in result.err


def test_directory_is_refused(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("validate", tmp_path)
    assert result.code == 2
    assert "Traceback" not in result.err


def test_usage_error_exits_2(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("validate")
    assert result.code == 2
    assert "Missing argument" in result.err


def test_debug_shows_the_traceback(tmp_path) -> None:
    from planner.cli import main
    from planner.errors import PlanError

    with pytest.raises(PlanError):
        main(["validate", str(tmp_path / "nope.yaml"), "--debug"])


def test_an_internal_error_exits_70_not_2(monkeypatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    """A bug is told apart from bad input: exit 70 (EX_SOFTWARE) and one line saying it is a bug."""
    from planner.cli import EXIT_INTERNAL
    from planner.engine import planning

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(planning, "plan_recovery", broken)
    result = run_cli("schedule", EXAMPLES / "small.yaml")
    assert result.code == EXIT_INTERNAL == 70
    assert "internal error: ZeroDivisionError: boom" in result.err
    assert "bug in recovery-planner" in result.err
    with pytest.raises(ZeroDivisionError):
        run_cli("schedule", EXAMPLES / "small.yaml", "--debug")


def test_yaml_core_tags_and_exclamation_marks_in_values_are_fine(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "version: 1\nname: bangs\nservices:\n"
        "  - {id: a, verify: !!str curl -fsS http://a/health}\n"
        "  - id: b\n    verify: 'echo ready!'  # a comment with a ! in it\n"
        "  - id: c\n    verify: curl -s http://c | grep -v !maintenance\n"
    )
    result = run_cli("validate", plan)
    assert result.code == 0, result.err


def test_a_device_or_a_pipe_is_not_read(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os

    fifo = tmp_path / "plan.yaml"
    os.mkfifo(fifo)
    for path in ("/dev/zero", fifo):
        result = run_cli("validate", path)
        assert result.code == 2
        assert "is not a regular file" in result.err


def test_standard_input_is_read_up_to_the_cap() -> None:
    """`yes | planner validate -` ends at once with a clear message, in bounded memory."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PLANNER_MAX_INPUT_MB": "1"}
    with subprocess.Popen(["yes"], stdout=subprocess.PIPE) as endless:
        done = subprocess.run(
            [sys.executable, "-m", "planner", "validate", "-"],
            stdin=endless.stdout,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        endless.kill()
    assert done.returncode == 2
    assert "<stdin> is larger than 1 MB" in done.stderr
    assert "PLANNER_MAX_INPUT_MB" in done.stderr
