"""The Chinchilla-type loss law L(N, D) = E + A / N^alpha + B / D^beta, with uncertain constants.

Two published fits bound the prior (docs/literature_notes.md, section 1):

- Hoffmann et al. 2022, "Training Compute-Optimal Large Language Models" (arXiv:2203.15556),
  Approach 3, Appendix D.2 eq. 10: E 1.69, A 406.4, B 410.7, alpha 0.34, beta 0.28 (no uncertainty stated).
- Besiroglu et al. 2024, "Chinchilla Scaling: A replication attempt" (arXiv:2404.10102), their refit of
  the same data: E 1.8172, A 482.01, B 2085.43, alpha 0.3478, beta 0.3658 (bootstrap standard errors
  0.0257, 124.5, 1293.3, 0.0154, 0.0206, from the authors' notebook).

The prior interpolates between the two in (E, log A, log B, alpha, beta) with a weight
``law_weight ~ Uniform(0, 1)`` (0: Besiroglu, 1: Hoffmann). A straight path keeps the constants'
strong correlations (log A with alpha, log B with beta: ~0.999 in the bootstrap) that independent priors
would break. N is parameters (active parameters for mixture-of-experts models), D training tokens.

The compute-optimal frontier of such a law (6ND FLOP) has a closed form: with
``a = beta / (alpha + beta)``, ``G = (alpha A / (beta B))^(1 / (alpha + beta))``,
``N_opt = G (C/6)^a``, ``D_opt = (C/6)^(1-a) / G``, and ``L*(C) = E + K (C/6)^(-gamma)`` with
``gamma = alpha beta / (alpha + beta)`` and ``K = A G^-alpha + B G^beta``. The least FLOP that reaches a
model's loss, its compute-optimal-equivalent FLOP, is therefore ``C* = 6 ((L - E) / K)^(-1 / gamma)``.
"""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytensor.tensor as pt

HOFFMANN_2022 = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}
BESIROGLU_2024 = {"E": 1.8172, "A": 482.01, "B": 2085.43, "alpha": 0.3478, "beta": 0.3658}
#: Which law: ``span`` (the prior between the two), or one of them fixed.
LAWS = ("span", "hoffmann", "besiroglu")


def _log(x):
    return pt.log(x) if isinstance(x, pt.Variable) else np.log(x)


def _exp(x):
    return pt.exp(x) if isinstance(x, pt.Variable) else np.exp(x)


def constants(weight) -> dict:
    """The law's constants at ``weight`` along the path from Besiroglu et al. (0) to Hoffmann et al. (1)."""
    b, h = BESIROGLU_2024, HOFFMANN_2022
    lerp = lambda x, y: x + weight * (y - x)  # noqa: E731
    return {
        "E": lerp(b["E"], h["E"]),
        "A": _exp(lerp(np.log(b["A"]), np.log(h["A"]))),
        "B": _exp(lerp(np.log(b["B"]), np.log(h["B"]))),
        "alpha": lerp(b["alpha"], h["alpha"]),
        "beta": lerp(b["beta"], h["beta"]),
    }


def prior_constants(choice: str = "span") -> dict:
    """The constants in the current ``pm.Model``: ``span``: ``law_weight ~ Uniform(0, 1)`` between the two fits;
    ``hoffmann`` or ``besiroglu``: that fit, fixed."""
    if choice not in LAWS:
        raise ValueError(f"loss_law={choice!r} must be one of {LAWS}")
    if choice == "span":
        return constants(pm.Uniform("law_weight", 0.0, 1.0))
    return constants(1.0 if choice == "hoffmann" else 0.0)


def reducible_loss(c: dict, log10_n, log10_d):
    """L - E = A / N^alpha + B / D^beta, from log10 N and log10 D."""
    ln10 = np.log(10.0)
    return c["A"] * _exp(-c["alpha"] * ln10 * log10_n) + c["B"] * _exp(-c["beta"] * ln10 * log10_d)


def log10_optimal_flop(c: dict, log10_n, log10_d):
    """log10 of the compute-optimal-equivalent FLOP of a model with N parameters trained on D tokens."""
    alpha, beta = c["alpha"], c["beta"]
    gamma = alpha * beta / (alpha + beta)
    log_g = (_log(alpha * c["A"]) - _log(beta * c["B"])) / (alpha + beta)
    k = c["A"] * _exp(-alpha * log_g) + c["B"] * _exp(beta * log_g)
    log_ratio = _log(reducible_loss(c, log10_n, log10_d)) - _log(k)
    return (np.log(6.0) - log_ratio / gamma) / np.log(10.0)


def allocation_penalty(c: dict, n, d):
    """Actual 6ND FLOP over the compute-optimal-equivalent FLOP: how much a model's allocation of N and D cost it."""
    return 6.0 * n * d / _exp(np.log(10.0) * log10_optimal_flop(c, np.log10(n), np.log10(d)))
