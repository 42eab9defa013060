"""The models' equations, once: each works on NumPy arrays and PyTensor tensors alike.

The graph, the forecasts and the plots all call these, so a change to an
equation changes all three.
"""

from __future__ import annotations

import numpy as np
import pytensor.tensor as pt
from scipy.special import expit

from effcompute.accounting import SECONDS_PER_HOUR

LOG10_2 = float(np.log10(2.0))


def _is_tensor(*xs) -> bool:
    return any(isinstance(x, pt.Variable) for x in xs)


def sigmoid(z):
    """Logistic function of an array or a tensor."""
    return pt.sigmoid(z) if _is_tensor(z) else expit(z)


def score_curve(effective_log10_flop, floor, ceiling, slope, midpoint):
    """Benchmark score (percent) at an effective log10 training FLOP: a sigmoid from ``floor`` to ``ceiling``."""
    return floor + (ceiling - floor) * sigmoid(slope * (effective_log10_flop - midpoint))


def effective_log10_flop(log10_flop, g_oom_per_year, years_since_epoch):
    """log10 FLOP a release would need at the trend's epoch: its FLOP plus ``g`` orders of magnitude per year since then."""
    return log10_flop + g_oom_per_year * years_since_epoch


def log10_flop_for_score(score, floor, ceiling, slope, midpoint, g_oom_per_year, years_since_epoch):
    """Inverse of :func:`score_curve`: the log10 FLOP that reaches ``score`` at a date (``years_since_epoch``)."""
    frac = (score - floor) / (ceiling - floor)
    if _is_tensor(frac, g_oom_per_year):
        frac = pt.clip(frac, 1e-6, 1 - 1e-6)
        logit = pt.log(frac / (1 - frac))
    else:
        frac = np.clip(frac, 1e-6, 1 - 1e-6)
        logit = np.log(frac / (1 - frac))
    return midpoint + logit / slope - g_oom_per_year * years_since_epoch


def halving_time_months(g_oom_per_year):
    """Months for the compute requirement to halve at ``g`` orders of magnitude per year."""
    return 12.0 * LOG10_2 / g_oom_per_year


def log_reduction_from_rate(g_oom_per_year, years):
    """Natural log of the reduction accrued over ``years`` at ``g`` orders of magnitude per year."""
    return g_oom_per_year * years * np.log(10.0)


def mfu_logit(coef: dict, year, generation, moe, scale):
    """Linear predictor of logit(MFU): intercept, date trend, hardware generation, MoE and model scale.

    ``coef`` holds ``intercept``, ``per_year``, ``generation`` (indexed by ``generation``),
    ``moe`` and ``per_decade_params``; arrays of draws broadcast (draws on the first axis).
    """
    gen = coef["generation"]
    gen_effect = gen[generation] if _is_tensor(gen) or np.ndim(gen) == 1 else gen[..., generation]
    return coef["intercept"] + coef["per_year"] * year + gen_effect + coef["moe"] * moe + coef["per_decade_params"] * scale


def log_cloud_cost(log_flop, log_peak_flops, log_mfu, log_price_per_chip_hour):
    """log(cost, USD) = log(FLOP / (peak FLOP/s x MFU) / 3600 s x price per chip-hour)."""
    return log_flop - log_peak_flops - log_mfu - np.log(SECONDS_PER_HOUR) + log_price_per_chip_hour
