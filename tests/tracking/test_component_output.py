"""Components in ``incident status`` (text, JSON, Markdown) and in ``planner report``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.incident_cli import T0, restore, run, start

pytestmark = pytest.mark.usefixtures("store")


def test_status_shows_each_component_and_follows_the_restores(capsys: pytest.CaptureFixture[str]) -> None:
    incident = start(capsys)
    code, out, _ = run(capsys, "incident", "status", incident, "--format", "json", "--at", T0)
    assert code == 0
    views = {c["id"]: c for c in json.loads(out)["components"]}
    assert len(views) == 10
    assert views["file-shares"] == {
        "id": "file-shares",
        "name": "Shared drives",
        "audience": "internal",
        "description": None,
        "status": "major_outage",
        "eta": views["file-shares"]["eta"],
        "waiting_on": ["file-share"],
    }
    assert views["file-shares"]["eta"] is not None
    assert views["storefront"]["status"] == "partial_outage"  # cdn-edge is not on storage
    restore(capsys, incident, "storage-cluster", 50)
    restore(capsys, incident, "file-share", 60)
    code, out, _ = run(
        capsys, "incident", "status", incident, "--format", "json", "--at", "2026-11-28T03:20:00Z"
    )
    views = {c["id"]: c for c in json.loads(out)["components"]}
    assert views["file-shares"]["status"] == "operational"
    assert views["file-shares"]["eta"] is None
    code, text, _ = run(capsys, "incident", "status", incident, "--at", "2026-11-28T03:20:00Z")
    assert "9 of 10 components affected: 7 major outage, 2 partial outage:" in text
    assert "operational: Shared drives" in text
    assert "waits on web-frontend, app-api, orders-service, payments-gateway" in text
    code, md, _ = run(
        capsys, "incident", "status", incident, "--format", "markdown", "--at", "2026-11-28T03:20:00Z"
    )
    assert "## Components" in md
    assert "| Shared drives | internal | operational | - | - |" in md


def test_report_says_when_each_component_worked_again(capsys: pytest.CaptureFixture[str]) -> None:
    incident = start(capsys)
    restore(capsys, incident, "storage-cluster", 50)
    restore(capsys, incident, "file-share", 60)
    code, md, _ = run(capsys, "report", incident)
    assert code == 0
    assert "| Shared drives | internal | major outage | 03:10 | 1h00m | 03:10 |" in md
    assert "| Checkout | public | major outage | not yet | - | not yet |" in md
    code, out, _ = run(capsys, "report", incident, "--format", "json")
    shares = next(c for c in json.loads(out)["components"] if c["id"] == "file-shares")
    assert (shares["worst"], shares["outage_minutes"]) == ("major_outage", 60.0)


SMALL = """\
version: 1
name: small
services:
  - id: db
    restore_time: 10m
  - id: web
    depends_on: [db]
{components}"""


def test_a_plan_without_components_shows_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(SMALL.format(components=""), encoding="utf-8")
    code, out, _ = run(capsys, "incident", "start", str(plan), "--at", T0)
    assert code == 0
    incident = out.split()[-1]
    _, out, _ = run(capsys, "incident", "status", incident, "--format", "json", "--at", T0)
    assert json.loads(out)["components"] == []
    _, text, _ = run(capsys, "incident", "status", incident, "--at", T0)
    assert "component" not in text.lower()
    _, md, _ = run(capsys, "report", incident)
    assert "## Components" not in md


def test_a_hostile_component_name_is_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hostile = 'components:\n  - id: shop\n    name: "Shop\\e]52;c;x\\a|**b**"\n    needs: [web]\n'
    plan = tmp_path / "plan.yaml"
    plan.write_text(SMALL.format(components=hostile), encoding="utf-8")
    code, out, err = run(capsys, "incident", "start", str(plan), "--at", T0)
    assert code == 0, err
    incident = out.split()[-1]
    code, text, _ = run(capsys, "incident", "status", incident, "--at", T0)
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "Shop\\x1b]52;c;x\\x07|**b**" in text
    code, md, _ = run(capsys, "report", incident)
    assert "Shop\\\\x1b\\]52;c;x\\\\x07\\|\\*\\*b\\*\\*" in md
