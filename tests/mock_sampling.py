"""Mocked sampling for fast tests: prior draws, reshaped into chains, stand in for a posterior."""

from __future__ import annotations

import numpy as np
import pymc as pm
import xarray as xr

from effcompute.inference.sampling.record import complete_record
from effcompute.inference.sampling.sampler import FitTimings


def mock_fit(effmodel, *, draws=50, chains=2, seed=1, diverging=0, predictive=False, **_):
    """Return (idata, timings) shaped like ``fit_model``'s (the run's full record), without MCMC.

    ``effmodel`` is an :class:`~effcompute.models.base.EffModel`; a bare ``pm.Model`` gets a posterior only.
    """
    model = getattr(effmodel, "model", effmodel)
    with model:
        idata = pm.sample_prior_predictive(draws=draws * chains, random_seed=seed)
    post = idata.prior.stack(sample=("chain", "draw")).transpose("sample", ...)
    post = post.drop_vars(["sample", "chain", "draw"]).assign_coords(sample=np.arange(draws * chains))
    post = post.assign_coords(chain=("sample", np.repeat(np.arange(chains), draws)), draw=("sample", np.tile(np.arange(draws), chains)))
    post = post.set_index(sample=["chain", "draw"]).unstack("sample").transpose("chain", "draw", ...)
    idata.add_groups(posterior=post)
    rng = np.random.default_rng(seed)
    div = np.zeros((chains, draws), dtype=bool)
    div.flat[:diverging] = True
    idata.add_groups(sample_stats=xr.Dataset({"diverging": (("chain", "draw"), div), "energy": (("chain", "draw"), rng.normal(size=(chains, draws)))}))
    if model is not effmodel:
        complete_record(idata, effmodel, seed, predictive=predictive)
    return idata, FitTimings(sampler="mock")
