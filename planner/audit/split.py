"""The audit of a large plan, split over two processes (POSIX fork, two CPUs).

A whole-plan audit of :data:`PARALLEL_FROM` services or more runs the engine and the rules that
read it (``Rule.planning``) in a forked worker, while this process runs the referential checks
(the plan was loaded with them deferred; cycles are left to the worker, whose restore order finds
them), the other rules, the checklist and coverage, and locates findings. A referential problem
stops the worker; a cycle found by it sends the audit back to one process. The report is the
same either way (``tests/audit/test_split.py`` checks that on random plans).

Everything the split needs is here: no other module defers checks or forks.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import threading
import traceback
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Generic, TypeVar, cast

from models.plan import Plan
from planner.audit.context import AuditContext
from planner.audit.findings import Finding, ReadinessAnswer, Severity
from planner.audit.readiness import coverage, plan_answers, rto_answer
from planner.audit.registry import RUN_RULES
from planner.audit.rule_runner import locate, located_findings, report_order, run_rules, whole
from planner.engine.planning import CyclicGraphError, plan_recovery
from planner.errors import YamlPath
from planner.planfile.loader import LoadedPlan, list_lengths
from planner.planfile.references import check_references

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

T = TypeVar("T")

PARALLEL_FROM = 10_000
"""Services from which a whole-plan audit runs the engine and its rules in a second process."""

Outcome = tuple[list[Finding], list[ReadinessAnswer], dict[str, tuple[int, int]]]
"""Findings (located, in report order), readiness answers and coverage."""


def worth_splitting(loaded: LoadedPlan, scenario: str | None) -> bool:
    """True for a whole-plan audit of a large plan with no known problem, where fork works."""
    return (
        scenario is None and not loaded.problems and len(loaded.plan.services) >= PARALLEL_FROM and can_fork()
    )


def split_audit(ctx: AuditContext, reviews: tuple[int, int] | None) -> Outcome:
    """The audit of ``ctx`` (whose plan's referential checks were deferred) over two processes."""
    loaded, plan = ctx.loaded, ctx.plan
    engine_side = Forked(partial(_engine_side, ctx))
    # beside the worker: the reference checks but cycles, which its engine run rules out
    if check_references(plan, cycles=False):
        engine_side.cancel()  # the engine needs a valid graph: its work is void
        loaded.ensure_checked()
        return whole(ctx, reviews)
    findings = located_findings(ctx, [r for r in RUN_RULES if not r.planning])
    answers = plan_answers(ctx, reviews)
    figures = coverage(ctx)
    # While the worker runs the engine: locate the key its RTO rules report at.
    loaded.source.locate(_rto_keys(plan), list_lengths(plan))
    try:
        result = engine_side.result()
    except WorkerLostError:  # killed (out of memory?): do its share here instead
        result = _engine_side(ctx)
    if result is None:  # a cycle: report it, without the engine's rules
        loaded.ensure_checked()
        return whole(ctx, reviews)
    loaded.problems, loaded.checked = [], True  # no reference problem, no cycle
    rows, rto = result
    answers.append(rto)
    findings.extend(locate(loaded, [Finding(*row) for row in rows]))
    findings.sort(key=report_order)
    return findings, answers, figures


_Row = tuple[str, Severity, str, str | None, str | None, str | None, str | None, YamlPath]


def _engine_side(ctx: AuditContext) -> tuple[list[_Row], ReadinessAnswer] | None:
    """The worker's share: the engine, the rules that read it (their findings as plain tuples,
    which pickle fast) and the readiness question it answers; None when the hard dependencies
    have a cycle."""
    try:
        ctx.planning = plan_recovery(ctx.plan)
    except CyclicGraphError:
        return None
    found = run_rules(ctx, [r for r in RUN_RULES if r.planning])
    rows = [(f.rule, f.severity, f.message, f.service, f.dependency, f.team, f.person, f.path) for f in found]
    return rows, rto_answer(ctx)


def _rto_keys(plan: Plan) -> list[YamlPath]:
    return [("services", i, "rto") for i, s in enumerate(plan.services) if s.rto is not None]


# --- the forked worker ---------------------------------------------------------------------


class WorkerLostError(RuntimeError):
    """A forked worker ended without sending its result (killed, out of memory)."""


class Forked(Generic[T]):
    """``work()`` run in a forked copy of this process while this one goes on.

    The copy shares everything already built (a loaded plan costs nothing to hand over) and
    sends back only its result, pickled. Fork is POSIX-only; see :func:`can_fork`.

    The copy never outlives this process, however it ends (a signal, SIGKILL included): it holds
    the read end of a pipe only this process writes to, and exits as soon as that pipe closes.
    """

    def __init__(self, work: Callable[[], T]) -> None:
        import multiprocessing  # only large audits fork: kept off every start-up (~15 ms)

        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        lifeline, self._lifeline = os.pipe()  # the kernel closes our end when we end, however
        self._process = context.Process(
            target=_send_result, args=(work, send, lifeline, self._lifeline), daemon=True
        )
        self._process.start()
        send.close()  # the parent's copy: EOF reaches us if the child dies before sending
        os.close(lifeline)

    def cancel(self) -> None:
        """Stop the worker: its result is no longer wanted."""
        self._process.terminate()
        self._process.join()
        self._receive.close()
        self._let_go()

    def _let_go(self) -> None:
        """Close our end of the lifeline (the worker has ended, or ends now)."""
        if self._lifeline >= 0:
            os.close(self._lifeline)
            self._lifeline = -1

    def result(self) -> T:
        """Wait for the worker's result. An exception in the worker is raised again here, of the
        same type, with the worker's traceback as a note (or as a ``RuntimeError`` carrying that
        traceback when the exception cannot be pickled).

        Raises
        ------
        WorkerLostError
            When the worker died without a result.
        """
        try:
            ok, value = self._receive.recv()
        except EOFError:
            self._process.join()
            self._let_go()
            raise WorkerLostError(f"a worker process ended with code {self._process.exitcode}") from None
        finally:
            self._receive.close()
        self._process.join()
        self._let_go()
        if not ok:
            error, trace = cast("tuple[BaseException, str]", value)
            error.add_note(f"in a worker process:\n{trace}")
            raise error
        return cast("T", value)


def can_fork() -> bool:
    """True where :class:`Forked` works and is worth it: POSIX fork and a second CPU."""
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1


def _send_result(work: Callable[[], object], send: Connection, lifeline: int, parents_end: int) -> None:
    os.close(parents_end)  # our copy of it: only the parent may keep the lifeline open
    threading.Thread(target=_exit_with_parent, args=(lifeline,), daemon=True).start()
    try:
        result: tuple[bool, object] = (True, work())
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent, which raises it
        trace = traceback.format_exc()
        try:
            pickle.dumps(exc)
        except Exception:  # noqa: BLE001 - an exception that cannot travel: send its text instead
            exc = RuntimeError(f"{type(exc).__name__}: {exc}")
        result = (False, (exc, trace))
    send.send(result)
    send.close()


def _exit_with_parent(lifeline: int) -> None:
    """In the worker: wait until the parent's end of ``lifeline`` closes (the parent ended, by a
    signal or otherwise; nothing is ever written to it), then end this process at once."""
    with contextlib.suppress(OSError):
        while os.read(lifeline, 1):
            pass
    os._exit(1)
