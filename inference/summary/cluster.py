"""Seed 000's cluster comparison as training FLOP: 100,000 H100 against GPT-4's ~20,000 A100.

Seed 000 (quoting SemiAnalysis): "GPT4 was trained on approximately 20,000 A100 GPUs,
but new cluster sizes of 100,000 H100 GPUs will have approx 31x more compute capacity
[...] these new clusters could train GPT4 in just 4 days, compared to the 90 days it took."

Training FLOP of a run = chips x dense peak FLOP/s x seconds x MFU. Peaks are the dense
datasheet values of effcompute's curated ``data/hardware.csv`` (its ``source_url`` column
cites NVIDIA's datasheets); the MFU is a stated value, with the range of
``data/mfu.csv``'s runs and benchmarks of >= 100B parameters on each chip family beside it.
"""

from __future__ import annotations

import numpy as np

from effcompute.inference.summary.numbers import summarize_draws
from effcompute.models.growth_forecasting import compute_trend_draws

SEED000_QUOTE = ("GPT4 was trained on approximately 20,000 A100 GPUs, but new cluster sizes of 100,000 H100 GPUs will have approx 31x "
                 "more compute capacity [...] could train GPT4 in just 4 days, compared to the 90 days it took")
#: The two clusters of seed 000 (chip names as in data/hardware.csv).
CLUSTERS = {"gpt4": {"label": "GPT-4's cluster (seed 000)", "chips": 20_000, "hardware": "A100-80GB"},
            "h100_100k": {"label": "100k H100 cluster (seed 000)", "chips": 100_000, "hardware": "H100-SXM"}}
DAYS = 90.0
MFU = 0.40
LARGE_RUN_PARAMS = 1e11


def run_flop(chips: float, peak_flops: float, days: float, mfu: float) -> float:
    """Training FLOP of ``chips`` chips at ``peak_flops`` dense FLOP/s each, for ``days`` days at utilisation ``mfu``."""
    return float(chips * peak_flops * days * 86_400.0 * mfu)


def mfu_range(mfu_table, hardware: str) -> tuple[float, float] | None:
    """(min, max) MFU of the table's rows (runs and benchmarks) of >= 100B parameters on chips of ``hardware``'s family (A100 or H100)."""
    family = hardware.split("-")[0]
    params = mfu_table.params_total.astype(float)
    rows = mfu_table[mfu_table.hardware.str.startswith(family) & (params >= LARGE_RUN_PARAMS)]
    return (float(rows.mfu.min()), float(rows.mfu.max())) if len(rows) else None


def seed000_clusters(hardware=None, mfu_table=None, days: float = DAYS, mfu: float = MFU) -> dict:
    """Both clusters' training FLOP in ``days`` days at ``mfu`` (BF16 dense peaks), and the seed's ratios recomputed.

    Parameters
    ----------
    hardware, mfu_table : pandas.DataFrame, optional
        effcompute's ``hardware`` and ``mfu`` tables (default: the bundled ones).

    Returns
    -------
    dict
        ``clusters`` (per cluster: chips, chip, peak BF16 and FP8 FLOP/s, training FLOP, the FLOP at the MFU range's ends,
        sources), ``ratio_bf16`` (peak ratio both in BF16), ``ratio_fp8_vs_bf16`` (H100 in FP8 against A100 in BF16, the
        seed's "31x"), ``days_for_gpt4_run`` at each ratio, and the stated assumptions.
    """
    from effcompute.data.load import load_table

    hardware = load_table("hardware") if hardware is None else hardware
    mfu_table = load_table("mfu") if mfu_table is None else mfu_table
    hw = hardware.set_index("hardware")
    out = {}
    for key, c in CLUSTERS.items():
        row = hw.loc[c["hardware"]]
        peak, fp8 = float(row.peak_bf16_flops), float(row.peak_fp8_flops)
        span = mfu_range(mfu_table, c["hardware"])
        out[key] = {**c, "peak_bf16_flops": peak, "peak_fp8_flops": None if np.isnan(fp8) else fp8,
                    "flop": run_flop(c["chips"], peak, days, mfu),
                    "mfu_range": span, "flop_range": [run_flop(c["chips"], peak, days, m) for m in span] if span else None,
                    "source": f"{row.source} ({row.source_url}); data/hardware.csv"}
    a, h = out["gpt4"], out["h100_100k"]
    bf16 = h["chips"] * h["peak_bf16_flops"] / (a["chips"] * a["peak_bf16_flops"])
    fp8 = h["chips"] * h["peak_fp8_flops"] / (a["chips"] * a["peak_bf16_flops"])
    return {"clusters": out, "ratio_bf16": bf16, "ratio_fp8_vs_bf16": fp8,
            "days_for_gpt4_run": {"bf16": days / bf16, "fp8": days / fp8},
            "assumptions": f"{days:g} days (seed 000's GPT-4 run), MFU {mfu:.2f} on BF16 dense peaks for both clusters; "
                           f"ranges: the MFU of data/mfu.csv's runs and benchmarks of >= 100B parameters on the same chip family",
            "quote": SEED000_QUOTE}


def year_trend_reaches(posterior, log10_flop: float, smoothness: float, start: float = 2018.0, end: float = 2040.0) -> dict:
    """When the frontier-compute trend first reaches ``log10_flop``: summary of the year over posterior draws.

    Draws that have not reached it by ``end`` count as ``end`` (``share_not_reached`` says how many).
    """
    grid = np.arange(start, end + 1e-9, 1 / 52)
    curve = compute_trend_draws(posterior, grid, smoothness)
    above = curve >= log10_flop
    reached = above.any(axis=1)
    year = np.where(reached, grid[np.argmax(above, axis=1)], end)
    return {**summarize_draws(year), "share_not_reached": float(1 - reached.mean())}
