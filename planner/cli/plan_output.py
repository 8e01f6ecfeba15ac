"""Text and JSON renderings of impact, restore order and schedule: pure functions returning data.

Text is for a tired person at 2 a.m.: numbered waves, one line per service, misses flagged in
words (not only colour). ``style`` adds colour where the caller knows the terminal has it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from models.duration import fmt_clock, fmt_duration
from models.duration import json_minutes as minutes
from planner.style import Style, plain

if TYPE_CHECKING:  # the tracking commands use the styles without the planning modules
    from collections.abc import Iterator, Mapping

    from planner.engine.impact import Impact
    from planner.engine.planning import Ordering, Planning
    from planner.engine.rto import RtoMiss

# --- impact ------------------------------------------------------------------------------


JSON_PATH_LIMIT = 32
"""``impact --format json``: a chain longer than this is given as its last 32 services (the
chains of a deep graph together grow with the square of its depth: 440 MB for a chain of 10,000
services); ``parent`` has the whole of every chain, one link per service."""
TEXT_PATH_LIMIT = 8
"""``impact`` text: a chain longer than this shows its failed service, how many are between,
and the last five."""


def impact_json(p: Ordering) -> dict[str, Any]:
    """``planner impact --format json``; ``paths`` are bounded (see :data:`JSON_PATH_LIMIT`)."""
    impact = p.impact
    return {
        "failed": list(impact.selection.failed),
        "impacted": list(impact.impacted),
        "degraded": list(impact.degraded),
        "critical": list(impact.critical),
        "paths": {s: list(impact.path(s, last=JSON_PATH_LIMIT)) for s in impact.impacted},
        "path_limit": JSON_PATH_LIMIT,
        "paths_cut": sum(1 for s in impact.impacted if impact.length(s) > JSON_PATH_LIMIT),
        "parent": {s: impact.parent[s] for s in impact.impacted},
    }


def _chain(impact: Impact, service: str) -> str:
    """The chain to ``service`` as text, its middle left out past :data:`TEXT_PATH_LIMIT`."""
    length = impact.length(service)
    if length <= TEXT_PATH_LIMIT:
        return " -> ".join(impact.path(service))
    tail = impact.path(service, last=5)
    return f"{impact.source(service)} -> … {length - 6:,} more … -> {' -> '.join(tail)}"


def render_impact(p: Ordering, style: Style = plain) -> str:
    """What failing the selected services takes down, and why."""
    g, impact = p.graph, p.impact
    failed = ", ".join(impact.selection.failed)
    down = len(impact.impacted)
    lines = [
        style(f"Impact of failing {failed}", "bold"),
        f"  {down} service{'s' if down != 1 else ''} down ({len(impact.critical)} critical), "
        f"{len(impact.degraded)} degraded",
        "",
        "Down, most critical first (chain of hard dependencies from the failure):",
    ]
    width = max((len(s) for s in impact.impacted), default=10)
    for s in sorted(impact.impacted, key=lambda s: (g.rank[s], s)):
        svc = g.services[s]
        crit = svc.criticality.value
        lines.append(
            f"  {style(f'{crit:<8}', 'error' if crit == 'critical' else 'warning')}  {s:<{width}}  "
            f"{svc.owner or 'NO OWNER':<14}  {_chain(impact, s)}"
        )
    if impact.degraded:
        lines += ["", "Degraded (running without a soft dependency that is down):"]
        down_set = set(impact.impacted)
        for s in impact.degraded:
            via = sorted(
                d.service for d in g.services[s].depends_on if d.kind == "soft" and d.service in down_set
            )
            lines.append(f"  {s:<{width}}  needs {', '.join(via)}")
    return "\n".join(lines)


# --- order -------------------------------------------------------------------------------


def order_json(p: Ordering) -> dict[str, Any]:
    """``planner order --format json`` (docs/design/commands.md#order-json)."""
    sel = p.selection
    return {
        "scenario": sel.id,
        "name": sel.name,
        "failed": list(sel.failed),
        "impacted": list(p.impact.impacted),
        "degraded": list(p.impact.degraded),
        "waves": p.waves,
    }


def _header(p: Ordering) -> str:
    sel = p.selection
    title = sel.name if sel.id in ("custom", "full-outage") else f"{sel.name} ({sel.id})"
    return (
        f"{title}: {len(sel.failed)} failed, {len(p.impact.impacted)} to restore, "
        f"{len(p.impact.degraded)} degraded"
    )


def render_order(p: Ordering, style: Style = plain) -> str:
    """Restore waves as numbered groups with owner and RTO per service."""
    g = p.graph
    failed = set(p.selection.failed)
    lines = [style("Restore order — " + _header(p), "bold"), ""]
    width = max((len(s) for s in p.impact.impacted), default=10)
    for number, wave in enumerate(p.waves, start=1):
        lines.append(
            style(f"Wave {number}", "bold") + f"  ({len(wave)} service{'s' if len(wave) != 1 else ''})"
        )
        for s in wave:
            svc = g.services[s]
            owner = svc.owner or style("NO OWNER", "error")
            note = "failed" if s in failed else "restart after dependencies"
            lines.append(
                f"  {s:<{width}}  {svc.criticality.value:<8}  owner {owner:<14}  "
                f"RTO {fmt_duration(g.rto[s]):<7}  {style(note, 'dim')}"
            )
        lines.append("")
    if p.impact.degraded:
        lines.append(
            "Degraded, not restored (they run without a soft dependency): " + ", ".join(p.impact.degraded)
        )
    return "\n".join(lines).rstrip() + "\n"


# --- schedule ----------------------------------------------------------------------------


def schedule_json(p: Planning) -> dict[str, Any]:
    """``planner schedule --format json`` (docs/design/commands.md#schedule-json), times in
    minutes from incident start; :func:`schedule_json_bytes` writes the same document as it
    makes it.

    Each task is read from the schedule's columns (no :class:`~planner.engine.schedule.Task`
    built per task) and every time converted once (:class:`_Minutes`): at 100,000 tasks this
    took 1.4 s of CPU, as much as the schedule itself."""
    misses = p.rto.all
    m = _Minutes()
    document = _schedule_document(p, misses)
    document["tasks"] = [task for part in _task_parts(p, m) for task in part]
    document["rto_misses"] = [miss for part in _miss_parts(p, misses, m) for miss in part]
    return document


PART = 4000
"""Tasks (or misses) made into dicts and written at a time by :func:`schedule_json_bytes`."""


def schedule_json_bytes(p: Planning) -> Iterator[bytes]:
    """:func:`schedule_json` as JSON bytes (two-space indents, a final newline: what
    ``emit_json`` writes of it, byte for byte), its tasks and misses made and written
    :data:`PART` at a time: at 1,000,000 tasks the whole document was 1.5 GB of dicts and its
    text another 0.5 GB, built before a byte was written."""
    import secrets  # here: the tracking commands import this module for its styles

    import orjson

    options = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS  # as emit_json writes a document
    misses = p.rto.all
    m = _Minutes()
    document = _schedule_document(p, misses)
    marker = f"streamed-{secrets.token_hex(16)}"  # no plan's text can guess it
    fills: dict[str, Iterator[list[dict[str, Any]]]] = {}
    if p.schedule.start:  # an empty list stays in the document as it is: []
        document["tasks"] = [f"{marker}-tasks"]
        fills[f"{marker}-tasks"] = _task_parts(p, m)
    if misses:
        document["rto_misses"] = [f"{marker}-misses"]
        fills[f"{marker}-misses"] = _miss_parts(p, misses, m)
    whole = orjson.dumps(document, option=options | orjson.OPT_APPEND_NEWLINE)
    done = 0
    for name, parts in fills.items():
        at = whole.index(orjson.dumps(name))
        line = whole.rindex(b"\n", 0, at) + 1
        deeper = whole[line + 2 : at]  # a part's items are dumped two spaces in
        yield whole[done:line]
        for number, part in enumerate(parts):
            body = orjson.dumps(part, option=options)[2:-2]  # "[\n" ... "\n]"
            yield (b",\n" if number else b"") + deeper + body.replace(b"\n", b"\n" + deeper)
        done = whole.index(b"\n", at)
    yield whole[done:]


def _schedule_document(p: Planning, misses: list[RtoMiss]) -> dict[str, Any]:
    """The schedule's document with its tasks and misses left empty."""
    sched = p.schedule
    return {
        "scenario": p.selection.id,
        "makespan": minutes(sched.makespan),
        "lower_bound": minutes(round(sched.lower_bound())),
        "critical_path": sched.critical_path,
        "tasks": [],
        "rto_misses": [],
        "rto_chain_links": p.rto.links(misses),
    }


def _task_parts(p: Planning, m: _Minutes) -> Iterator[list[dict[str, Any]]]:
    """Every task's JSON, by start then id, :data:`PART` at a time."""
    sched = p.schedule
    problem = sched.problem
    team, wave, duration = problem.team, problem.wave, problem.duration
    start, finish, earliest, rto_of = sched.start, sched.finish, sched.earliest, sched.rto
    order = sched.by_start()
    for first in range(0, len(order), PART):
        part = []
        for s in order[first : first + PART]:
            end, rto = finish[s], rto_of[s]
            ef = earliest[s]
            part.append(
                {
                    "service": s,
                    "team": team[s],
                    "wave": wave.get(s, 0),
                    "duration": m[duration[s]],
                    "start": m[start[s]],
                    "finish": m[end],
                    "rto": m[rto],
                    "meets_rto": None if rto is None else end <= rto,
                    "slack": None if rto is None else m[rto - end],
                    "earliest_finish": m[ef],
                    "rto_achievable": None if rto is None else ef <= rto,
                }
            )
        yield part


def _miss_parts(p: Planning, misses: list[RtoMiss], m: _Minutes) -> Iterator[list[dict[str, Any]]]:
    """Every miss's JSON, worst first, :data:`PART` at a time."""
    for first in range(0, len(misses), PART):
        part = misses[first : first + PART]
        chains = p.rto.starts_and_lengths(part)
        yield [_miss_json(miss, chain, m) for miss, chain in zip(part, chains, strict=True)]


class _Minutes(dict[int | None, float | int | None]):
    """:func:`~models.duration.json_minutes` of each number of seconds, worked out once: a
    schedule's times are a few thousand distinct values among a million."""

    def __missing__(self, seconds: int | None) -> float | int | None:
        value = self[seconds] = minutes(seconds)
        return value


def _miss_json(miss: RtoMiss, chain: tuple[str, int], m: _Minutes) -> dict[str, Any]:
    start, length = chain
    return {
        "service": miss.service,
        "rto": m[miss.rto],
        "finish": m[miss.finish],
        "late_by": m[miss.finish - miss.rto],
        "earliest_finish": m[miss.earliest_finish],
        "unachievable": miss.unachievable,
        # the chain itself is in rto_chain_links (follow it back from the service): a list per
        # miss would grow with the square of a chain's length
        "chain_start": start,
        "chain_length": length,
        "levers": [
            {
                "kind": lv.kind,
                "target": lv.target,
                "amount": lv.amount if lv.kind == "capacity" else m[lv.amount],
                "verified": lv.verified,
                "text": lv.describe(),
            }
            for lv in miss.levers
        ],
    }


BAR_WIDTH = 32


def _bar(start: int, finish: int, makespan: int, bar_width: int = BAR_WIDTH) -> str:
    if makespan <= 0:
        return ""
    scale = bar_width / makespan
    left = int(start * scale)
    length = max(1, round(finish * scale) - left) if finish > start else 0
    return " " * left + ("█" * length if length else "▏")


def render_schedule(
    p: Planning,
    style: Style = plain,
    line_width: int | None = None,
    chances: Mapping[str, str] | None = None,
) -> str:
    """The schedule as a table with a time bar per task (narrower to fit ``width``), then RTO
    misses with their levers; ``chances`` (``schedule --forecast``) adds each task's chance of
    meeting its RTO as a column after the slack."""
    sched = p.schedule
    tasks = sched.tasks()
    lines = [
        style("Schedule — " + _header(p), "bold"),
        f"Makespan {fmt_duration(sched.makespan)} (no schedule can beat "
        f"{fmt_duration(sched.lower_bound())}); critical path: {' -> '.join(sched.critical_path) or '-'}",
        "",
    ]
    width = max([len(t.service) for t in tasks] + [7])
    team_w = max([len(t.team) for t in tasks] + [4])
    fixed = 2 + width + 2 + team_w + 2 + 5 + 2 + 6 + 2 + 7 + 2 + 7 + 2 + (8 if chances else 0)
    odds = "P(RTO)  " if chances else ""
    bars = BAR_WIDTH if line_width is None else max(12, min(BAR_WIDTH, line_width - fixed))
    lines.append(
        f"  {'service':<{width}}  {'team':<{team_w}}  start  finish  RTO      slack    {odds}"
        f"0{' ' * (bars - 1 - len(fmt_duration(sched.makespan)))}{fmt_duration(sched.makespan)}"
    )
    for t in tasks:
        if t.slack is None:
            slack = style("no RTO", "dim")
        elif t.slack >= 0:
            slack = f"+{fmt_duration(t.slack)}"
        else:
            slack = style(f"LATE {fmt_duration(-t.slack)}", "error")
        bar = _bar(t.start, t.finish, sched.makespan, bars)
        cell = f"{chances.get(t.service, '-'):>6}  " if chances else ""
        if t.slack is not None and t.slack < 0:
            bar = style(bar, "error")
        lines.append(
            f"  {t.service:<{width}}  {t.team:<{team_w}}  {fmt_clock(t.start):>5}  "
            f"{fmt_clock(t.finish):>6}  {fmt_duration(t.rto):<7}  {slack:<7}  {cell}{bar}"
        )
    return "\n".join([*lines, "", *_miss_lines(p, style)]) + "\n"


def _miss_lines(p: Planning, style: Style) -> list[str]:
    """Every RTO miss of the schedule, with its chain and levers."""
    misses = p.rto.all
    if not misses:
        return [style("Every RTO is met.", "success")]
    lines = []
    lines.append(
        style(
            f"RTO misses: {len(misses)} ({len(p.rto.unachievable)} unachievable even with "
            f"unlimited staff, {len(p.rto.missed)} from team capacity)",
            "error",
        )
    )
    for miss in misses:
        kind = "UNACHIEVABLE" if miss.unachievable else "missed"
        lines.append(
            f"  {style('✗', 'error')} {miss.service}: RTO {fmt_duration(miss.rto)}, restored at "
            f"{fmt_duration(miss.finish)} ({fmt_duration(miss.late_by)} late) — {kind}"
        )
        chain = p.rto.chain(miss) if miss.levers else ()
        if chain:
            total = fmt_duration(miss.earliest_finish) if miss.unachievable else fmt_duration(miss.finish)
            lines.append(f"      chain: {' -> '.join(chain)} = {total}")
        lines.extend(f"      fix: {lever.describe()}" for lever in miss.levers)
    return lines
