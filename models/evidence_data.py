"""The evidence model's data: matched pairs, MFU runs, costs and the fp8 share as arrays, and the rows left out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from effcompute import dims
from effcompute.baseline import GPT3_TRAIN_FLOP
from effcompute.data.pair_rules import load_pair_rules, load_pair_scale
from effcompute.dates import decimal_year
from effcompute.models.config import ModelConfig, resolve_as_of
from effcompute.models.priors import seed002_prior_sources

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
#: Dim of the pairs that measure a gain over an improved baseline (pair rule ``conditional``).
CONDITIONAL_PAIR = "conditional_pair"
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


def _scale_delta(pairs: pd.DataFrame, scale: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Orders of magnitude below GPT-3's FLOP of the model each gain was measured at; NaN where unknown.

    In order: the FLOP the source states; 6 x active parameters x tokens (data/pair_scale.csv); the pair's
    ``max_flop`` (which for some rows is the baseline's). Unknown: a prior guess from the largest model trained
    Chinchilla-optimally (20 tokens/param, 6ND) with sd 1, or 3 +/- 2 orders of magnitude without parameters.
    """
    ref = np.log10(GPT3_TRAIN_FLOP)
    stated, six_nd = np.full(len(pairs), np.nan), np.full(len(pairs), np.nan)
    for i, pid in enumerate(pairs.pair_id):
        n, d, flop = scale.get(pid, (np.nan, np.nan, np.nan))
        stated[i], six_nd[i] = flop, 6.0 * n * d
    flop = np.where(np.isfinite(stated), stated, np.where(np.isfinite(six_nd), six_nd, pairs["max_flop"].to_numpy(float)))
    delta = ref - np.log10(flop)
    guess = ref - np.log10(120.0 * pairs["max_params"].to_numpy(float) ** 2)
    return delta, np.where(np.isnan(guess), 3.0, guess), np.where(np.isnan(guess), 2.0, 1.0)


def prior_source_studies(config: ModelConfig) -> dict[str, str]:
    """Study -> the factor whose prior (in use) was built from it; empty unless the seed's priors are used."""
    if config.prior != "seed":
        return {}
    sources = seed002_prior_sources()
    return {study: f for f in config.prior_factors() for study in sources.get(f, ())}


def prior_likelihood_overlap(data: EvidenceData, config: ModelConfig) -> set[str]:
    """Studies that both built a factor prior in use and enter the likelihood (empty when priors are independent)."""
    return set(prior_source_studies(config)) & set(data.coords[dims.STUDY])


def pair_exclusion(row, config: ModelConfig, factors: tuple, rules: dict, overlap: dict) -> str | None:
    """Why the likelihood leaves a matched pair out, or None if it enters."""
    if row.technique == "fp8":
        return None
    if row.technique == dims.CHINCHILLA and config.chinchilla == "loss_law":
        return "the Chinchilla factor is GPT-3's allocation penalty under the loss law; this row is a prediction of such a law"
    if row.technique not in factors:
        return f"technique {row.technique!r} maps to no factor of the bottom-up product"
    if row.study in overlap and config.prior_overlap == "drop":
        return f"study {row.study!r} built the {overlap[row.study]} prior (data/seed002_factors.json prior_sources)"
    rule = rules.get(row.pair_id)
    if rule is not None and (rule.rule == "exclude" or (rule.rule == "conditional" and config.conditional_pairs == "exclude")):
        return rule.reason
    return None


def _allocation_sides(pairs: pd.DataFrame, rules: dict) -> np.ndarray:
    """(N, D) of baseline and treatment for allocation-adjusted pairs, NaN elsewhere; shape (pairs, 4)."""
    out = np.full((len(pairs), 4), np.nan)
    for i, pid in enumerate(pairs.pair_id):
        rule = rules.get(pid)
        if rule is not None and rule.rule == "allocation_adjust":
            out[i] = rule.sides
    return out


def _conditional(pairs: pd.DataFrame, rules: dict) -> np.ndarray:
    """True for the pairs whose gain is over an improved baseline (rule ``conditional``)."""
    return np.array([rules.get(pid) is not None and rules[pid].rule == "conditional" for pid in pairs.pair_id], dtype=bool)


def prepare_evidence(dataset, config: ModelConfig) -> EvidenceData:
    """Turn validated tables into the evidence model's arrays."""
    releases, hardware = dataset["releases"], dataset["hardware"].set_index("hardware")
    as_of = resolve_as_of(config, releases)
    excluded = []
    pairs = dataset["matched_pairs"]
    factors = config.bottom_up_factors()
    rules = load_pair_rules() if config.pair_rules == "apply" else {}
    overlap = prior_source_studies(config)
    reasons = [pair_exclusion(r, config, factors, rules, overlap) for r in pairs.itertuples(index=False)]
    excluded += [("matched_pairs", pid, why) for pid, why in zip(pairs.pair_id, reasons) if why]
    kept = pairs[[why is None for why in reasons]]
    factor_pairs = kept[kept.technique.isin(factors)].reset_index(drop=True)
    fp8 = kept[kept.technique == "fp8"].reset_index(drop=True)
    studies = sorted(set(factor_pairs.study) | set(fp8.study))
    delta, delta_guess, delta_guess_sd = _scale_delta(factor_pairs, load_pair_scale() if config.scale_transfer == "per_technique" else {})
    conditional = _conditional(factor_pairs, rules)
    x = np.zeros((len(factor_pairs), len(factors)))
    x[np.arange(len(factor_pairs)), [factors.index(t) for t in factor_pairs.technique]] = 1.0

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
        dims.FACTOR: list(factors) + [dims.HARDWARE_EFFICIENCY],
        COMPUTE_FACTOR: list(factors),
        dims.PAIR: list(factor_pairs.pair_id),
        FP8_PAIR: list(fp8.pair_id),
        dims.STUDY: studies,
        dims.MFU_RUN: list(mfu.run),
        dims.GENERATION: generations,
        dims.COST: list(cost_df.get("cost_id", [])),
        UNKNOWN_SCALE_PAIR: list(factor_pairs.pair_id[np.isnan(delta)]),
        CONDITIONAL_PAIR: list(factor_pairs.pair_id[conditional]),
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
            technique=np.array([factors.index(t) for t in factor_pairs.technique], dtype=int),
            allocation=_allocation_sides(factor_pairs, rules), conditional=conditional,
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
