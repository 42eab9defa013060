"""The bundled data's own growth rate in each published rate's window: a least-squares line, no model.

Where the growth model's 2018-2025 rate differs from a published one, this tells
whether the data in the paper's window already differ (a data or selection
difference) or the model moves them (a modelling difference).
"""

from __future__ import annotations

import numpy as np

from effcompute.dates import decimal_year
from effcompute.models.growth_model import CONSUMER_WORDS

#: Published source (key of ``effcompute.literature.GROWTH_RATES``) -> (first day, last day, what is regressed on time).
WINDOWS = {
    "sevilla_roldan_2024": ("2010-01-01", "2024-05-31", "log10 training FLOP of Epoch's frontier models"),
    "cottier_et_al_2024": ("2016-01-01", "2024-12-31", "log10 amortized training cost (2023 USD) of Epoch's frontier models"),
    "hobbhahn_besiroglu_2022": ("2006-01-01", "2021-12-31",
                                ("log10 FP32 FLOP/s per release-price dollar of the bundled GPUs, with an offset for consumer cards as in the model")),
}


def ols_rate(t, y, extra=None) -> dict:
    """Slope of ``y`` (log10) on ``t`` (years) by least squares, as x per year with a 95% interval (normal, OLS standard error).

    ``extra`` (optional) is one more regressor (an indicator), fitted but not reported.
    """
    t, y = np.asarray(t, float), np.asarray(y, float)
    cols = [t - t.mean(), np.ones_like(t)] + ([np.asarray(extra, float)] if extra is not None else [])
    x = np.column_stack(cols)
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    dof = len(y) - x.shape[1]
    cov = (resid @ resid / dof) * np.linalg.inv(x.T @ x)
    se = float(np.sqrt(cov[0, 0]))
    b = float(beta[0])
    return {"x_per_year": 10.0**b, "lo95": 10.0 ** (b - 1.96 * se), "hi95": 10.0 ** (b + 1.96 * se), "n": len(y)}


def window_rates(tables) -> dict:
    """:func:`ols_rate` of the bundled rows inside each published window (:data:`WINDOWS`); source -> result with its window."""
    f, h = tables.frontier, tables.hardware
    out = {}
    for key, (first, last, what) in WINDOWS.items():
        if key == "hobbhahn_besiroglu_2022":
            rows = h[(h.release_date >= np.datetime64(first)) & (h.release_date <= np.datetime64(last))]
            y = np.log10(rows.peak_fp32_flops.to_numpy(float) / rows.release_price_usd.to_numpy(float))
            t, extra = decimal_year(rows.release_date), rows.hardware_name.str.contains(CONSUMER_WORDS).to_numpy(float)
        else:
            rows = f[(f.publication_date >= np.datetime64(first)) & (f.publication_date <= np.datetime64(last))]
            column = "training_compute_flop" if key == "sevilla_roldan_2024" else "training_cost_2023_usd"
            y = np.log10(rows[column].to_numpy(float))
            ok = np.isfinite(y)
            t, y, extra = decimal_year(rows.publication_date[ok]), y[ok], None
        out[key] = {**ols_rate(t, y, extra), "window": f"{first} to {last}", "regressed": what}
    return out
