"""``planner impact``, ``order`` and ``schedule``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from planner.cli.app import FAILED, FORMAT, PLAN, SCENARIO, cli, emit_json, styler

if TYPE_CHECKING:
    from planner.engine.planning import Ordering, Planning


def _planning(plan: str, scenario: str | None, failed: tuple[str, ...]) -> Planning:
    from planner.engine.planning import plan_recovery
    from planner.planfile.loader import load_valid_plan

    return plan_recovery(load_valid_plan(plan), scenario, list(failed) or None)


def _ordering(plan: str, scenario: str | None, failed: tuple[str, ...]) -> Ordering:
    from planner.engine.planning import plan_order
    from planner.planfile.loader import load_valid_plan

    return plan_order(load_valid_plan(plan), scenario, list(failed) or None)


@cli.command()
@PLAN
@click.argument("services", nargs=-1, required=True)
@FORMAT
def impact(plan: str, services: tuple[str, ...], fmt: str) -> int:
    """What failing SERVICES takes down: impacted, degraded and critical services, and the chain
    of hard dependencies by which each is reached.

    \b
    Example:
      planner impact examples/enterprise.yaml storage-cluster
    """
    from planner.cli.render import impact_json, render_impact

    result = _ordering(plan, None, services)
    if fmt == "json":
        emit_json(impact_json(result))
    else:
        click.echo(render_impact(result, styler()))
    return 0


@cli.command()
@PLAN
@SCENARIO
@FAILED
@FORMAT
def order(plan: str, scenario: str | None, failed: tuple[str, ...], fmt: str) -> int:
    """Restore waves: what to restore first.

    Wave 1 has no down hard dependency; each later wave waits on the one before. Within a wave:
    most critical first, then tightest RTO, then id.
    """
    from planner.cli.render import order_json, render_order

    result = _ordering(plan, scenario, failed)
    if fmt == "json":
        emit_json(order_json(result))
    else:
        click.echo(render_order(result, styler()), nl=False)
    return 0


@cli.command(name="schedule")
@PLAN
@SCENARIO
@FAILED
@FORMAT
def schedule_cmd(plan: str, scenario: str | None, failed: tuple[str, ...], fmt: str) -> int:
    """Capacity-aware timeline: start and finish of every task, RTO met or missed, the critical
    path, and for each miss the cheapest lever (shorten a task, raise a team's capacity).

    Teams run as many tasks at once as their `capacity`; services without an owner share one
    slot. Times are from incident start. Exit 0 even when RTOs are missed (audit gates on that).
    """
    from planner.cli.render import render_schedule, schedule_json

    result = _planning(plan, scenario, failed)
    if fmt == "json":
        emit_json(schedule_json(result))
    else:
        click.echo(render_schedule(result, styler()), nl=False)
    return 0
