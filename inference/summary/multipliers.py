"""Summaries of multiplier draws: medians, equal-tailed intervals, tail probabilities, rates.

Every interval here is equal-tailed (quantile-based) with its mass stated in
the key name (``p10``/``p90`` bound the central 80 %); nothing is left to a
library default.
"""

from __future__ import annotations

import math

import numpy as np

INTERVAL_KIND = "equal-tailed"
INTERVAL_MASS = 0.80


def annual_rate(multiplier, years: float):
    """Multiplier per year that compounds to ``multiplier`` over ``years``."""
    if years <= 0:
        raise ValueError(f"years={years!r} must be > 0")
    return np.power(multiplier, 1.0 / years)


def summarize_multiplier(draws, years: float | None = None, threshold: float = 1000.0, mass: float = INTERVAL_MASS) -> dict:
    """Summarize draws of a multiplicative reduction.

    Parameters
    ----------
    draws : array-like
        Draws of a multiplier (> 0).
    years : float, optional
        Years over which the multiplier accrued; adds annual rates.
    threshold : float, default 1000
        ``p_gt_<threshold>`` is the share of draws above it.
    mass : float, default 0.8
        Mass of the equal-tailed interval.

    Returns
    -------
    dict
        ``median``, ``p10``/``p90`` (named for the interval's quantiles),
        ``p_gt_1000``, and with ``years``: ``per_year`` (median x per year),
        its interval, and ``oom_per_year`` (orders of magnitude per year).
    """
    x = np.asarray(draws, dtype=float).ravel()
    lo_q, hi_q = (1 - mass) / 2, (1 + mass) / 2
    lo, med, hi = np.quantile(x, [lo_q, 0.5, hi_q])
    lo_key, hi_key = f"p{round(lo_q * 100):d}", f"p{round(hi_q * 100):d}"
    out = {
        "median": float(med),
        lo_key: float(lo),
        hi_key: float(hi),
        f"p_gt_{threshold:g}": float(np.mean(x > threshold)),
        "interval": {"kind": INTERVAL_KIND, "mass": mass},
    }
    if years is not None:
        out["years"] = float(years)
        out["per_year"] = float(annual_rate(med, years))
        out[f"per_year_{lo_key}"] = float(annual_rate(lo, years))
        out[f"per_year_{hi_key}"] = float(annual_rate(hi, years))
        out["oom_per_year"] = math.log10(med) / years
    return out
