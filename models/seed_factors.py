"""Seed 002's Monte Carlo as a prior-only PyMC model.

Six efficiency multipliers, each drawn from the distribution the seed states,
every draw below 1 set to 1 (footnote 11: a change that hurts would not be
adopted), multiplied into the algorithmic, compute and hardware reductions.
Nothing samples here: :func:`build_seed_factors_model` only builds the graph;
``effcompute.inference.sampling.prior_draws`` draws from it.
"""

from __future__ import annotations

import functools
import operator

import pymc as pm
import pytensor.tensor as pt

from effcompute import dims
from effcompute.models.base import EffModel, Quantity, Role
from effcompute.models.priors import FactorPrior, seed002_priors

#: Name of a factor's random variable before the floor at 1.
RAW_SUFFIX = "_raw"
MULTIPLIER = "multiplier"


def build_seed_factors_model(reading: str = "intervals", priors: dict[str, FactorPrior] | None = None) -> pm.Model:
    """Build the six-factor model.

    Parameters
    ----------
    reading : {"intervals", "table"}
        Which reading of seed 002 gives the priors (ignored if ``priors`` is given).
    priors : dict, optional
        Factor name -> :class:`FactorPrior`, overriding the seed's.

    Returns
    -------
    pm.Model
        Free variables ``<factor>_raw``; deterministics ``multiplier`` (dims
        ``factor``), ``algorithmic_reduction``, ``compute_reduction`` and
        ``hardware_reduction``.
    """
    priors = seed002_priors(reading) if priors is None else priors
    missing = set(dims.FACTORS) - set(priors)
    if missing:
        raise ValueError(f"priors lack factor(s) {sorted(missing)}")
    with pm.Model(coords={dims.FACTOR: list(dims.FACTORS)}) as model:
        add_seed_factors(priors)
    return model


def add_seed_factors(priors: dict[str, FactorPrior]) -> None:
    """The six floored multipliers and the reductions, in the current model context."""
    floored = {f: pt.maximum(priors[f].to_pymc(f + RAW_SUFFIX), 1.0) for f in dims.FACTORS}
    pm.Deterministic(MULTIPLIER, pt.stack([floored[f] for f in dims.FACTORS], axis=-1), dims=dims.FACTOR)
    for name, factors in dims.REDUCTIONS.items():
        # elementwise products (not an indexed prod) keep the vectorized draw path fused
        pm.Deterministic(name, functools.reduce(operator.mul, [floored[f] for f in factors]))


class SeedFactorsModel(EffModel):
    """Seed 002's six factors as a prior-only model (no data: ``dataset`` is ignored)."""

    name = "seed"
    description = "seed 002's Monte Carlo as a prior-only model"

    def prepare(self, dataset):
        return None

    def coords(self) -> dict:
        return {dims.FACTOR: list(dims.FACTORS)}

    def add_variables(self) -> None:
        add_seed_factors(seed002_priors(self.config.reading))

    def headline_quantities(self) -> list[Quantity]:
        roles = {dims.HARDWARE_REDUCTION: Role.HARDWARE, dims.COMPUTE_REDUCTION: Role.COMPUTE, dims.ALGORITHMIC_REDUCTION: Role.ALGORITHMIC}
        out = [Quantity(name, name.replace("_", " "), "x", log_scale=True, tail_threshold=1000.0, role=roles[name]) for name in reversed(dims.REDUCTIONS)]
        return out + [Quantity(MULTIPLIER, f"{f} multiplier", "x", log_scale=True, key=f"{f}_multiplier", select={dims.FACTOR: f}, role=Role.FACTOR)
                      for f in dims.FACTORS]
