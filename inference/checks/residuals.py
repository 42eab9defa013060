"""Do the scores of one release still share information once the model has seen them? Within-release residual correlation."""

from __future__ import annotations

import numpy as np

from effcompute.inference.sampling.record import term_of_kind


def standardized_residuals(idata, term: str) -> np.ndarray:
    """(observed - posterior predictive mean) / posterior predictive sd, per observation of ``term``."""
    pp = idata["posterior_predictive"][term]
    draws = pp.stack(sample=("chain", "draw")).transpose(..., "sample").values
    y = idata["observed_data"][term].values
    return (y - draws.mean(axis=-1)) / draws.std(axis=-1)


def within_release_correlation(idata) -> dict:
    """Pooled correlation of standardized score residuals between different benchmarks of the same release.

    Every pair (i, j), i != j, of one release's residuals contributes r_i r_j; the sum over all pairs,
    divided by the number of pairs and by the mean squared residual, is the intra-release correlation
    (0: a release's scores are independent given the model; 1: they move together).
    """
    term = term_of_kind(idata, "scores")
    if term is None:
        raise ValueError("the run has no benchmark scores")
    r = standardized_residuals(idata, term)
    releases = np.asarray(idata["observed_data"][term]["release"].values)
    products, pairs = 0.0, 0
    for name in np.unique(releases):
        x = r[releases == name]
        if len(x) > 1:
            products += (x.sum() ** 2 - (x**2).sum()) / 2.0
            pairs += len(x) * (len(x) - 1) // 2
    return {"term": term, "correlation": float(products / pairs / np.mean(r**2)) if pairs else float("nan"), "pairs": int(pairs),
            "releases": int(len(np.unique(releases)))}
