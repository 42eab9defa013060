"""Seed 002's Monte Carlo, run through the PyMC model and set beside the seed's own figures."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np

from effcompute import dims
from effcompute.baseline import years_since_gpt3
from effcompute.inference.sampling.prior_draws import vectorized_prior_draws
from effcompute.inference.summary.multipliers import summarize_multiplier
from effcompute.models.priors import load_seed002_statements, seed002_priors
from effcompute.models.seed_factors import MULTIPLIER, build_seed_factors_model


def default_as_of() -> dt.date:
    """The seed's own as-of date (GPT-3's training + the seed's 'roughly 4 years')."""
    return dt.date.fromisoformat(load_seed002_statements()["as_of"])


def epoch_interactive_comparison(years: float | None = None) -> dict:
    """Epoch's interactive-model rates as quoted by seed 002, compounded over ``years``.

    Returns the compute reduction (algorithmic rate only, as Epoch has no
    data-quality term) and the hardware reduction (algorithmic x hardware
    efficiency), next to the figures the seed quotes (about 28x and 93x).
    """
    e = load_seed002_statements()["epoch_interactive_model"]
    years = e["years"] if years is None else years
    compute = e["algorithmic_per_year"] ** years
    hardware = (e["algorithmic_per_year"] * e["hardware_efficiency_per_year"]) ** years
    return {
        "years": years,
        "algorithmic_per_year": e["algorithmic_per_year"],
        "hardware_efficiency_per_year": e["hardware_efficiency_per_year"],
        dims.COMPUTE_REDUCTION: compute,
        dims.HARDWARE_REDUCTION: hardware,
        "seed_quotes": {dims.COMPUTE_REDUCTION: e["reported_compute_reduction"], dims.HARDWARE_REDUCTION: e["reported_hardware_reduction"]},
    }


def seed_reported() -> dict:
    """The seed's reported figures, with the years its per-year rates imply."""
    r = load_seed002_statements()["reported"]
    table = [s["table_median"] for s in load_seed002_statements()["factors"]]
    return {
        **r,
        "implied_years_hardware": math.log10(r["hardware_reduction_median"]) / r["hardware_oom_per_year"],
        "implied_years_compute": math.log10(r["compute_reduction_median"]) / r["compute_oom_per_year"],
        "product_of_table_medians_hardware": float(np.prod(table)),
        "product_of_table_medians_compute": float(np.prod(table[:5])),
        "product_of_table_medians_algorithmic": float(np.prod(table[:4])),
    }


def seed_draws(reading: str = "intervals", draws: int = 1_000_000, seed: int = 1):
    """Monte Carlo draws of seed 002's factors (``multiplier``) and the three reductions, as an xarray Dataset."""
    from effcompute.inference.sampling.record import ROLES_ATTR
    from effcompute.models.config import ModelConfig
    from effcompute.models.seed_factors import SeedFactorsModel

    model = build_seed_factors_model(reading)
    out = vectorized_prior_draws(model, draws, seed, var_names=[MULTIPLIER, *dims.REDUCTIONS])
    # the draws say what they are, as a fitted run's posterior does (the figures pick variables by role)
    out.attrs[ROLES_ATTR] = json.dumps(SeedFactorsModel(None, ModelConfig(model="seed", reading=reading)).roles())
    return out


def run_seed_monte_carlo(reading: str = "intervals", draws: int = 1_000_000, seed: int = 1, as_of: dt.date | None = None) -> dict:
    """Draw the seed model's prior and summarize factors and reductions.

    Parameters
    ----------
    reading : {"intervals", "table"}
        Reading of seed 002 (see :func:`effcompute.models.priors.seed002_priors`).
    draws : int
        Monte Carlo draws.
    seed : int
        Random seed (same seed, same numbers).
    as_of : datetime.date, optional
        End of the period the reductions accrued over (default: the seed's
        own date, 2024-05-01); per-year rates run from GPT-3's training (2020-05).

    Returns
    -------
    dict
        JSON-ready: ``hardware_reduction``, ``compute_reduction``,
        ``algorithmic_reduction`` (each with median, lo80, hi80, lo95, hi95, p_gt_1000,
        per_year, oom_per_year), ``factors`` (per factor), ``seed_reported``,
        ``epoch_interactive`` and the run's settings.
    """
    as_of = default_as_of() if as_of is None else as_of
    years = years_since_gpt3(as_of)
    ds = seed_draws(reading, draws, seed)
    out = {
        "reading": reading,
        "draws": int(draws),
        "seed": int(seed),
        "as_of": as_of.isoformat(),
        "years_since_gpt3": years,
        "priors": {k: p.to_dict() for k, p in seed002_priors(reading).items()},
    }
    for name in dims.REDUCTIONS:
        out[name] = summarize_multiplier(ds[name].values, years)
    out["factors"] = {
        f: summarize_multiplier(ds[MULTIPLIER].sel({dims.FACTOR: f}).values, years, threshold=1.0) for f in dims.FACTORS
    }
    for f in out["factors"].values():  # share of draws floored at 1 is more telling than P(>1)
        f["p_floored_at_1"] = 1.0 - f.pop("p_gt_1")
    out["seed_reported"] = seed_reported()
    out["epoch_interactive"] = epoch_interactive_comparison()
    return out
