"""Random action sequences against the tracking engine and its store, with the journal's invariants
checked after every step (docs/design/journal.md#state)."""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import event as note_event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from models.events import Bypassed, Event, RunNotApplied, WorkaroundAmended, WorkaroundRemoved
from models.plan import Plan
from planner.errors import UsageError
from planner.running import plan_of, run
from planner.tracking.domain import actions, comms, corrections
from planner.tracking.domain.check_runs import Target, prepare
from planner.tracking.domain.fold import effective
from planner.tracking.domain.guards import RefusedError
from planner.tracking.domain.opening import initial_state, rebuild
from planner.tracking.domain.outline import outline_of
from planner.tracking.domain.state import (
    BYPASSED,
    CONFIRMED,
    DOWN,
    FAILED,
    PASSED,
    PENDING,
    RESOLVED,
    RESTORED,
    MemoryView,
)
from planner.tracking.persistence.store import Store
from planner.tracking.persistence.tables import every_row
from tests.pg import create_database, drop_database, skip_without_server
from tests.strategies import dag_plans, examples

START = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
SCRATCH = Path("/dev/shm") if Path("/dev/shm").is_dir() else None  # fsync-free scratch when there is one


def rows(state: MemoryView) -> tuple[object, ...]:
    """Everything a state holds, comparable."""
    return (state.row, state.tasks, state.check_rows, state.wa_rows)


class IncidentMachine(RuleBasedStateMachine):
    """One incident on a random plan; rules are the responders' actions."""

    every_row_each_step = True
    """Read every row after each step to compare with the snapshot (see below)."""

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(dir=SCRATCH))
        self.store = Store(self.location())
        self.now = START
        self.plan: Plan | None = None
        self.id = ""
        self.services: list[str] = []
        self.refusals = 0

    def location(self) -> str:
        """Where this machine's store is: an SQLite file here (see :class:`PostgresIncidentMachine`)."""
        return str(self.dir / "incidents.db")

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    @initialize(case=dag_plans(max_services=10))
    def start(self, case: tuple[Plan, list[str] | None]) -> None:
        plan, failed = case
        self.plan = plan
        digest = self.store.keep_plan(plan.name, json.dumps(plan.model_dump(mode="json")), START.isoformat())
        first = self.store.start(
            "INC",
            lambda new_id: initial_state(
                plan,
                digest,
                new_id,
                scenario=None,
                failed=failed,
                title=None,
                exercise=False,
                actor="ic",
                at=START,
            ),
        )
        self.id = first.incident
        state = self.state()
        self.services = list(state.tasks)

    def state(self) -> MemoryView:
        snap = self.store.snapshot(self.id)
        assert snap is not None
        return snap

    def act(self, action: actions.Action, actor: str = "r") -> list[Event] | None:
        """Run an action a minute after the last; a refusal must leave the journal and the rows
        as they were."""
        self.now += timedelta(minutes=1)
        at = self.now
        before, journal = self.state(), len(self.store.events(self.id))
        try:
            return self.store.act(self.id, lambda view: action.decide(view, actor, at))
        except RefusedError as refusal:
            said = str(refusal)
            assert said, "a refusal says why"
            assert len(self.store.events(self.id)) == journal
            assert rows(self.state()) == rows(before)
            self.refusals += 1
            return None

    def pick_check(self, data: st.DataObject) -> tuple[str, str] | None:
        keys = sorted(self.state().check_rows)
        return data.draw(st.sampled_from(keys)) if keys else None

    @rule(data=st.data())
    def begin(self, data: st.DataObject) -> None:
        service = data.draw(st.sampled_from(self.services))
        self.act(actions.Begin(service))

    @rule(data=st.data(), observed=st.none() | st.just("looked at the dashboard"))
    def verify(self, data: st.DataObject, observed: str | None) -> None:
        service = data.draw(st.sampled_from(self.services))
        self.act(actions.Verify(service, observed))

    @rule(data=st.data(), passed=st.booleans(), observed=st.none() | st.just("ping ok"))
    def check(self, data: st.DataObject, passed: bool, observed: str | None) -> None:
        pair = self.pick_check(data)
        if pair:
            self.act(actions.Check(pair[0], pair[1], passed, observed))

    def run_target(self, target: Target, passes: bool) -> None:
        """Run ``target``'s command as ``--run`` does: the guard first (a refusal runs nothing
        and records nothing), then a real process (``true`` or ``false`` standing in for the
        plan's command), then its evidence through the guard again."""
        self.now += timedelta(minutes=1)
        at = self.now
        journal = len(self.store.events(self.id))
        try:
            planned = prepare(self.state(), target, "r", at)
        except RefusedError as refusal:
            said = str(refusal)
            assert "nothing was run" in said
            assert len(self.store.events(self.id)) == journal
            note_event("run refused before running")
            return
        what = "verify" if target.dependency is None else "check"
        note_event(f"run recorded ({'pass' if passes else 'fail'}, {what})")
        ran = run(plan_of("true" if passes else "false")).model_copy(update={"command": planned.command})
        before = self.state()
        done = self.act(target.record(ran))
        assert done, f"{target}: a run was not recorded"
        if isinstance(done[0], RunNotApplied):  # kept as evidence only: nothing changed
            assert not passes, f"{target}: a pass the guard allowed before the run was refused after it"
            assert done[0].run.command == planned.command
            assert rows(self.state()) == rows(before)
            note_event("run kept, not applied")
            return
        if target.dependency is not None:
            check = self.state().check_rows[target.service, target.dependency]
            assert check.state == (PASSED if passes else FAILED), (target, check.state)
            assert check.observed is not None
            assert planned.command in check.observed
        else:
            assert self.state().tasks[target.service].verified == passes

    @rule(data=st.data(), passes=st.booleans(), likely=st.booleans())
    def run_check(self, data: st.DataObject, passes: bool, likely: bool) -> None:
        state = self.state()
        # half the time one whose pass the guard would take (its dependency restored, a command)
        runnable = sorted(
            key
            for key, c in state.check_rows.items()
            if c.command
            and state.tasks[c.dependency].state == RESTORED
            and state.tasks[key[0]].state != RESTORED
        )
        pair = data.draw(st.sampled_from(runnable)) if likely and runnable else self.pick_check(data)
        if pair:
            self.run_target(Target(pair[0], pair[1]), passes)

    @rule(data=st.data(), passes=st.booleans(), likely=st.booleans())
    def run_verify(self, data: st.DataObject, passes: bool, likely: bool) -> None:
        state = self.state()
        runnable = [s for s, t in state.tasks.items() if t.verify and t.state == "restoring"]
        service = data.draw(st.sampled_from(runnable if likely and runnable else self.services))
        self.run_target(Target(service), passes)

    @rule(data=st.data(), reason=st.sampled_from(["", "  ", "check hangs, flag set"]))
    def bypass(self, data: st.DataObject, reason: str) -> None:
        pair = self.pick_check(data)
        if pair:
            passed = self.state().check_rows[pair].state == PASSED
            done = self.act(actions.Bypass(pair[0], pair[1], reason, None))
            if done:
                assert reason.strip(), "a bypass without a reason was accepted"
                assert not passed, "a check that had passed was bypassed"

    @rule(data=st.data())
    def restored(self, data: st.DataObject) -> None:
        service = data.draw(st.sampled_from(self.services))
        self.act(actions.Restore(service))

    @rule(data=st.data())
    def fail(self, data: st.DataObject) -> None:
        service = data.draw(st.sampled_from(self.services))
        before = self.state()
        done = self.act(actions.Fail(service))
        if done:
            after = self.state()
            assert after.tasks[service].state == "down"
            for other, task in after.tasks.items():
                if before.tasks[other].state == RESTORED and task.state != RESTORED:
                    assert other == service or other in done[0].reopened  # type: ignore[union-attr]

    @rule(data=st.data())
    def escalate(self, data: st.DataObject) -> None:
        service = data.draw(st.sampled_from(self.services))
        self.act(actions.Escalate(service))

    @rule()
    def note(self) -> None:
        self.act(comms.AddNote("status call at :30"), "scribe")

    @rule(data=st.data())
    def remove_workaround(self, data: st.DataObject) -> None:
        ids = sorted(self.state().wa_rows)
        if ids:
            wid = data.draw(st.sampled_from(ids))
            self.act(actions.RemoveWorkaround(wid))

    @rule(data=st.data())
    def drive(self, data: st.DataObject) -> None:
        """What a responder does next for a service (so that sequences get somewhere)."""
        state = self.state()
        ready = [s for s in self.services if state.tasks[s].state != RESTORED and not state.blockers(s)]
        service = data.draw(st.sampled_from(ready or self.services))
        task = state.tasks[service]
        if task.state == "down":
            self.act(actions.Begin(service))
        elif task.state == "restoring":
            for dep in [c.dependency for c in state.checks(service) if c.state not in CONFIRMED]:
                self.act(actions.Check(service, dep, True, "ok"))
            if not task.verified:
                self.act(actions.Verify(service, "ok"))
            self.act(actions.Restore(service))

    @rule(accept=st.booleans(), accept_down=st.booleans(), now=st.integers(0, 5))
    def resolve(self, accept: bool, accept_down: bool, now: int) -> None:
        if now:  # resolving ends the sequence's interest: do it rarely
            return
        open_before = self.state().open_workarounds()
        down_before = [s for s, t in self.state().tasks.items() if t.state != "restored"]
        done = self.act(actions.Resolve(accept, accept_down), "ic")
        if done:
            assert accept or not open_before, "resolved with open workarounds and no acceptance"
            assert accept_down or not down_before, "resolved with services down and no acceptance"
            assert done[0].accepted_workarounds == [w.id for w in open_before]  # type: ignore[union-attr]
        elif self.state().row.state == "open":
            assert (open_before and not accept) or (down_before and not accept_down)

    @rule(data=st.data())
    def void(self, data: st.DataObject) -> None:
        """Any event declared a mistake: taken back, or refused (naming the later event that
        relies on it); either way the invariants below hold."""
        journal = self.store.events(self.id)
        seq = data.draw(st.integers(1, len(journal)))
        if self.act(corrections.void(journal, seq, "a mistake"), "ic") is not None:
            note_event(f"void of {journal[seq - 1].kind} recorded")

    @rule()
    def undo(self) -> None:
        try:
            void = corrections.undo(self.store.events(self.id), "r", self.now + timedelta(minutes=1))
        except UsageError:
            return
        self.act(void)

    @rule(minutes=st.integers(0, 90))
    def amend(self, minutes: int) -> None:
        self.act(corrections.Amend("typed the wrong time", detected=START - timedelta(minutes=minutes)), "ic")

    @rule(data=st.data(), hours=st.none() | st.integers(1, 48), text=st.none() | st.just("flag set by hand"))
    def amend_workaround(self, data: st.DataObject, hours: int | None, text: str | None) -> None:
        ids = sorted(self.state().wa_rows)
        if not ids:
            return
        wid = data.draw(st.sampled_from(ids))
        expires = None if hours is None else timedelta(hours=hours)
        try:
            self.act(corrections.AmendWorkaround(wid, "recorded wrong", expires, text))
        except UsageError:
            assert (hours, text) == (None, None), "a correction saying what to correct was refused"

    @rule()
    def reopen(self) -> None:
        try:
            void = corrections.reopen(self.store.events(self.id), "resolved too early")
        except UsageError:
            return
        if self.act(void, "ic") is not None:
            assert self.state().row.state == "open"

    @invariant()
    def every_invariant(self) -> None:
        """After each step, the rows and the journal, read once, checked each way below (each
        read ten times a step made this machine the suite's slowest test)."""
        if not self.id:
            return
        assert self.plan is not None
        state, journal = self.state(), self.store.events(self.id)
        folded = rebuild(self.plan, journal)
        self.no_row_says_what_no_guard_allows(state)
        self.nothing_restored_before_its_dependencies(state)
        self.every_bypass_has_a_reason_and_a_workaround_until_removed(state, journal)
        self.the_fold_of_the_journal_is_the_live_state(state, folded)
        self.the_stored_outline_is_the_outline_of_the_fold(folded)
        if self.every_row_each_step:
            self.the_start_s_record_and_the_changed_rows_are_every_row(state)

    def no_row_says_what_no_guard_allows(self, state: MemoryView) -> None:
        """Whatever was done and corrected: a verified task is begun, a restored one was begun,
        and a passed check's dependency is restored."""
        for service, task in state.tasks.items():
            if task.verified:
                assert task.state != DOWN, f"{service} verified while down"
            if task.state == RESTORED:
                assert task.begun is not None, f"{service} restored, never begun"
        for (service, dependency), check in state.check_rows.items():
            if check.state == PASSED:
                assert state.tasks[dependency].state == RESTORED, (service, dependency)

    def nothing_restored_before_its_dependencies(self, state: MemoryView) -> None:
        for service, task in state.tasks.items():
            if task.state == RESTORED:
                assert task.verified, f"{service} restored without its verify"
                for check in state.checks(service):
                    assert state.tasks[check.dependency].state == RESTORED, (service, check.dependency)
                    if check.state == PENDING:
                        # the one way back: after resolution, the workaround that vouched for the
                        # check is removed (without the check passing), and nothing vouches any more
                        assert state.incident().state == RESOLVED, (service, check.dependency)
                        assert any(
                            w.removed is not None and (w.service, w.dependency) == (service, check.dependency)
                            for w in state.wa_rows.values()
                        ), (service, check.dependency)
                    else:
                        assert check.state in CONFIRMED, (service, check.dependency, check.state)

    def every_bypass_has_a_reason_and_a_workaround_until_removed(
        self, state: MemoryView, events: list[Event]
    ) -> None:
        journal = effective(events)  # a voided removal or amendment does not count
        removed = {e.workaround for e in journal if isinstance(e, WorkaroundRemoved)}
        reasons = {
            e.workaround: e.reason_text for e in journal if isinstance(e, WorkaroundAmended) and e.reason_text
        }
        for event in journal:
            if isinstance(event, Bypassed):
                assert event.reason.strip()
                wa = state.wa_rows[event.workaround]
                assert wa.reason == reasons.get(event.workaround, event.reason)
                assert (wa.removed is None) == (event.workaround not in removed)
        for key, check in state.check_rows.items():
            if check.state == BYPASSED:
                assert any(
                    (w.service, w.dependency) == key and w.removed is None for w in state.wa_rows.values()
                ), f"{key} bypassed without an open workaround"

    def the_fold_of_the_journal_is_the_live_state(self, state: MemoryView, folded: MemoryView) -> None:
        assert rows(folded) == rows(state)

    def the_start_s_record_and_the_changed_rows_are_every_row(self, state: MemoryView) -> None:
        # a status reads the start's record of the fixed columns and the rows that changed
        # (tests/store/test_fixed_rows.py checks that it does); that is what reading every row
        # gives, in the same order, whatever was done and corrected
        every = every_row(self.store.db, self.id)
        assert every is not None
        assert rows(state) == rows(every)
        assert list(state.tasks) == list(every.tasks)
        assert list(state.wa_rows) == list(every.wa_rows)
        assert all(state.checks(s) == every.checks(s) for s in every.tasks)

    def the_stored_outline_is_the_outline_of_the_fold(self, rows_now: MemoryView) -> None:
        # updates read the store's compact outline; the screen makes one from its rows
        stored = self.store.outline(self.id)
        folded = outline_of(rows_now)
        assert stored == folded
        # the outline answers "what blocks it, is it ready" as the rows do (status and the screen
        # ask the rows, update drafts ask the outline)
        for service in rows_now.tasks:
            assert stored.blockers(service) == rows_now.blockers(service)
            assert stored.ready(service) == rows_now.ready(service)


IncidentMachine.TestCase.settings = settings(
    max_examples=examples(60),
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TestIncidentMachine = IncidentMachine.TestCase


class PostgresIncidentMachine(IncidentMachine):
    """The same machine with its store in a fresh PostgreSQL database."""

    every_row_each_step = False
    """A third read per step on a server, on the suite's longest file: the same SQL is checked
    on PostgreSQL by tests/store/test_fixed_rows.py."""

    def location(self) -> str:
        self.database = create_database()
        return self.database

    def teardown(self) -> None:
        super().teardown()
        drop_database(self.database)


PostgresIncidentMachine.TestCase.settings = settings(
    IncidentMachine.TestCase.settings,
    # the same rules and invariants as on SQLite (60 examples there): here each example costs a
    # fresh database and every step round trips, so fewer by default; ten times as many in "deep"
    max_examples=examples(20),
)
TestPostgresIncidentMachine = skip_without_server()(PostgresIncidentMachine.TestCase)
