"""The models by name: ``name -> "module:Class"``, resolved on first use.

Only strings live here, so the CLI can list the choices without importing
PyMC (slow to import). Adding a model is one file in ``models/`` with an
:class:`~effcompute.models.base.EffModel` subclass, plus one line below.
"""

from __future__ import annotations

import importlib

MODEL_CLASSES = {
    "seed": "effcompute.models.seed_factors:SeedFactorsModel",
    "evidence": "effcompute.models.evidence:EvidenceModel",
    "trend": "effcompute.models.trend:TrendModel",
    "trend_v1": "effcompute.models.trend_v1:TrendV1Model",
    "joint": "effcompute.models.joint:JointModel",
    "growth": "effcompute.models.growth_model:GrowthModel",
    "perplexity": "effcompute.models.perplexity:PerplexityModel",
}
#: Every model name, in the order the CLI lists them.
MODEL_NAMES = tuple(MODEL_CLASSES)
#: Variants of the perplexity model (``VARIANTS`` in models/perplexity.py), named here so the CLI need not import PyMC.
PERPLEXITY_VARIANTS = ("ho7", "neutral", "per_corpus", "irreducible")
#: Models fitted to data (the seed model is prior-only).
FITTED_MODELS = tuple(n for n in MODEL_NAMES if n != "seed")


def model_class(name: str):
    """The :class:`~effcompute.models.base.EffModel` subclass registered as ``name``.

    Raises
    ------
    ValueError
        If no model has that name.
    """
    if name not in MODEL_CLASSES:
        raise ValueError(f"model={name!r} must be one of {MODEL_NAMES}")
    module, cls = MODEL_CLASSES[name].split(":")
    return getattr(importlib.import_module(module), cls)
