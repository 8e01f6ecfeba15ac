"""A forked worker, for the audit of a large plan (see :func:`planner.audit.run_audit`)."""

from __future__ import annotations

import os
import pickle
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar, cast

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

T = TypeVar("T")


class WorkerLostError(RuntimeError):
    """A forked worker ended without sending its result (killed, out of memory)."""


class Forked(Generic[T]):
    """``work()`` run in a forked copy of this process while this one goes on.

    The copy shares everything already built (a loaded plan costs nothing to hand over) and
    sends back only its result, pickled. Fork is POSIX-only; see :func:`can_fork`.
    """

    def __init__(self, work: Callable[[], T]) -> None:
        import multiprocessing  # only large audits fork: kept off every start-up

        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_send_result, args=(work, send), daemon=True)
        self._process.start()
        send.close()  # the parent's copy: EOF reaches us if the child dies before sending

    def cancel(self) -> None:
        """Stop the worker: its result is no longer wanted."""
        self._process.terminate()
        self._process.join()
        self._receive.close()

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
            raise WorkerLostError(f"a worker process ended with code {self._process.exitcode}") from None
        finally:
            self._receive.close()
        self._process.join()
        if not ok:
            error, trace = cast("tuple[BaseException, str]", value)
            error.add_note(f"in a worker process:\n{trace}")
            raise error
        return cast("T", value)


def can_fork() -> bool:
    """True where :class:`Forked` works and is worth it: POSIX fork and a second CPU."""
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1


def _send_result(work: Callable[[], object], send: Connection) -> None:
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
