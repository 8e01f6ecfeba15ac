"""An incident's plan read back from the store for its components, on either backend."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.tracking.persistence import stored_plan
from planner.tracking.persistence.store import Store
from tests.conftest import EXAMPLES
from tests.helpers.incident_cli import T0
from tests.helpers.journal import enterprise_incident


def test_the_plan_of_an_incident_comes_back_once(where: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    stored_plan._CACHE.clear()
    enterprise = enterprise_incident(where)
    small = run_cli("incident", "start", EXAMPLES / "small.yaml", "--store", where, "--at", T0).out.split()[
        -1
    ]
    with Store(where) as store:
        rows = {r.id: r for r in store.incident_rows()}
        plan = stored_plan.plan_with_components(store, rows[enterprise])
        assert plan is not None
        assert [c.id for c in plan.components][:3] == ["storefront", "search", "checkout"]
        assert stored_plan.plan_with_components(store, rows[enterprise]) is plan  # read once
        assert stored_plan.plan_with_components(store, rows[small]) is None  # no components
    status = run_cli("incident", "status", enterprise, "--store", where, "--format", "json")
    assert len(json.loads(status.out)["components"]) == 10


def test_an_incident_knows_from_its_start_whether_its_plan_declares_components(
    where: str,
    run_cli,  # type: ignore[no-untyped-def]
) -> None:
    stored_plan._CACHE.clear()
    enterprise = enterprise_incident(where)
    small = run_cli("incident", "start", EXAMPLES / "small.yaml", "--store", where, "--at", T0).out.split()[
        -1
    ]
    with Store(where) as store:
        said = {i: store.snapshot(i).info.components for i in (enterprise, small)}  # type: ignore[union-attr]
        assert said == {enterprise: True, small: False}
        row = store.require(enterprise)
        # what the start saw is believed: the plan is not read (nor parsed) when it said none
        assert stored_plan.plan_with_components(store, row, False) is None
        assert stored_plan.plan_with_components(store, row, True) is not None
        assert stored_plan.plan_with_components(store, row, None) is not None  # an older incident


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("version: 1\ncomponents:\n  - id: a\n", True),
        ('{"version": 1, "components": []}', True),
        ("{version: 1, 'components': []}", True),
        ("services:\n  - id: a\n    description: storage components, mostly\n", False),
        ("name: components\n", False),
        ("a: 1\n  \t components :\n", True),
        ("{\n  'components': []}", True),
        ("x: 'components':", False),
        ("description: the components: db, dns\n", False),
        ("x: [a,\n components: 1]", True),
    ],
)
def test_only_a_plan_that_may_declare_components_is_parsed(text: str, parsed: bool) -> None:
    assert stored_plan.may_declare(text) is parsed


_KEY_ANYWHERE = re.compile(r"""(^|[{,])\s*["']?components["']?\s*:""", re.MULTILINE)
"""The definition: the key at the start of a line or after ``{`` or ``,``, blanks between."""


@given(
    st.lists(
        st.sampled_from(["components", "compo", " ", "\t", "\n", "\r", "\xa0", "{", ",", '"', "'", ":", "x"]),
        max_size=10,
    )
)
def test_looking_only_where_the_word_is_finds_what_the_definition_finds(parts: list[str]) -> None:
    text = "".join(parts)
    assert stored_plan.may_declare(text) is bool(_KEY_ANYWHERE.search(text))


def test_a_plan_that_never_says_components_is_not_read_back(where: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    """The store is asked whether the word is there at all before the text is read: a status of
    an incident on a large plan without components reads none of it."""
    stored_plan._CACHE.clear()
    small = run_cli("incident", "start", EXAMPLES / "small.yaml", "--store", where, "--at", T0).out.split()[
        -1
    ]
    read: list[str] = []

    class Counting(Store):
        def plan_text(self, digest: str) -> str | None:
            read.append(digest)
            return super().plan_text(digest)

    with Counting(where) as store:
        row = store.require(small)
        assert stored_plan.plan_mentions(store, row.plan_hash, "components") is False
        assert stored_plan.plan_mentions(store, row.plan_hash, "services") is True
        assert stored_plan.plan_mentions(store, "0" * 64, "components") is None
        assert stored_plan.plan_with_components(store, row) is None
    assert read == []
