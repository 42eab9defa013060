"""Simulate data from a model's own generative code, for parameter recovery (and later SBC)."""

from __future__ import annotations

import pymc as pm

try:  # PyTensor >= 2.31 moved it; the old location warns and will go
    from pytensor.graph.traversal import ancestors
except ImportError:  # pragma: no cover - older PyTensor
    from pytensor.graph.basic import ancestors


def observed_data_names(model: pm.Model) -> dict:
    """Observed variable name -> the name of the pm.Data container holding its values."""
    out = {}
    data_names = {d.name for d in model.data_vars}
    for rv in model.observed_RVs:
        # integer data reach a discrete likelihood through a cast, so look through the graph
        for var in ancestors([model.rvs_to_values[rv]]):
            if var.name in data_names:
                out[rv.name] = var.name
                break
    return out
