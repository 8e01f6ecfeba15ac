"""Each journal event in words, for the journal pane, status, the report and the CLI's answers
(kept apart from the planning code: every `planner incident` action prints one)."""

from __future__ import annotations

from models import events as ev
from models.events import Event
from models.exercise import Injection
from planner.style import possessive, visible


def describe(event: Event) -> str:
    """An event in words (without who and when), on one line: what people typed into the
    journal (notes, reasons, what they observed) has its control characters written out, so a
    newline in a note cannot forge a journal line and an escape sequence cannot reach a
    terminal."""
    return visible(_words(event))


def ran(run: ev.RunEvidence | None) -> str:
    """`` by `cmd`: exit 0 in 0.3 s`` (and the last line of output when it failed), or nothing."""
    if run is None:
        return ""
    said = f" by `{run.command}`: {run.summary()}"
    last = run.last_line()
    if not run.passed and last:
        said += f" ({last[:120]})"
    return said


def evidence(run: ev.RunEvidence | None, observed: str | None) -> str | None:
    """What showed a check's result, for the check's row: the run, else what someone saw."""
    if run is not None:
        return ran(run).strip().removeprefix("by ")
    return observed


def _run_or_amend_words(event: ev.RunNotApplied | ev.WorkaroundAmended) -> str:
    if isinstance(event, ev.RunNotApplied):
        what = f"the check of {event.dependency} for {event.service}" if event.dependency else None
        what = what or f"{possessive(event.service)} own verify"
        return f"ran {what}{ran(event.run)}; not applied: {event.refused}"
    fixed = [f"expires {event.expires:%Y-%m-%d %H:%M}" if event.expires else ""]
    fixed.append(f"reason '{event.reason_text}'" if event.reason_text else "")
    said = ", ".join(f for f in fixed if f)
    return f"corrected workaround {event.workaround}: {said} ({event.reason})"


def _delivery_words(event: ev.DeliveryEvent) -> str:
    if isinstance(event, ev.DeliveryFailed):
        then = f"retrying at {event.retry_at:%H:%M:%S}" if event.retry_at else "gave up"
        return f"update #{event.update} NOT delivered to {event.label}: {event.reason}; {then}"
    if isinstance(event, ev.Delivered):
        return f"update #{event.update} delivered to {event.label}" + (
            f" ({event.detail})" if event.detail else ""
        )
    return f"sending update #{event.update} to {event.label} (attempt {event.attempt})"


def injection_words(injection: Injection) -> tuple[str, str]:
    """What an exercise's injection says happens, and what it asks the team to do."""
    i = injection
    match i.what:
        case "check_fails":
            what = f"the check of {i.dependency} for {i.service} fails"
            return what, f"check {i.service} {i.dependency} --fail"
        case "no_answer":
            return f"{i.person} does not answer", f"escalate {i.service}"
        case "fails_again":
            return f"{i.service} fails again", f"fail {i.service}"
    return f"the {i.audience} update is due", f"update --audience {i.audience}"


def _exercise_words(event: ev.ExercisePlanned | ev.InjectionFired) -> str:
    if isinstance(event, ev.ExercisePlanned):
        return f"exercise timeline of {len(event.injections)} injection(s) {event.source}".rstrip()
    what, asks = injection_words(event.injection)
    says = f" ({event.injection.says})" if event.injection.says else ""
    return f"INJECTED {event.injection.id}: {what}{says}; asks: {asks}"


def _words(event: Event) -> str:  # long: one case per kind of event
    if isinstance(event, ev.RunNotApplied | ev.WorkaroundAmended):
        return _run_or_amend_words(event)
    if isinstance(event, ev.DeliveryEvent):
        return _delivery_words(event)
    if isinstance(event, ev.ExercisePlanned | ev.InjectionFired):
        return _exercise_words(event)
    match event:
        case ev.IncidentStarted():
            kind = "exercise" if event.exercise else "incident"
            failed = ", ".join(event.failed[:5]) + (
                f" and {len(event.failed) - 5} more" if len(event.failed) > 5 else ""
            )
            return f"declared {kind} '{event.title}' (scenario {event.scenario}; failed: {failed})"
        case ev.TaskBegun():
            return f"began restoring {event.service}"
        case ev.CheckPassed():
            seen = f" ({event.observed})" if event.observed else ""
            return f"check of {event.dependency} for {event.service} passed{seen}{ran(event.run)}"
        case ev.CheckFailed():
            seen = f" ({event.observed})" if event.observed else ""
            return f"check of {event.dependency} for {event.service} FAILED{seen}{ran(event.run)}"
        case ev.Verified():
            seen = f" ({event.observed})" if event.observed else ""
            return f"confirmed {possessive(event.service)} own verify{seen}{ran(event.run)}"
        case ev.VerifyFailed():
            return f"{possessive(event.service)} own verify FAILED{ran(event.run)}"
        case ev.Restored():
            return f"{event.service} restored"
        case ev.Bypassed():
            until = f", expires {event.expires:%Y-%m-%d %H:%M}" if event.expires else ""
            return (
                f"BYPASSED the check of {event.dependency} for {event.service}: {event.reason} "
                f"(workaround {event.workaround}, owner {event.owner or 'none'}{until})"
            )
        case ev.FailedAgain():
            also = f"; reopened {', '.join(event.reopened)}" if event.reopened else ""
            return f"{event.service} FAILED AGAIN{also}"
        case ev.Escalated():
            return f"escalated {event.service} to {event.person}"
        case ev.Note():
            return event.text
        case ev.StakeholderUpdate():
            to = f"logged, to be delivered to {', '.join(event.send_to)}" if event.send_to else "sent"
            return f"{event.audience} update {to}"

        case ev.RoleAssigned():
            return f"{event.person} is now {event.role}"
        case ev.WorkaroundRemoved():
            return f"removed workaround {event.workaround}"
        case ev.ReviewHeld():
            return "post-incident review held" + (f": {event.summary}" if event.summary else "")
        case ev.Amended():
            fixed = [f"detected at {event.detected:%Y-%m-%d %H:%M}" if event.detected else ""]
            fixed.append(f"title '{event.title}'" if event.title else "")
            return f"corrected the start: {', '.join(f for f in fixed if f)} ({event.reason})"
        case ev.Voided():
            return f"VOIDED #{event.target} ({event.what}): {event.reason}"
        case ev.Resolved():
            items = event.accepted_workarounds
            return "resolved the incident" + (
                f"; open workarounds kept as action items: {', '.join(items)}" if items else ""
            )
    return event.kind  # pragma: no cover - every kind is matched above
