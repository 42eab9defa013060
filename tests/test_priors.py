"""Elicitation from the seed's intervals, serialization, and the truncated normal."""

import math

import numpy as np
import pymc as pm
import pytest
from scipy import stats

from effcompute.models.priors import (
    FactorPrior,
    seed002_priors,
    truncated_normal,
)


@pytest.mark.parametrize("reading", ["intervals", "table"])
def test_priors_round_trip_through_their_dicts(reading):
    priors = seed002_priors(reading)
    assert {k: FactorPrior.from_dict(p.to_dict()) for k, p in priors.items()} == priors


def test_intervals_reading_puts_the_stated_interval_at_the_stated_quantiles():
    priors = seed002_priors("intervals")
    # Transformer++: 80% CI 1.25-6 -> 10th and 90th percentiles (not a maxent fit: median 2.74, not 3.6)
    q = priors["transformer_pp"].scipy().ppf([0.1, 0.5, 0.9])
    assert q == pytest.approx([1.25, math.sqrt(1.25 * 6), 6.0], rel=1e-9)
    # MoE: 90% CI -> 5th and 95th percentiles
    assert priors["moe"].scipy().ppf([0.05, 0.95]) == pytest.approx([1.25, 5.0], rel=1e-9)
    # Chinchilla: the interval belongs to the normal before truncation
    ch = priors["chinchilla"]
    assert stats.norm(ch.mu, ch.sigma).ppf([0.1, 0.9]) == pytest.approx([1.5, 4.5])
    assert (ch.lower, ch.upper) == (0.0, None)
    hw = priors["hardware_efficiency"]
    assert (hw.lower, hw.upper) == (0.0, 4.7)


def test_table_reading_uses_table_medians_with_interval_widths():
    a, b = seed002_priors("intervals"), seed002_priors("table")
    medians = [math.exp(b[f].mu) if b[f].family == "lognormal" else b[f].mu for f in b]
    assert medians == pytest.approx([2.5, 2.5, 3.5, 3.0, 2.2, 2.5])
    assert all(a[f].sigma == pytest.approx(b[f].sigma) for f in a)


def test_bad_prior_specs_name_the_field():
    with pytest.raises(ValueError, match="sigma"):
        FactorPrior("lognormal", 0.0, -1.0)
    with pytest.raises(ValueError, match="family"):
        FactorPrior("gamma", 0.0, 1.0)
    with pytest.raises(ValueError, match="unknown prior field"):
        FactorPrior.from_dict({"family": "lognormal", "mu": 0, "sigma": 1, "scale": 2})
    with pytest.raises(ValueError, match="reading"):
        seed002_priors("median")


def test_truncated_normal_density_matches_scipy():
    with pm.Model() as m:
        truncated_normal("x", 2.5, 0.62, 0.0, 4.7)
    logp = m.compile_logp(jacobian=False)
    ref = stats.truncnorm(-2.5 / 0.62, 2.2 / 0.62, loc=2.5, scale=0.62)
    for v in [0.3, 2.5, 4.5]:
        point = {"x_interval__": np.log(v / (4.7 - v))}
        assert logp(point) == pytest.approx(ref.logpdf(v), abs=1e-8)


def test_truncated_normal_draws_match_scipy_quantiles():
    with pm.Model():
        x = truncated_normal("x", 3.0, 1.17, 0.0, None, shape=200_000)  # one call draws them all (draws= loops in Python)
    draws = pm.draw(x, random_seed=3)
    ref = stats.truncnorm(-3.0 / 1.17, np.inf, loc=3.0, scale=1.17)
    assert draws.min() >= 0
    assert np.quantile(draws, [0.01, 0.1, 0.5, 0.9]) == pytest.approx(ref.ppf([0.01, 0.1, 0.5, 0.9]), abs=0.02)
