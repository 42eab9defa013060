"""Seed 002 as a PyMC model: structure, both readings' figures, and the vectorized draw path."""

import datetime as dt

import numpy as np
import pymc as pm
import pytest

from effcompute import dims
from effcompute.inference.sampling.prior_draws import vectorized_prior_draws
from effcompute.inference.summary.seed_mc import (
    epoch_interactive_comparison,
    run_seed_monte_carlo,
    seed_reported,
)
from effcompute.models.seed_factors import MULTIPLIER, build_seed_factors_model


def test_model_has_named_coords_and_the_three_reductions():
    m = build_seed_factors_model()
    assert list(m.coords[dims.FACTOR]) == list(dims.FACTORS)
    assert m.named_vars_to_dims[MULTIPLIER] == (dims.FACTOR,)
    assert {v.name for v in m.deterministics} == {MULTIPLIER, *dims.REDUCTIONS}
    assert len(m.free_RVs) == 6 and not m.observed_RVs


def test_every_multiplier_is_floored_at_one_and_reductions_are_products():
    m = build_seed_factors_model()
    ds = vectorized_prior_draws(m, 50_000, random_seed=7)
    mult = ds[MULTIPLIER].values
    assert mult.min() == 1.0
    assert (mult == 1.0).mean() > 0.01  # some draws were below 1 and got floored
    np.testing.assert_allclose(ds[dims.HARDWARE_REDUCTION].values, mult.prod(axis=1), rtol=1e-12)
    np.testing.assert_allclose(ds[dims.COMPUTE_REDUCTION].values, mult[:, :5].prod(axis=1), rtol=1e-12)
    np.testing.assert_allclose(ds[dims.ALGORITHMIC_REDUCTION].values, mult[:, :4].prod(axis=1), rtol=1e-12)


def test_vectorized_draws_agree_with_pymc_draw_one_at_a_time():
    m = build_seed_factors_model()
    fast = vectorized_prior_draws(m, 20_000, random_seed=1)[dims.HARDWARE_REDUCTION].values
    slow = pm.draw(m[dims.HARDWARE_REDUCTION], draws=4_000, random_seed=2)
    # same distribution: medians agree within Monte Carlo error (~5% at n=4000)
    assert np.median(slow) == pytest.approx(np.median(fast), rel=0.1)


def test_same_seed_same_draws_and_bad_draws_rejected():
    m = build_seed_factors_model()
    a = vectorized_prior_draws(m, 1_000, random_seed=5)[dims.HARDWARE_REDUCTION].values
    b = vectorized_prior_draws(m, 1_000, random_seed=5)[dims.HARDWARE_REDUCTION].values
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="draws"):
        vectorized_prior_draws(m, 0, random_seed=5)


@pytest.mark.parametrize(
    "reading, hardware, compute, p_gt_1000",
    [("intervals", 524, 216, 0.32), ("table", 348, 144, 0.22)],
)
def test_readings_give_the_figures_design_md_states(reading, hardware, compute, p_gt_1000):
    r = run_seed_monte_carlo(reading, draws=400_000, seed=11)
    assert r[dims.HARDWARE_REDUCTION]["median"] == pytest.approx(hardware, rel=0.02)
    assert r[dims.COMPUTE_REDUCTION]["median"] == pytest.approx(compute, rel=0.02)
    assert r[dims.HARDWARE_REDUCTION]["p_gt_1000"] == pytest.approx(p_gt_1000, abs=0.01)


def test_per_year_rates_compound_to_the_median():
    r = run_seed_monte_carlo(draws=20_000, seed=3, as_of=dt.date(2024, 5, 1))
    hw = r[dims.HARDWARE_REDUCTION]
    assert r["years_since_gpt3"] == pytest.approx(4.0, abs=0.01)
    assert hw["per_year"] ** r["years_since_gpt3"] == pytest.approx(hw["median"])
    assert hw["oom_per_year"] == pytest.approx(np.log10(hw["median"]) / r["years_since_gpt3"])


def test_as_of_before_gpt3_is_an_error():
    with pytest.raises(ValueError, match="as_of=2019-01-01"):
        run_seed_monte_carlo(draws=10, as_of=dt.date(2019, 1, 1))


def test_seed_inconsistencies_are_computed_not_typed_in():
    s = seed_reported()
    assert s["product_of_table_medians_hardware"] == pytest.approx(2.5 * 2.5 * 3.5 * 3.0 * 2.2 * 2.5)
    assert s["implied_years_hardware"] == pytest.approx(np.log10(414) / 0.63)


def test_epoch_interactive_comparison_matches_the_seeds_28x_and_93x():
    e = epoch_interactive_comparison()
    assert e["compute_reduction"] == pytest.approx(28, abs=0.5)
    assert e["hardware_reduction"] == pytest.approx(93, abs=0.5)
