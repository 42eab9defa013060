"""Tension between the bottom-up (evidence) and top-down (trend) estimates of R_compute."""

from __future__ import annotations

import numpy as np

from effcompute.inference.summary.headline import quantity_draws, summarize_draws
from effcompute.models.base import Role

LOG_RATIO = "log ratio"


def _log_draws(group, quantity):
    return np.log(quantity_draws(group, quantity))


def compute_reduction_quantity(quantities, role: str):
    """The run's compute reduction of ``role`` (bottom-up or top-down)."""
    found = [q for q in quantities if q.role == role]
    if not found:
        raise ValueError(f"the run reports no {role}")
    return found[0]


def percentile_of(value: float, draws) -> float:
    """Share of ``draws`` at or below ``value`` (a predictive percentile, 0-1)."""
    return float(np.mean(np.asarray(draws) <= value))


def tension_between_runs(evidence_idata, evidence_quantities, trend_idata, trend_quantities, seed: int = 0) -> dict:
    """Compare separately fitted evidence and trend runs.

    Returns
    -------
    dict
        ``log_ratio``: summary of log(R_topdown / R_bottomup) with the two
        posteriors taken as independent; ``p_topdown_below``: P(R_topdown <
        R_bottomup); and the percentile of each posterior median within the
        other model's prior and posterior distribution of R_compute (near 0 or
        1 means the other model did not expect it).
    """
    rng = np.random.default_rng(seed)
    ev_q, tr_q = compute_reduction_quantity(evidence_quantities, Role.COMPUTE), compute_reduction_quantity(trend_quantities, Role.COMPUTE_TOPDOWN)
    bottom = _log_draws(evidence_idata.posterior, ev_q)
    top = _log_draws(trend_idata.posterior, tr_q)
    n = min(len(bottom), len(top))
    ratio = rng.permutation(top)[:n] - rng.permutation(bottom)[:n]
    out = {"log_ratio": summarize_draws(ratio), "p_topdown_below": float(np.mean(ratio < 0))}
    med_top, med_bottom = float(np.median(top)), float(np.median(bottom))
    for label, group_name in (("posterior", "posterior"), ("prior", "prior")):
        if group_name in evidence_idata.groups():
            out[f"topdown_median_percentile_in_evidence_{label}"] = percentile_of(med_top, _log_draws(evidence_idata[group_name], ev_q))
        if group_name in trend_idata.groups():
            out[f"bottomup_median_percentile_in_trend_{label}"] = percentile_of(med_bottom, _log_draws(trend_idata[group_name], tr_q))
    return out


def tension_in_run(idata, quantities) -> dict | None:
    """A run's own tension (its ``log ratio`` headline quantity, top-down over bottom-up): posterior and prior; None if it has none."""
    q = next((q for q in quantities if q.unit == LOG_RATIO), None)
    if q is None or q.variable not in idata.posterior:
        return None
    post = quantity_draws(idata.posterior, q)
    out = {"log_ratio": summarize_draws(post), "p_topdown_below": float(np.mean(post < 0)), "label": q.label}
    if "prior" in idata.groups():
        out["prior_log_ratio"] = summarize_draws(quantity_draws(idata.prior, q))
    return out
