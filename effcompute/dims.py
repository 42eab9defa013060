"""Names of dimensions, coordinates and factors, shared by data, models and inference.

One place for these strings: a loader that builds an xarray object and a model
that declares ``dims=`` must agree on them.
"""

from __future__ import annotations

# Dimension names
FACTOR = "factor"
RELEASE = "release"
BENCHMARK = "benchmark"
SCORE_OBS = "score_obs"
PAIR = "pair"
MFU_RUN = "mfu_run"
COST = "cost"
DRAW = "draw"
CHAIN = "chain"

# The six efficiency factors of seed 002, in the seed's order (its table).
TRANSFORMER_PP = "transformer_pp"
MOE = "moe"
UNPUBLISHED = "unpublished"
CHINCHILLA = "chinchilla"
DATA_QUALITY = "data_quality"
HARDWARE_EFFICIENCY = "hardware_efficiency"

ALGORITHMIC_FACTORS = (TRANSFORMER_PP, MOE, UNPUBLISHED, CHINCHILLA)
COMPUTE_FACTORS = ALGORITHMIC_FACTORS + (DATA_QUALITY,)
FACTORS = COMPUTE_FACTORS + (HARDWARE_EFFICIENCY,)

# Derived reductions (requirement then / requirement now), and which factors multiply into each.
ALGORITHMIC_REDUCTION = "algorithmic_reduction"
COMPUTE_REDUCTION = "compute_reduction"
HARDWARE_REDUCTION = "hardware_reduction"
REDUCTIONS = {
    ALGORITHMIC_REDUCTION: ALGORITHMIC_FACTORS,
    COMPUTE_REDUCTION: COMPUTE_FACTORS,
    HARDWARE_REDUCTION: FACTORS,
}

# Hardware generation of each hardware.csv key (MFU regression groups).
HARDWARE_GENERATION = {
    "V100": "volta",
    "A100-40GB": "ampere",
    "A100-80GB": "ampere",
    "A800": "ampere",
    "H100-SXM": "hopper",
    "H100-PCIe": "hopper",
    "H800": "hopper",
    "H200": "hopper",
    "B200": "blackwell",
    "GB200": "blackwell",
    "TPUv2": "tpu",
    "TPUv3": "tpu",
    "TPUv4": "tpu",
    "TPUv5e": "tpu",
    "TPUv5p": "tpu",
    "TPUv6e": "tpu",
    "MI250X": "amd",
    "MI300X": "amd",
    "Gaudi2": "gaudi",
}
GENERATION = "generation"
STUDY = "study"
SERIES = "series"
MATCH_DATE = "match_date"
