"""Injection files are validated like plans, and injections arrive on the drill's clock: each
recorded once, by whichever client sees it first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.events import InjectionFired
from planner.tracking.persistence.store import Store
from tests.helpers.incident_cli import ENTERPRISE, T0, at, run

DRILL = ENTERPRISE.parent / "storage-drill.yaml"

BAD = [
    ("injections:\n  - at: 10x\n    fails: db-primary\n", "2:9", "'at': '10x' is not a duration"),
    ("injections:\n  - at: 5m\n    fails: db-primry\n", "3:12", "did you mean 'db-primary'?"),
    (
        "injections:\n  - at: 5m\n    no_answer: carl\n",
        "3:16",
        "no person 'carl' in the plan; did you mean 'carol'?",
    ),
    (
        "injections:\n  - at: 5m\n    no_anser: carol\n",
        "3:5",
        "unknown key 'no_anser'; did you mean 'no_answer'?",
    ),
    ("injections:\n  - at: 5m\n    fails: dns-eu-resolver\n", "3:12", "not impacted by this scenario"),
    ("injections:\n  - at: 5m\n    check: db-primary -> object-store\n", "3:12", "no hard dependency"),
    ("injections:\n  - at: 5m\n    update: board\n", "3:13", "'update' is one of technical, executive"),
    ("injections:\n  - at: 5m\n", "2:5", "exactly one of 'check', 'no_answer'"),
    ("injektions: []\n", "1:1", "a mapping with a list under 'injections:'"),
    ("injections:\n  - at: [1\n", "2:9", "YAML syntax error: unclosed bracket"),
    ("injections:\n  - {id: 'a b', at: 1m, fails: db-primary}\n", "2:10", "'a b' is not a valid id"),
    (
        "injections:\n  - {at: 1m, fails: db-primary, service: app-api}\n",
        "2:42",
        "'service' goes with 'no_answer'",
    ),
    (
        "injections:\n  - {id: a, at: 1m, fails: db-primary}\n  - {id: a, at: 2m, fails: db-primary}\n",
        "3:10",
        "used twice",
    ),
]


@pytest.mark.parametrize(("text", "where", "words"), BAD, ids=[b[2][:30] for b in BAD])
def test_a_bad_injection_file_is_refused_with_its_location(
    store: Path, capsys: pytest.CaptureFixture[str], text: str, where: str, words: str
) -> None:
    bad = store.parent / "bad.yaml"
    bad.write_text(text)
    code, _, err = run(
        capsys, "exercise", "start", str(ENTERPRISE), "--scenario", "storage-outage", "--inject", str(bad)
    )
    assert code == 2
    assert f"{bad}:{where}: " in err, err
    assert words in err
    assert "Traceback" not in err
    assert not store.exists() or not Store(store).incident_rows()  # nothing half-started


BOMB = "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8))


@pytest.mark.parametrize(
    ("path", "words"),
    [("/dev/zero", "is not a regular file"), ("bomb", "once its aliases are expanded")],
)
def test_an_injection_file_is_read_in_bounds(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, path: str, words: str
) -> None:
    if path == "bomb":
        monkeypatch.setenv("PLANNER_MAX_INPUT_MB", "1")
        bomb = store.parent / "bomb.yaml"
        bomb.write_text("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + BOMB + "injections: []\n")
        path = str(bomb)
    code, _, err = run(
        capsys, "exercise", "start", str(ENTERPRISE), "--scenario", "storage-outage", "--inject", path
    )
    assert code == 2
    assert words in err


def start_drill(capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = run(
        capsys, "exercise", "start", str(ENTERPRISE), "--scenario", "storage-outage",
        "--inject", str(DRILL), "--at", T0, "--as", "grace",
    )  # fmt: skip
    assert code == 0, err
    return out.split()[-1]


def fired(store: Path, incident: str) -> list[InjectionFired]:
    with Store(store) as opened:
        return [e for e in opened.events(incident) if isinstance(e, InjectionFired)]


def test_an_injection_is_recorded_once_when_its_time_comes(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drill = start_drill(capsys)
    assert fired(store, drill) == []
    code, out, _ = run(capsys, "incident", "begin", drill, "storage-cluster", "--at", at(12), "--as", "dave")
    assert code == 0
    assert "INJECTED I1: carol does not answer" in out
    assert "asks: escalate storage-cluster" in out
    shot = fired(store, drill)
    assert [(e.injection.id, e.at.isoformat()) for e in shot] == [("I1", "2026-11-28T02:20:00+00:00")]
    for _ in range(2):  # another client, later: nothing is recorded twice
        code, out, _ = run(capsys, "incident", "status", drill, "--at", at(15))
        assert f"I1: carol does not answer; asks: planner incident escalate {drill} storage-cluster" in out
    assert len(fired(store, drill)) == 1
    run(capsys, "incident", "escalate", drill, "storage-cluster", "--at", at(16), "--as", "grace")
    code, out, _ = run(capsys, "incident", "status", drill, "--at", at(41))
    assert "I1:" not in out.split("Injections waiting")[-1]  # answered
    assert "I2: the executive update is due" in out
    assert [e.injection.id for e in fired(store, drill)] == ["I1", "I2"]
    code, out, _ = run(capsys, "incident", "status", drill, "--at", at(41), "--format", "json")
    shown = json.loads(out)["injections"]
    assert [(i["id"], i["asks"], i["answered"]) for i in shown["recorded"]] == [
        ("I1", "escalate storage-cluster", "2026-11-28T02:26:00+00:00"),
        ("I2", "update --audience executive", None),
    ]
    assert shown["next_due"] == "2026-11-28T03:00:00+00:00"
    assert shown["to_come"] == 2


def test_a_facilitator_injects_live_and_mistakes_are_named(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drill = start_drill(capsys)
    code, out, _ = run(
        capsys, "exercise", "inject", drill, "--fails", "storage-cluster", "--at", at(5), "--as", "fac"
    )
    assert code == 0
    assert "INJECTED L1: storage-cluster fails again" in out
    live = fired(store, drill)
    assert live[-1].live
    assert live[-1].injection.after == 300
    code, _, err = run(capsys, "exercise", "inject", drill, "--fails", "storage-clustr", "--at", at(6))
    assert code == 2
    assert "did you mean 'storage-cluster'?" in err
    code, _, err = run(capsys, "exercise", "inject", drill, "--at", at(6))
    assert code == 2
    assert "exactly one of" in err
    code, out, _ = run(
        capsys, "incident", "start", str(ENTERPRISE), "--scenario", "storage-outage", "--at", T0
    )
    code, _, err = run(capsys, "exercise", "inject", out.split()[-1], "--fails", "storage-cluster")
    assert code == 2
    assert "is a real incident, not a drill" in err


def test_a_failure_injected_while_its_service_is_still_down_is_moot(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drill = start_drill(capsys)
    inject = ["exercise", "inject", drill, "--fails", "storage-cluster", "--as", "fac"]
    assert run(capsys, *inject, "--at", at(2))[0] == 0  # L1: storage-cluster was never begun
    code, _, err = run(capsys, "incident", "fail", drill, "storage-cluster", "--at", at(3))
    assert code != 0
    assert "already down" in err  # the guard: there is nothing to fail
    code, out, _ = run(capsys, "incident", "status", drill, "--at", at(3))
    assert "Injections waiting" not in out  # L1 waits for no answer: none can be given
    run(capsys, "incident", "begin", drill, "storage-cluster", "--at", at(4), "--as", "dave")
    assert run(capsys, *inject, "--at", at(5))[0] == 0  # L2: being restored, so it can fail
    code, out, _ = run(capsys, "incident", "status", drill, "--at", at(6))
    assert f"L2: storage-cluster fails again; asks: planner incident fail {drill} storage-cluster" in out
    assert run(capsys, "incident", "fail", drill, "storage-cluster", "--at", at(7))[0] == 0
    code, out, _ = run(capsys, "exercise", "score", drill)
    moot = "moot: storage-cluster was still down (not counted)"
    assert f"L1: storage-cluster fails again; asked: fail storage-cluster; {moot}" in out
    assert "L2: storage-cluster fails again; asked: fail storage-cluster; done after 2m" in out
    assert "1 of 1 acted on; 1 moot (the service was still down)" in out
    code, out, _ = run(capsys, "exercise", "score", drill, "--format", "json")
    shots = {i["id"]: i for i in json.loads(out)["injections"]}
    assert (shots["L1"]["moot"], shots["L2"]["moot"]) == (True, False)
    part = next(p for p in json.loads(out)["parts"] if p["part"] == "injections")
    assert part["ratio"] == 1.0
