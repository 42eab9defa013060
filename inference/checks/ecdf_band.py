"""Simultaneous confidence bands for the ECDF of uniform values (Sailynoja, Buerkner & Vehtari 2022).

SBC judges the ranks of each quantity by whether the ECDF of its fractional ranks stays inside a band that
holds at every evaluation point at once with probability ``prob`` when the ranks are uniform. The band is made
of pointwise binomial intervals at a common pointwise level ``gamma``; ``gamma`` is raised until the exact
probability that the ECDF of ``n`` uniform values stays inside all of them reaches ``prob`` (the
"optimized" construction of the paper). Written here rather than taken from ``arviz.stats.ecdf_utils``, which
is not ArviZ's public API and moves in ArviZ 1.x.

The exact probability uses the counts ``K_i = #{u_j <= z_i}``: given ``K_{i-1} = k`` the next increment is
``Binomial(n - k, (z_i - z_{i-1}) / (1 - z_{i-1}))``, so the probability of staying inside is a forward
recursion over the few counts each interval admits.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import stats


def _pointwise_counts(n: int, z: np.ndarray, gamma: float) -> tuple[np.ndarray, np.ndarray]:
    """Central ``gamma`` binomial intervals of the counts at ``z``, as integer (lower, upper) arrays."""
    lower = stats.binom.ppf((1 - gamma) / 2, n, z).astype(int)
    upper = stats.binom.ppf((1 + gamma) / 2, n, z).astype(int)
    return lower, upper


def inside_probability(n: int, z: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """P(lower_i <= K_i <= upper_i for every i) for the counts of ``n`` uniform values below increasing ``z``."""
    counts, probs, previous = np.array([0]), np.array([1.0]), 0.0
    for zi, lo, hi in zip(z, lower, upper):
        step = (zi - previous) / (1.0 - previous)
        new = np.arange(lo, hi + 1)
        transition = stats.binom.pmf(new[None, :] - counts[:, None], (n - counts)[:, None], step)
        probs, counts, previous = probs @ transition, new, zi
    return float(probs.sum())


@lru_cache(maxsize=32)
def _band(n: int, prob: float, points: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    z = np.linspace(0, 1, points + 2)[1:-1]
    lo_gamma, hi_gamma = prob, 1.0 - 1e-12
    for _ in range(40):  # bisection on the pointwise level; the inside probability rises with it
        mid = (lo_gamma + hi_gamma) / 2
        if inside_probability(n, z, *_pointwise_counts(n, z, mid)) >= prob:
            hi_gamma = mid
        else:
            lo_gamma = mid
    lower, upper = _pointwise_counts(n, z, hi_gamma)
    return z, lower / n, upper / n


def ecdf_band(n: int, prob: float, points: int = 100) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Evaluation points ``z`` in (0, 1) and the simultaneous ``prob`` band (lower, upper) of the ECDF of ``n``
    uniform values there."""
    if n < 1 or not 0.0 < prob < 1.0:
        raise ValueError(f"ecdf_band needs n >= 1 and 0 < prob < 1, got n={n}, prob={prob}")
    z, lower, upper = _band(int(n), float(prob), int(points))
    return z.copy(), lower.copy(), upper.copy()
