"""The headline's statistics from ArviZ's summary: the same numbers (to 1e-12; measured: at most 2e-15 apart, from ArviZ's
1 - prob in floating point), keys and order as the quantiles computed by hand."""

import json

import pytest
from mock_sampling import mock_fit

from effcompute.data.load import load_dataset
from effcompute.inference.summary.headline import headline_table, quantity_draws
from effcompute.inference.summary.numbers import summarize_draws
from effcompute.models import build_model
from effcompute.models.config import ModelConfig


@pytest.fixture(scope="module")
def joint():
    model = build_model(load_dataset(), ModelConfig(model="joint"))
    idata, _ = mock_fit(model, draws=120, chains=3, seed=7)
    return idata, model.headline_quantities()


def _by_hand(idata, quantities) -> dict:
    """The headline as it was computed before az.summary: numpy quantiles of the flattened draws."""
    table = {}
    for q in quantities:
        draws = quantity_draws(idata["posterior"], q)
        row = summarize_draws(draws)
        if q.tail_threshold:
            row[f"p_gt_{q.tail_threshold:g}"] = float((draws > q.tail_threshold).mean())
        row["prior"] = summarize_draws(quantity_draws(idata["prior"], q))
        table.setdefault(q.headline_key, row)
    return table


def test_az_summary_gives_the_same_headline_as_the_quantiles_by_hand(joint):
    idata, quantities = joint
    new, old = headline_table(idata, quantities), _by_hand(idata, quantities)
    assert list(new) == list(old) and len(new) > 20
    for name in old:
        assert list(new[name]) == list(old[name]), name
        assert list(new[name]["prior"]) == list(old[name]["prior"])
        for key, value in old[name].items():
            expected = value if key != "prior" else None
            if expected is not None:
                assert new[name][key] == pytest.approx(expected, rel=1e-12, abs=1e-300), (name, key)
        for key, value in old[name]["prior"].items():
            assert new[name]["prior"][key] == pytest.approx(value, rel=1e-12, abs=1e-300), (name, "prior", key)


def test_the_headline_stays_json_ready(joint):
    idata, quantities = joint
    text = json.dumps(headline_table(idata, quantities))
    assert '"lo80"' in text and "NaN" not in text


def test_the_mcse_of_a_quoted_quantile_is_the_textbook_one_for_independent_draws():
    """Independent N(0, 1) draws: the median's MCSE is sqrt(pi / 2) / sqrt(n), a 10th percentile's
    sqrt(0.1 x 0.9) / (phi(z_0.1) sqrt(n)); ArviZ's quantile MCSE should be within 20% of both."""
    import numpy as np
    import xarray as xr
    from scipy.stats import norm

    from effcompute.inference.summary.headline import headline_mcse
    from effcompute.models.base import Quantity

    n = 4 * 2000
    post = xr.Dataset({"x": (("chain", "draw"), np.random.default_rng(3).normal(size=(4, 2000)))})
    se = headline_mcse(post, [Quantity("x", "x", "")])["x"]
    assert se["median"] == pytest.approx(np.sqrt(np.pi / 2 / n), rel=0.2)
    assert se["lo80"] == pytest.approx(np.sqrt(0.1 * 0.9 / n) / norm.pdf(norm.ppf(0.1)), rel=0.2)
    assert se["hi80"] == pytest.approx(se["lo80"], rel=0.3)
