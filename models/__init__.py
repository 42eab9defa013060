"""The models: each a class in its own module, registered by name in :mod:`effcompute.models.registry`."""

from __future__ import annotations


def build_model(dataset, config):
    """The :class:`~effcompute.models.base.EffModel` that ``config.model`` names, on ``dataset`` (nothing sampled)."""
    from effcompute.models.base import build_model as _build

    return _build(dataset, config)
