"""The forecast's model and sampling (docs/design/forecast.md): what its acceptance asks."""

from __future__ import annotations

import math
import statistics
from dataclasses import replace
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.plan import Plan
from planner.engine.planning import plan_recovery
from planner.engine.schedule import Problem
from planner.forecast.model import PRIOR_WEIGHT, belief, sample_durations
from planner.forecast.scenario import run, setup_of
from planner.forecast.simulate import Compiled, finish_times, unlimited_finish
from planner.planfile.loader import load_valid_plan
from tests.strategies import dag_plans, examples

ENTERPRISE = Path(__file__).resolve().parents[2] / "examples" / "enterprise.yaml"

SETTINGS = settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(dag_plans(max_services=40))
def test_zero_spread_is_the_deterministic_schedule(case: tuple[Plan, list[str] | None]) -> None:
    plan, failed = case
    planning = plan_recovery(plan, failed=failed)
    result = run(setup_of(planning, spread=0.0), samples=3, seed=1)
    sched = planning.schedule
    assert len(result.services) == len(sched.finish)
    for f in result.services:
        assert f.p50 == f.p90 == f.planned == sched.finish[f.service]
        if f.rto is None:
            assert f.p_meet is None
        else:
            assert f.p_meet == (1.0 if sched.finish[f.service] <= f.rto else 0.0)
    critical = [f for f in result.services if f.critical and f.rto is not None]
    if critical:
        assert result.all_critical == (1.0 if all(f.planned <= (f.rto or 0) for f in critical) else 0.0)


def _chain(n: int) -> Problem:
    order = [f"s{i}" for i in range(n)]
    return Problem(
        order=order,
        deps={s: ([order[i - 1]] if i else []) for i, s in enumerate(order)},
        dependents={s: ([order[i + 1]] if i + 1 < n else []) for i, s in enumerate(order)},
        duration=dict.fromkeys(order, 600),
        team=dict.fromkeys(order, "t"),
        capacity={"t": n},
    )


def test_a_chain_of_normal_durations_matches_the_analytic_probability() -> None:
    """Sum of independent normals: P(finish <= rto) = Phi((rto - sum mu) / sqrt(sum var))."""
    means, sds = [600, 900, 1200, 300], [120, 200, 240, 60]
    samples = 20_000
    rng = np.random.default_rng(7)
    durations = np.rint(rng.normal(means, sds, size=(samples, len(means))).T).astype(np.int64)
    compiled = Compiled.build(_chain(len(means)), {f"s{i}": (0.0,) for i in range(len(means))})
    assert not compiled.bound
    finish = finish_times(compiled, durations)
    rto = 3300
    expected = statistics.NormalDist(sum(means), math.sqrt(sum(s * s for s in sds))).cdf(rto)
    measured = float((finish[-1] <= rto).mean())
    error = math.sqrt(expected * (1 - expected) / samples)
    assert abs(measured - expected) < 4 * error + 1 / samples


def test_the_per_sample_schedule_agrees_with_the_vectorised_one_when_capacity_is_ample() -> None:
    rng = np.random.default_rng(3)
    compiled = Compiled.build(_chain(6), {f"s{i}": (float(i),) for i in range(6)})
    durations = rng.integers(0, 1000, size=(6, 50))
    from planner.forecast.simulate import schedule_one

    per_sample = np.array([schedule_one(compiled, durations[:, s].tolist()) for s in range(50)]).T
    assert (per_sample == unlimited_finish(compiled.deps, durations)).all()


@settings(SETTINGS, max_examples=examples(15))
@given(dag_plans(max_services=25), st.integers(0, 2**32 - 1), st.data())
def test_a_looser_rto_is_never_less_likely(
    case: tuple[Plan, list[str] | None], seed: int, data: st.DataObject
) -> None:
    """Loosen one service's RTO step by step (the plan's priority kept): neither its chance nor
    the chance of every critical RTO ever drops."""
    plan, failed = case
    setup = setup_of(plan_recovery(plan, failed=failed), spread=0.6)
    service = data.draw(st.sampled_from(sorted(setup.rto)))
    chances, everything = [], []
    for rto in range(0, 5 * 3600, 3600):
        result = run(replace(setup, rto={**setup.rto, service: rto}), samples=100, seed=seed)
        chances.append(result.by_service()[service].p_meet)
        everything.append(result.all_critical)
    assert chances == sorted(chances)
    if everything[0] is not None:
        assert everything == sorted(everything)


def test_the_same_seed_gives_the_same_forecast_and_another_seed_another() -> None:
    planning = plan_recovery(load_valid_plan(ENTERPRISE), "storage-outage")
    setup = setup_of(planning, spread=0.5)
    assert run(setup, 500, seed=11) == run(setup, 500, seed=11)
    assert run(setup, 500, seed=11) != run(setup, 500, seed=12)


def test_measurements_move_the_median_by_the_conjugate_update() -> None:
    prior = belief(600, 0.5)
    assert prior.evidence == PRIOR_WEIGHT
    moved = belief(600, 0.5, [(2400, 1.0), (2400, 1.0)])
    expected = math.exp((PRIOR_WEIGHT * math.log(600) + 2 * math.log(2400)) / (PRIOR_WEIGHT + 2))
    assert math.isclose(moved.median, expected)
    assert moved.spread < prior.spread  # more evidence, less doubt about the median
    drill = belief(600, 0.5, [(2400, 0.5)])
    assert 600 < drill.median < belief(600, 0.5, [(2400, 1.0)]).median


def test_a_task_without_an_estimate_or_a_measurement_takes_no_time() -> None:
    rng = np.random.default_rng(0)
    durations = sample_durations([belief(0, 0.5), belief(60, 0.0)], 5, rng)
    assert durations.tolist() == [[0] * 5, [60] * 5]


def test_capacity_makes_tasks_wait_in_the_samples_as_in_the_schedule() -> None:
    problem = replace(
        _chain(1),
        order=["a", "b"],
        deps={"a": [], "b": []},
        dependents={"a": [], "b": []},
        duration={"a": 600, "b": 600},
        team={"a": "t", "b": "t"},
        capacity={"t": 1},
    )
    compiled = Compiled.build(problem, {"a": (0.0,), "b": (1.0,)})
    assert compiled.bound
    finish = finish_times(compiled, np.array([[600, 100], [600, 100]]))
    assert finish.tolist() == [[600, 100], [1200, 200]]
