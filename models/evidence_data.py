"""The evidence model's data: matched pairs, MFU runs, costs and the fp8 share as arrays, and the rows left out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from effcompute import dims
from effcompute.baseline import GPT3_TRAIN_FLOP
from effcompute.dates import decimal_year
from effcompute.models.config import ModelConfig, resolve_as_of

COMPUTE_FACTOR = "compute_factor"
FP8_PAIR = "fp8_pair"
MFU_YEAR_CENTRE = 2022.0
MFU_LOG10_PARAMS_CENTRE = 11.0
GPT3_LOG10_PARAMS = np.log10(175e9)
#: Hardware of the "today" run the hardware-efficiency gain is computed for.
TODAY_GENERATION = "hopper"
FINAL_RUN_COSTS = ("final_run_cloud", "final_run_amortized", "final_run_reported")
#: Dims of the pairs whose scale is unknown, of the stated cloud prices, and of the fp8-share window.
UNKNOWN_SCALE_PAIR = "unknown_scale_pair"
STATED_PRICE = "stated_price"
FP8_WINDOW = "fp8_window"
#: Per-observation latent offsets (non-centred study, cost-run MFU and price; guessed scales).
@dataclass
class EvidenceData:
    """Arrays and coordinates the evidence blocks are built from, plus what was left out and why."""

    coords: dict
    pairs: dict
    fp8_pairs: dict
    mfu: dict
    costs: dict
    fp8_share: dict
    as_of: dt.date
    excluded: list = field(default_factory=list)
    sources: dict = field(default_factory=dict)
    row_release: dict = field(default_factory=dict)


def _scale_delta(pairs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Orders of magnitude below GPT-3's FLOP; NaN where unknown, with a prior guess from params."""
    ref = np.log10(GPT3_TRAIN_FLOP)
    delta = ref - np.log10(pairs["max_flop"].to_numpy(float))
    # Unknown FLOP: guess from the largest model trained Chinchilla-optimally (20 tokens/param, 6ND).
    guess = ref - np.log10(120.0 * pairs["max_params"].to_numpy(float) ** 2)
    return delta, np.where(np.isnan(guess), 3.0, guess), np.where(np.isnan(guess), 2.0, 1.0)


def prepare_evidence(dataset, config: ModelConfig) -> EvidenceData:
    """Turn validated tables into the evidence model's arrays."""
    releases, hardware = dataset["releases"], dataset["hardware"].set_index("hardware")
    as_of = resolve_as_of(config, releases)
    excluded = []
    pairs = dataset["matched_pairs"]
    for _, r in pairs[pairs.technique == "other"].iterrows():
        excluded.append(("matched_pairs", r.pair_id, "technique 'other' maps to no factor"))
    factor_pairs = pairs[pairs.technique.isin(dims.COMPUTE_FACTORS)].reset_index(drop=True)
    fp8 = pairs[pairs.technique == "fp8"].reset_index(drop=True)
    studies = sorted(set(factor_pairs.study) | set(fp8.study))
    delta, delta_guess, delta_guess_sd = _scale_delta(factor_pairs)
    x = np.zeros((len(factor_pairs), len(dims.COMPUTE_FACTORS)))
    x[np.arange(len(factor_pairs)), [dims.COMPUTE_FACTORS.index(t) for t in factor_pairs.technique]] = 1.0

    mfu = dataset["mfu"]
    gen_of = dims.HARDWARE_GENERATION
    rel = releases.set_index("name")
    costs = dataset["costs"]
    with_mfu = set(mfu.release.dropna())
    cost_rows = []
    for _, c in costs.iterrows():
        reason = None
        r = rel.loc[c.release] if isinstance(c.release, str) and c.release in rel.index else None
        hw = c.hardware if isinstance(c.hardware, str) else (r.hardware if r is not None and isinstance(r.hardware, str) else None)
        if c.what_counted not in FINAL_RUN_COSTS:
            reason = f"counts {c.what_counted}, not the final run"
        elif r is None or np.isnan(r.train_flop):
            reason = "no release with training FLOP"
        elif hw is None:
            reason = "hardware unknown"
        elif c.release in with_mfu:
            reason = "the run's MFU is already in mfu.csv"
        if reason:
            excluded.append(("costs", c.cost_id, reason))
            continue
        peak_col = "peak_fp8_flops" if r.precision == "fp8" else "peak_bf16_flops"
        cost_rows.append(
            dict(
                cost_id=c.cost_id, log_cost=np.log(c.cost_usd), log_flop=np.log(r.train_flop), log_peak=np.log(hardware.loc[hw, peak_col]),
                price=c.price_per_chip_hour_usd, year=decimal_year(r.release_date)[0], generation=gen_of[hw],
                moe=float(r.params_active < r.params_total), scale=np.log10(r.params_total) - MFU_LOG10_PARAMS_CENTRE,
            )
        )
    cost_df = pd.DataFrame(cost_rows)
    generations = sorted(set(mfu.hardware.map(gen_of)) | {TODAY_GENERATION} | set(cost_df.get("generation", [])))
    stated = costs[costs.price_per_chip_hour_usd.notna()]
    stated_prices = stated.price_per_chip_hour_usd.to_numpy(float)

    window = releases[
        (pd.to_datetime(releases.release_date) <= pd.Timestamp(as_of))
        & (pd.to_datetime(releases.release_date) > pd.Timestamp(as_of) - pd.Timedelta(days=365.25 * config.fp8_window_years))
        & releases.precision.notna()
    ]
    coords = {
        dims.FACTOR: list(dims.FACTORS),
        COMPUTE_FACTOR: list(dims.COMPUTE_FACTORS),
        dims.PAIR: list(factor_pairs.pair_id),
        FP8_PAIR: list(fp8.pair_id),
        dims.STUDY: studies,
        dims.MFU_RUN: list(mfu.run),
        dims.GENERATION: generations,
        dims.COST: list(cost_df.get("cost_id", [])),
        UNKNOWN_SCALE_PAIR: list(factor_pairs.pair_id[np.isnan(delta)]),
        STATED_PRICE: list(stated.cost_id),
        FP8_WINDOW: [f"releases {(pd.Timestamp(as_of) - pd.Timedelta(days=365.25 * config.fp8_window_years)).date()} to {as_of}"],
    }
    by_cost = costs.set_index("cost_id").reindex(coords[dims.COST])
    # leave-one-source-out groups pairs by study and costs by document; each MFU row is its own source
    sources = dict(pair=tuple(factor_pairs.study), fp8_pair=tuple(fp8.study), mfu=(), cost=tuple(by_cost.source.fillna("")), stated_price=())
    row_release = dict(mfu=[r if isinstance(r, str) else "" for r in mfu.release], cost=[r if isinstance(r, str) else "" for r in by_cost.release])
    return EvidenceData(
        coords=coords,
        pairs=dict(
            y=np.log(factor_pairs.compute_multiplier.to_numpy(float)), x=x, delta=delta, delta_guess=delta_guess,
            delta_guess_sd=delta_guess_sd, study=np.array([studies.index(s) for s in factor_pairs.study], dtype=int),
        ),
        fp8_pairs=dict(y=np.log(fp8.compute_multiplier.to_numpy(float)), study=np.array([studies.index(s) for s in fp8.study], dtype=int)),
        mfu=dict(
            y=mfu.mfu.to_numpy(float), year=decimal_year(mfu.date) - MFU_YEAR_CENTRE,
            generation=np.array([generations.index(gen_of[h]) for h in mfu.hardware], dtype=int),
            moe=(mfu.params_active.fillna(mfu.params_total) < mfu.params_total).to_numpy(float),
            scale=np.log10(mfu.params_total.to_numpy(float)) - MFU_LOG10_PARAMS_CENTRE,
        ),
        costs=dict(
            log_cost=cost_df.get("log_cost", pd.Series(dtype=float)).to_numpy(float),
            log_flop=cost_df.get("log_flop", pd.Series(dtype=float)).to_numpy(float),
            log_peak=cost_df.get("log_peak", pd.Series(dtype=float)).to_numpy(float),
            price=cost_df.get("price", pd.Series(dtype=float)).to_numpy(float),
            year=cost_df.get("year", pd.Series(dtype=float)).to_numpy(float) - MFU_YEAR_CENTRE,
            generation=np.array([generations.index(g) for g in cost_df.get("generation", [])], dtype=int),
            moe=cost_df.get("moe", pd.Series(dtype=float)).to_numpy(float),
            scale=cost_df.get("scale", pd.Series(dtype=float)).to_numpy(float),
            stated_log_prices=np.log(stated_prices),
        ),
        fp8_share=dict(n=int(len(window)), k=int((window.precision == "fp8").sum())),
        as_of=as_of,
        excluded=excluded,
        sources=sources,
        row_release=row_release,
    )
