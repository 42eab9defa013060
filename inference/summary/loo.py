"""PSIS-LOO per observation, once, for the report's Pareto-k figure and ``check influence``."""

from __future__ import annotations

import warnings

import arviz as az
import numpy as np
import pandas as pd

from effcompute.inference.sampling.record import pointwise_terms


def pointwise_loo(idata, model=None) -> pd.DataFrame:
    """Pareto k and elpd contribution of every observation of every pointwise likelihood term, highest k first.

    Uses the run's ``log_likelihood`` group; computes it from ``model`` (a ``pm.Model``) when a
    run lacks it. A high k (> 0.7) marks an observation the posterior depends on strongly:
    leaving it out would move the answer. Terms whose rows are not exchangeable observations
    (the model declares them: a count of releases, a list of stated prices) are left out.
    """
    if "log_likelihood" in idata.groups():
        ll = idata.log_likelihood
    else:
        import pymc as pm

        ll = pm.compute_log_likelihood(idata, model=model, extend_inferencedata=False, progressbar=False)
    pointwise = pointwise_terms(idata) or list(ll.data_vars)
    frames = []
    for term in ll.data_vars:
        if term not in pointwise or ll[term].ndim < 3:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the Pareto-k warning: the table below is the message
            res = az.loo(az.InferenceData(posterior=idata.posterior, log_likelihood=ll[[term]]), var_name=term, pointwise=True)
        dim = ll[term].dims[-1]
        frames.append(pd.DataFrame({"term": term, "observation": [str(v) for v in ll[term][dim].values],
                                    "pareto_k": np.asarray(res.pareto_k).ravel(), "elpd_loo": np.asarray(res.loo_i).ravel()}))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["term", "observation", "pareto_k", "elpd_loo"])
    return table.sort_values("pareto_k", ascending=False, ignore_index=True)
