"""``planner forecast`` and ``planner tune`` (docs/guide/forecast.md).

Commands import their own modules inside the function (see :mod:`planner.cli`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from planner.cli.options import FAILED, FORMAT, PLAN, SCENARIO
from planner.cli.streams import emit_json, say, styler
from planner.errors import UsageError

if TYPE_CHECKING:
    from planner.forecast.evidence import Measurement

SAMPLES = click.option(
    "--samples",
    type=click.IntRange(1, 1_000_000),
    default=2000,
    show_default=True,
    help="sampled schedules (the Monte Carlo error of a probability is about 0.5/sqrt(N))",
)
SEED = click.option(
    "--seed",
    type=click.IntRange(0, 2**63 - 1),
    default=0,
    show_default=True,
    help="the same seed, the same output",
)
HISTORY_STORE = click.option(
    "--store",
    "store_path",
    metavar="DB",
    help="learn from the restores measured in this incident store (its incidents and exercises of this plan)",
)


def measurements_of(store_path: str | None, plan_name: str) -> list[Measurement]:
    """The restores the store measured for the plan named ``plan_name`` (none without a store)."""
    if store_path is None:
        return []
    from planner.cli.incident_options import warned
    from planner.tracking.history import plan_measurements
    from planner.tracking.persistence.db import locate
    from planner.tracking.persistence.store import Store

    with Store(locate(store_path), create=False, warn=warned) as store:  # a mistyped --store is an error
        return plan_measurements(store, plan_name)


@click.command()
@PLAN
@SCENARIO
@FAILED
@HISTORY_STORE
@SAMPLES
@SEED
@FORMAT
def forecast(  # noqa: PLR0917 - click passes every option positionally by name
    plan: str,
    scenario: str | None,
    failed: tuple[str, ...],
    store_path: str | None,
    samples: int,
    seed: int,
    fmt: str,
) -> int:
    """The probability of meeting each RTO when restore times vary.

    Each task's duration is sampled around its estimate (spread: policy.forecast_spread), moved
    towards the restores measured in --store's incidents (exercises weigh half), and the
    capacity-aware schedule is run for every sample. Shows per service the chance its RTO is
    met and its P50/P90 finish, the chance every critical RTO is met, and the tasks most often
    on the critical path. Exit 0 whatever the odds (audit's rto-unlikely gates on them).

    \b
    Examples:
      planner forecast examples/enterprise.yaml --scenario storage-outage
      planner forecast plan.yaml --scenario storage-outage --store incidents.db --format json
    """
    from planner.cli.forecast_output import forecast_json, render_forecast
    from planner.engine.planning import plan_recovery
    from planner.forecast.evidence import pool, weighted
    from planner.forecast.scenario import run, setup_of
    from planner.planfile.loader import load_valid_plan

    valid = load_valid_plan(plan)
    planning = plan_recovery(valid, scenario, list(failed) or None)
    measurements = measurements_of(store_path, valid.name)
    policy = valid.policy
    setup = setup_of(planning, policy.forecast_spread, weighted(pool(measurements)))
    result = run(setup, samples, seed)
    if fmt == "json":
        emit_json(forecast_json(planning, result, measurements))
    else:
        say(render_forecast(planning, result, measurements, policy.forecast_threshold, styler()), nl=False)
    return 0


@click.command()
@PLAN
@click.option("--store", "store_path", metavar="DB", required=True, help="the incident store to learn from")
@click.option(
    "--write", is_flag=True, help="write the tuned estimates into PLAN (comments kept) and show the diff"
)
def tune(plan: str, store_path: str, write: bool) -> int:
    """Each restore estimate against what the store measured (count, median, spread).

    With --write, an estimate is changed only where at least 3 real incidents measured it (exercises
    are shown but never change an estimate alone), to the median of those incidents in whole
    minutes, when it differs from the estimate by more than 10%. The plan keeps its comments and
    layout; the change is shown as a diff.
    """
    from pathlib import Path

    from planner.cli.forecast_output import render_tune
    from planner.forecast.evidence import pool
    from planner.forecast.tune import apply_rows, tune_rows
    from planner.planfile.loader import load_valid_plan

    if write and plan == "-":
        raise UsageError("--write needs a plan file, not standard input")
    valid = load_valid_plan(plan)
    rows = tune_rows(valid, pool(measurements_of(store_path, valid.name)))
    style = styler()
    say(render_tune(rows, style), nl=False)
    changes = [r for r in rows if r.proposed is not None]
    if not write:
        if changes:
            say(f"{len(changes)} estimate(s) to change: run again with --write", err=True)
        return 0
    if not changes:
        say("nothing to write: no estimate has enough evidence to change", err=True)
        return 0
    from planner.cli.outfiles import write_file
    from planner.planfile.writeback import edit_plan, unified_diff

    before, after = edit_plan(Path(plan), apply_rows(rows))
    say(unified_diff(before, after, plan), nl=False, fit=False)
    write_file(plan, after.encode("utf-8"), force=True)
    say(f"wrote {len(changes)} estimate(s) to {plan}", err=True)
    return 0
