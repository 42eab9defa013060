"""Parameter recovery: simulate from known parameters with the model's own code, fit, check coverage."""

import numpy as np
import pymc as pm
import pytest

from effcompute.data.load import load_dataset
from effcompute.inference.checks.sbc import draw_simulations
from effcompute.inference.sampling.sampler import sample_model
from effcompute.inference.sampling.simulate import observed_data_names
from effcompute.models import build_model
from effcompute.models.config import ModelConfig


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def test_every_observed_variable_lives_in_a_data_container(ds):
    for name in ("evidence", "trend"):
        m = build_model(ds, ModelConfig(model=name)).model
        assert set(observed_data_names(m)) == {rv.name for rv in m.observed_RVs}


@pytest.mark.slow
@pytest.mark.parametrize(
    "model_name, params",
    [
        ("trend", ["g_oom_per_year", "slope", "midpoint_centred", "score_sd"]),
        ("evidence", ["log_gain", "pair_sd", "mfu_intercept", "mfu_per_year", "mfu_sd", "log_fp8_speedup", "fp8_share"]),
    ],
)
def test_posterior_90_intervals_cover_the_truth(ds, model_name, params):
    covered = {}
    for seed in (11, 12):
        effmodel = build_model(ds, ModelConfig(model=model_name))
        model = effmodel.model
        truths, simulated = draw_simulations(effmodel, 1, seed)
        truth, data = {n: v[0] for n, v in truths.items()}, simulated[0]
        with model:
            pm.set_data(data)
        idata, _ = sample_model(model, draws=400, tune=600, chains=2, seed=seed, quiet=True, progress=False)
        covered.update({f"{seed}:{k}": v for k, v in interval_coverage(idata, truth, params).items()})
    rate = np.mean(list(covered.values()))
    # 90% intervals: expect ~90% coverage; allow sampling noise over this many elements
    assert rate >= 0.75, {k: v for k, v in covered.items() if not v}


def interval_coverage(idata, truth: dict, names, mass: float = 0.9) -> dict:
    """For each element of each named variable: is the truth inside the posterior's equal-tailed interval?"""
    lo_q, hi_q = (1 - mass) / 2, (1 + mass) / 2
    out = {}
    for name in names:
        draws = idata.posterior[name].values
        flat = draws.reshape(draws.shape[0] * draws.shape[1], -1)
        lo, hi = np.quantile(flat, [lo_q, hi_q], axis=0)
        t = np.asarray(truth[name]).ravel()
        for i, (a, b, v) in enumerate(zip(lo, hi, t)):
            out[f"{name}[{i}]" if flat.shape[1] > 1 else name] = bool(a <= v <= b)
    return out
