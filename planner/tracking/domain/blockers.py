"""Why a task cannot be declared restored, in words: the restore guard's reasons, which a
correction that takes an event back re-checks too."""

from __future__ import annotations

from planner.tracking.domain.state import CONFIRMED, DOWN, FAILED, RESTORED, TaskRow, View


def restore_blockers(view: View, task: TaskRow) -> list[str]:
    """Why ``task`` cannot be declared restored now (empty when it can), in words."""
    why: list[str] = []
    if task.state == DOWN:
        why.append("restoring it has not begun")
    for check in view.checks(task.service):
        parts = []
        dep = view.task(check.dependency)
        if dep is not None and dep.state != RESTORED:
            parts.append(f"waiting on {check.dependency} ({dep.state})")
        if check.state not in CONFIRMED:
            what = (
                f"check '{check.command}'" if check.command else f"check of {check.dependency} (no command)"
            )
            parts.append(f"{what} {'failed' if check.state == FAILED else 'not passed'}")
        if parts:
            why.append(", ".join(parts))
    if not task.verified:
        what = f"'{task.verify}'" if task.verify else "(no verify command in the plan)"
        why.append(f"own verify {what} not confirmed")
    return why
