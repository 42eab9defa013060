"""Simulate data from a model's own generative code, for parameter recovery (and later SBC)."""

from __future__ import annotations

import numpy as np
import pymc as pm

try:  # PyTensor >= 2.31 moved it; the old location warns and will go
    from pytensor.graph.traversal import ancestors
except ImportError:  # pragma: no cover - older PyTensor
    from pytensor.graph.basic import ancestors


def observed_data_names(model: pm.Model) -> dict:
    """Observed variable name -> the name of the pm.Data container holding its values."""
    out = {}
    data_names = {d.name for d in model.data_vars}
    for rv in model.observed_RVs:
        # integer data reach a discrete likelihood through a cast, so look through the graph
        for var in ancestors([model.rvs_to_values[rv]]):
            if var.name in data_names:
                out[rv.name] = var.name
                break
    return out


def simulate_from_prior(model: pm.Model, seed: int) -> tuple[dict, dict]:
    """Draw one parameter set from the prior and data given it.

    Returns
    -------
    (truth, data)
        ``truth``: every free variable and deterministic at the drawn point;
        ``data``: Data-container name -> simulated observations, ready for ``pm.set_data``.
    """
    with model:
        pp = pm.sample_prior_predictive(draws=1, random_seed=seed)
    truth = {name: np.asarray(pp.prior[name].values[0, 0]) for name in pp.prior.data_vars}
    data = {container: np.asarray(pp.prior_predictive[obs].values[0, 0]) for obs, container in observed_data_names(model).items()}
    return truth, data


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
