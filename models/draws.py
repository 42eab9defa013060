"""Posterior draws as plain arrays, for the models' NumPy-side predictions."""

from __future__ import annotations

import numpy as np


def flat_draws(posterior, name: str) -> np.ndarray:
    """Draws of ``name`` with chain and draw stacked into the first axis (chain-major), the variable's own dims after."""
    var = posterior[name]
    rest = [d for d in var.dims if d not in ("chain", "draw")]
    return var.stack(sample=("chain", "draw")).transpose("sample", *rest).values
