"""The growth model's curves, draw by draw, in NumPy: its own variable names and equations, for predictions and thresholds."""

from __future__ import annotations

import numpy as np

from effcompute.models.draws import flat_draws
from effcompute.models.growth_model import T0, VARIABLES, soft_piecewise

LEVELS = {"spend": "level_spend", "hardware": "level_hardware"}


def curve_draws(posterior, component: str, years, smoothness: float, level: bool = True) -> np.ndarray:
    """Draws x years of one term's log10 curve (``level=False``: relative to its level)."""
    t = np.asarray(years, float)[None, :]
    r = flat_draws(posterior, VARIABLES[component])
    lev = flat_draws(posterior, LEVELS[component])[:, None] if level and component in LEVELS else 0.0
    b1, b2 = (flat_draws(posterior, f"breakpoint_{i}")[:, None] for i in (1, 2))
    return soft_piecewise(t, lev, r[:, 0:1], r[:, 1:2], r[:, 2:3], b1, b2, smoothness)


def realisation_draws(posterior, years) -> np.ndarray:
    """Draws x years of the realisation term (linear)."""
    t = np.asarray(years, float)[None, :]
    return flat_draws(posterior, "level_realisation")[:, None] + flat_draws(posterior, "rate_realisation")[:, None] * (t - T0)


def compute_trend_draws(posterior, years, smoothness: float) -> np.ndarray:
    """Draws x years of the physical frontier-compute trend, log10 FLOP (spend + hardware + realisation; no scatter)."""
    years = np.asarray(years, float)
    return curve_draws(posterior, "spend", years, smoothness) + curve_draws(posterior, "hardware", years, smoothness) + realisation_draws(posterior, years)


def frontier_compute_draws(posterior, years, smoothness: float, rng, scatter_until: float | None = None) -> np.ndarray:
    """Draws x years of the predictive log10 training FLOP of a frontier model (curve plus the model's scatter).

    The scatter's time trend is not extrapolated past ``scatter_until`` (decimal year).
    """
    years = np.asarray(years, float)
    mu = compute_trend_draws(posterior, years, smoothness)
    held = np.minimum(years, scatter_until) if scatter_until is not None else years
    sigma = flat_draws(posterior, "sigma_compute")[:, None] * np.exp(flat_draws(posterior, "scatter_trend")[:, None] * (held[None, :] - T0))
    return mu + rng.normal(size=mu.shape) * sigma
