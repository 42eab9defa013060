"""Predictions from a growth-model posterior: frontier training compute on a date, and compute-threshold equivalents.

Both evaluate the model's own curves (:func:`~effcompute.models.growth_model.soft_piecewise`)
draw by draw, in numpy, on the posterior group of a fitted (or mocked) run.
"""

from __future__ import annotations

import numpy as np

from effcompute.dates import decimal_year
from effcompute.inference.summary.numbers import summarize_draws
from effcompute.models.growth_forecasting import curve_draws, frontier_compute_draws, realisation_draws  # noqa: F401
from effcompute.models.growth_model import COMPONENT, ERA

#: What ``threshold`` uses as efficiency: the growth model's algorithmic term.
THRESHOLD_EFFICIENCY = ("the growth model's algorithmic-efficiency term (log10 compute needed for fixed capability falls by its rate per era); "
                        "in this version that term is informed by its prior alone ({source})")

#: Compute thresholds in policy (the figure's and the report's defaults): training FLOP and the date each was set.
POLICY_THRESHOLDS = (
    {"name": "EU AI Act, GPAI systemic risk (Art. 51)", "flop": 1e25, "set": "2024-08-01"},
    {"name": "US Executive Order 14110, reporting (sec. 4.2)", "flop": 1e26, "set": "2023-10-30"},
)


def scatter_end(attrs) -> float | None:
    """Decimal year of a run's as-of date (where the scatter's trend stops), from its attributes."""
    return float(decimal_year([attrs['as_of']])[0]) if attrs.get("as_of") else None


def predict_frontier_compute(posterior, dates, smoothness: float, seed: int = 1, scatter_until: float | None = None) -> list[dict]:
    """Predictive log10 training FLOP of a frontier model published on each date (curve + the model's scatter).

    The scatter's time trend is not extrapolated past ``scatter_until`` (decimal year; the run's as-of date).

    Returns
    -------
    list of dict
        ``{"date": "YYYY-MM-DD", "log10_flop": {"median", "lo80", "hi80", "lo95", "hi95"}}`` per date.
    """
    years = decimal_year([str(d) for d in dates])
    draws = frontier_compute_draws(posterior, years, smoothness, np.random.default_rng(seed), scatter_until)
    return [{"date": str(d), "log10_flop": summarize_draws(draws[:, i])} for i, d in enumerate(dates)]


def threshold_log10_draws(posterior, flop: float, set_date, dates, smoothness: float) -> np.ndarray:
    """Draws x dates of log10 training FLOP that buys, on each of ``dates``, the capability ``flop`` bought at ``set_date``.

    ``log10 FLOP(t) = log10 flop - (A(t) - A(set))`` with A the growth model's algorithmic term (log10).

    Parameters
    ----------
    posterior : xarray.Dataset
        A growth run's posterior group.
    flop : float
        The threshold, training FLOP (> 0).
    set_date : str or datetime.date
        When the threshold was set.
    dates : sequence of str or datetime.date
        The later (or earlier) dates.
    smoothness : float
        The run's ``smoothness_years`` setting.

    Returns
    -------
    numpy.ndarray
        Shape (draws, len(dates)).

    Raises
    ------
    ValueError
        If ``flop`` is not positive.
    """
    if not flop > 0:
        raise ValueError(f"FLOP={flop!r} must be positive")
    a = curve_draws(posterior, "algorithms", decimal_year([str(set_date)] + [str(d) for d in dates]), smoothness, level=False)
    return np.log10(flop) - (a[:, 1:] - a[:, :1])


def threshold_equivalent(posterior, flop: float, set_date, at_date, smoothness: float) -> dict:
    """Training FLOP at ``at_date`` that buys the capability ``flop`` bought at ``set_date``.

    ``log10 FLOP_at = log10 flop - (A(at) - A(set))`` with A the algorithmic term (:func:`threshold_log10_draws`).

    Returns
    -------
    dict
        ``log10_flop`` and ``flop`` summaries, and ``efficiency_gain_x`` (how many times less compute).
    """
    log10_at = threshold_log10_draws(posterior, flop, set_date, [at_date], smoothness)[:, 0]
    gain = np.log10(flop) - log10_at
    return {"log10_flop": summarize_draws(log10_at), "flop": summarize_draws(10.0**log10_at), "efficiency_gain_x": summarize_draws(10.0**gain)}


def algorithmic_prior_from_run(path) -> dict:
    """Growth settings that take the algorithmic term's 2018-2025 rate from a fitted trend or joint run.

    The run's top-down rate (role ``Role.RATE_TOPDOWN``: log10 less compute per year for the same benchmark
    score, measured since GPT-3) becomes a Normal prior (posterior mean and sd) on the 2018-2025 era and,
    with doubled sd, on the 2026- era; 2012-2017 keeps Ho et al. 2024's. Pass the result as ``ModelConfig.growth``.
    """
    from pathlib import Path

    from effcompute.inference.runs.files import load_run
    from effcompute.inference.sampling.record import role_draws
    from effcompute.models.base import Role
    from effcompute.models.growth_model import GROWTH_DEFAULTS

    idata, config, _ = load_run(path)
    g = role_draws(idata, Role.RATE_TOPDOWN, f"{str(path)!r} has no top-down efficiency rate: fit the trend or joint model")
    mu, sd = float(np.mean(g)), float(np.std(g))
    return {
        "algorithms_rate": [GROWTH_DEFAULTS["algorithms_rate"][0], mu, mu],
        "algorithms_rate_sd": [GROWTH_DEFAULTS["algorithms_rate_sd"][0], sd, 2 * sd],
        "algorithms_source": f"effcompute {config.model} run {Path(path).name}: top-down rate {mu:.3f} +- {sd:.3f} OOM/year for 2018-2025 "
                             "(2026-: doubled sd; 2012-2017: Ho et al. 2024)",
    }


def load_growth_run(path):
    """(InferenceData, growth settings, attrs) of a saved growth run.

    Raises
    ------
    ValueError
        If the run is another model's.
    """
    from effcompute.inference.runs.files import load_run
    from effcompute.models.growth_model import growth_settings

    idata, config, attrs = load_run(path)
    if config.model != "growth":
        raise ValueError(f"{str(path)!r} is a {config.model!r} run, not a growth run")
    return idata, growth_settings(config), attrs


def predict_from_run(path, dates, seed: int = 1) -> list[dict]:
    """:func:`predict_frontier_compute` on a saved growth run (its smoothness, scatter held past its as-of date)."""
    idata, settings, attrs = load_growth_run(path)
    return predict_frontier_compute(idata.posterior, dates, settings["smoothness_years"], seed=seed, scatter_until=scatter_end(attrs))


def decomposition(headline: dict, quantities) -> dict:
    """``{component: {era: summary}}`` of the era rates in a run's headline."""
    out = {}
    for q in quantities:
        if q.select and COMPONENT in q.select and q.headline_key in headline:
            out.setdefault(q.select[COMPONENT], {})[q.select[ERA]] = headline[q.headline_key]
    return out
