"""Priors as data: serializable specs of the efficiency-factor distributions.

A :class:`FactorPrior` is plain data (family and numbers) that turns into a
PyMC random variable on request. Specs round-trip through ``to_dict`` /
``from_dict`` so a fitted model can store its priors as JSON in the netCDF
attributes, in the way pymc-marketing stores its model config.

Elicitation reads an interval as equal-tailed quantiles: an 80 % interval is
the 10th and 90th percentiles. For a truncated normal the interval belongs to
the normal before truncation (seed 002 states the normal, then truncates it).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from importlib import resources
from typing import Literal

import numpy as np
import pymc as pm
import pytensor.tensor as pt
from scipy import stats

Family = Literal["lognormal", "truncated_normal", "halfnormal_log"]
FAMILIES = ("lognormal", "truncated_normal", "halfnormal_log")
READINGS = ("intervals", "table")


def truncated_normal(name: str, mu: float, sigma: float, lower: float | None, upper: float | None, **kwargs):
    """Normal(mu, sigma) truncated to [lower, upper] (None = unbounded): ``pm.TruncatedNormal``, which NUTS
    samples through its default interval transform."""
    return pm.TruncatedNormal(name, mu=mu, sigma=sigma, lower=lower, upper=upper, **kwargs)


def z_of_central_mass(mass: float) -> float:
    """Standard-normal quantile bounding a central interval of probability ``mass``."""
    if not 0.0 < mass < 1.0:
        raise ValueError(f"mass={mass!r} must be in (0, 1)")
    return float(stats.norm.ppf(0.5 + mass / 2.0))


@dataclass(frozen=True)
class FactorPrior:
    """Distribution of one efficiency multiplier, before the floor at 1.

    Parameters
    ----------
    family : {"lognormal", "truncated_normal", "halfnormal_log"}
        ``lognormal``: log(multiplier) ~ Normal(mu, sigma).
        ``truncated_normal``: multiplier ~ Normal(mu, sigma) truncated to [lower, upper].
        ``halfnormal_log``: log(multiplier) ~ HalfNormal(sigma) (a weakly
        informative gain >= 1; ``mu`` is ignored and kept at 0).
    mu : float
        Log-median (lognormal) or location of the untruncated normal.
    sigma : float
        Scale, in log units (lognormal) or multiplier units (normal).
    lower, upper : float or None
        Truncation bounds of the normal; ignored for the lognormal.
    """

    family: Family
    mu: float
    sigma: float
    lower: float | None = None
    upper: float | None = None

    def __post_init__(self):
        if self.family not in FAMILIES:
            raise ValueError(f"family={self.family!r} must be one of {FAMILIES}")
        if not (math.isfinite(self.mu) and math.isfinite(self.sigma)) or self.sigma <= 0:
            raise ValueError(f"sigma={self.sigma!r} must be finite and > 0 (mu={self.mu!r})")
        if self.lower is not None and self.upper is not None and self.lower >= self.upper:
            raise ValueError(f"lower={self.lower!r} must be below upper={self.upper!r}")

    @classmethod
    def from_interval(cls, family: Family, low: float, high: float, mass: float, lower=None, upper=None, median=None):
        """Elicit a prior from an equal-tailed interval.

        Parameters
        ----------
        family : {"lognormal", "truncated_normal"}
        low, high : float
            The interval's ends, read as the (1 - mass)/2 and (1 + mass)/2 quantiles.
        mass : float
            Probability inside the interval (0.8 for an 80 % interval).
        lower, upper : float, optional
            Truncation of the normal.
        median : float, optional
            Override the centre (the seed's table reading) and keep the interval's width.
        """
        if not 0 < low < high:
            raise ValueError(f"interval low={low!r}, high={high!r} must satisfy 0 < low < high")
        z = z_of_central_mass(mass)
        if family == "lognormal":
            mu = math.log(median) if median is not None else (math.log(low) + math.log(high)) / 2
            sigma = (math.log(high) - math.log(low)) / (2 * z)
            return cls("lognormal", mu, sigma)
        mu = median if median is not None else (low + high) / 2
        return cls("truncated_normal", mu, (high - low) / (2 * z), lower, upper)

    def scipy(self):
        """The frozen SciPy distribution (for quantiles in checks and docs)."""
        if self.family == "lognormal":
            return stats.lognorm(s=self.sigma, scale=math.exp(self.mu))
        if self.family == "halfnormal_log":
            return _ExpHalfNormal(self.sigma)
        a = -np.inf if self.lower is None else (self.lower - self.mu) / self.sigma
        b = np.inf if self.upper is None else (self.upper - self.mu) / self.sigma
        return stats.truncnorm(a, b, loc=self.mu, scale=self.sigma)

    def to_pymc(self, name: str, **kwargs):
        """Create the random variable inside the current ``pm.Model`` context."""
        if self.family == "lognormal":
            return pm.LogNormal(name, mu=self.mu, sigma=self.sigma, **kwargs)
        if self.family == "halfnormal_log":
            return pm.Deterministic(name, pt.exp(pm.HalfNormal(name + "_log", sigma=self.sigma, **kwargs)))
        return truncated_normal(name, self.mu, self.sigma, self.lower, self.upper, **kwargs)

    def log_gain(self, name: str):
        """log(multiplier) restricted to gains >= 1, as a tensor in the current model.

        The seed sets draws below 1 to 1 (an atom at 1 with no density
        gradient); here the distribution is instead truncated at 1 and
        renormalized, a smooth density on [0, inf) in log space that NUTS
        samples through a log/interval transform. For the seed's priors the
        truncated mass is 1-10% per factor, so the two differ little.
        """
        if self.family == "lognormal":
            return truncated_normal(name, self.mu, self.sigma, 0.0, None)
        if self.family == "halfnormal_log":
            return pm.HalfNormal(name, sigma=self.sigma)
        lower = 1.0 if self.lower is None else max(1.0, self.lower)
        return pt.log(truncated_normal(name + "_gain", self.mu, self.sigma, lower, self.upper))

    def to_dict(self) -> dict:
        """JSON-ready dict; :meth:`from_dict` inverts it."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, d: dict) -> FactorPrior:
        """Build from :meth:`to_dict` output, naming any unknown key."""
        unknown = set(d) - {"family", "mu", "sigma", "lower", "upper"}
        if unknown:
            raise ValueError(f"unknown prior field(s) {sorted(unknown)} in {d!r}")
        return cls(**d)


class _ExpHalfNormal:
    """exp(HalfNormal(sigma)): just enough of SciPy's interface for quantiles."""

    def __init__(self, sigma: float):
        self._h = stats.halfnorm(scale=sigma)

    def ppf(self, q):
        return np.exp(self._h.ppf(q))

    def cdf(self, x):
        return self._h.cdf(np.log(x))


def load_seed002_statements() -> dict:
    """The seed's own statements (intervals, table medians, reported figures) from bundled JSON."""
    text = resources.files("effcompute.data").joinpath("seed002_factors.json").read_text(encoding="utf-8")
    return json.loads(text)


def seed002_priors(reading: str = "intervals") -> dict[str, FactorPrior]:
    """Priors of seed 002's six factors under one reading of the seed.

    Parameters
    ----------
    reading : {"intervals", "table"}
        ``intervals``: each stated interval taken literally (the lognormal's
        median is the interval's geometric midpoint). ``table``: the seed's
        table medians (2.5, 2.5, 3.5, 3.0, 2.2, 2.5) with the intervals' widths.

    Returns
    -------
    dict
        Factor name -> :class:`FactorPrior`, in the seed's order.
    """
    if reading not in READINGS:
        raise ValueError(f"reading={reading!r} must be one of {READINGS}")
    priors = {}
    for s in load_seed002_statements()["factors"]:
        priors[s["name"]] = FactorPrior.from_interval(
            s["family"],
            s["low"],
            s["high"],
            s["mass"],
            lower=s.get("lower"),
            upper=s.get("upper"),
            median=s["table_median"] if reading == "table" else None,
        )
    return priors


def seed002_prior_sources() -> dict[str, tuple[str, ...]]:
    """Factor -> the ``study`` keys of data/matched_pairs.csv the seed built that factor's prior from."""
    return {s["name"]: tuple(s.get("prior_sources", ())) for s in load_seed002_statements()["factors"]}
