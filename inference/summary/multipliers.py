"""Summaries of multiplier draws: medians, equal-tailed intervals, tail probabilities, rates.

Intervals as everywhere (:mod:`effcompute.inference.summary.numbers`): equal-tailed, mass in the key.
"""

from __future__ import annotations

import math

import numpy as np

from effcompute.inference.summary.numbers import INTERVAL_KEYS, INTERVAL_KIND, summarize_draws


def annual_rate(multiplier, years: float):
    """Multiplier per year that compounds to ``multiplier`` over ``years``."""
    if years <= 0:
        raise ValueError(f"years={years!r} must be > 0")
    return np.power(multiplier, 1.0 / years)


def summarize_multiplier(draws, years: float | None = None, threshold: float = 1000.0) -> dict:
    """Summarize draws of a multiplicative reduction.

    Parameters
    ----------
    draws : array-like
        Draws of a multiplier (> 0).
    years : float, optional
        Years over which the multiplier accrued; adds annual rates.
    threshold : float, default 1000
        ``p_gt_<threshold>`` is the share of draws above it.

    Returns
    -------
    dict
        :func:`~effcompute.inference.summary.numbers.summarize_draws` (median, lo80/hi80, lo95/hi95),
        ``p_gt_<threshold>``, and with ``years``: ``per_year`` (median x per year), ``per_year_lo80``/``per_year_hi80``,
        and ``oom_per_year`` (orders of magnitude per year).
    """
    x = np.asarray(draws, dtype=float).ravel()
    out = summarize_draws(x)
    out[f"p_gt_{threshold:g}"] = float(np.mean(x > threshold))
    out["interval"] = {"kind": INTERVAL_KIND, "keys": INTERVAL_KEYS}
    if years is not None:
        out["years"] = float(years)
        out["per_year"] = float(annual_rate(out["median"], years))
        out["per_year_lo80"] = float(annual_rate(out["lo80"], years))
        out["per_year_hi80"] = float(annual_rate(out["hi80"], years))
        out["oom_per_year"] = math.log10(out["median"]) / years
    return out
