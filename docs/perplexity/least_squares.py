"""Ho et al. 2024's own estimator (model 7, L1-penalised least squares, SLSQP from zeros, 100 bootstraps) on our sample.

Separates what the data change from what the Bayesian model changes: the same rows, their
method. Usage: ``python docs/perplexity/least_squares.py [paper|code] [boots] [delta]``; prints JSON.
"""

from __future__ import annotations

import json
import sys

import numpy as np
from scipy.optimize import minimize

from effcompute.data.perplexity import fitting_sample, load_perplexity

DELTA = 0.0025  # their preferred L1 strength for model 7


def design(rows):
    """Their covariates: logs relative to the sample minima, years from the earliest, PTB and WT2 dummies."""
    return dict(
        n=np.log(rows.params.to_numpy()) - np.log(rows.params.min()), d=np.log(rows.data_tokens.to_numpy()) - np.log(rows.data_tokens.min()),
        t=rows.year.to_numpy() - rows.year.min(), ptb=(rows.corpus == "PTB").to_numpy(float), wt2=(rows.corpus == "WT2").to_numpy(float),
        y=rows.log_ppl.to_numpy(),
    )


def model7(p, x):
    a = p[0] + p[1] * x["ptb"] + p[2] * x["wt2"]
    b = p[5] + p[6] * x["ptb"] + p[7] * x["wt2"]
    return np.exp(a - p[3] * x["t"] - p[4] * x["n"]) + np.exp(b - p[8] * x["t"] - p[9] * x["d"])


def fit(x, delta=DELTA):
    loss = lambda p: np.mean((x["y"] - model7(p, x)) ** 2) + delta * np.sum(np.abs(p))  # noqa: E731
    with np.errstate(over="ignore", invalid="ignore"):  # SLSQP's trial steps can overflow exp; those steps are rejected
        return minimize(loss, np.zeros(10), method="SLSQP").x


def halving_months(p):
    """Their Eq. 6 in months: 12 ln 2 / (alpha_year / alpha_param + beta_year / beta_data)."""
    return 12 * np.log(2) / (p[3] / p[4] + p[8] / p[9])


def main(rule="paper", boots=100, delta=DELTA):
    rows, _ = fitting_sample(load_perplexity(), rule)
    x = design(rows)
    point = fit(x, delta)
    rng = np.random.default_rng(0)
    draws = []
    for _ in range(boots):
        i = rng.integers(0, len(rows), len(rows))
        draws.append(halving_months(fit({k: v[i] for k, v in x.items()}, delta)))
    q = np.percentile(draws, [2.5, 10, 50, 90, 97.5])
    return {"rule": rule, "delta": delta, "rows": len(rows), "point_halving_months": float(halving_months(point)), "params": dict(zip(
        ["a", "a_ptb", "a_wt2", "alpha_year", "alpha_param", "b", "b_ptb", "b_wt2", "beta_year", "beta_data"], map(float, point))),
        "bootstrap": dict(zip(["lo95", "lo80", "median", "hi80", "hi95"], map(float, q))), "boots": boots}


if __name__ == "__main__":
    args = sys.argv[1:]
    print(json.dumps(main(args[0] if args else "paper", int(args[1]) if len(args) > 1 else 100, float(args[2]) if len(args) > 2 else DELTA), indent=1))
