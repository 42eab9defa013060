"""The first trend model (``trend_v1``), kept for comparison: benchmark-matched training FLOP, top-down.

Superseded by :mod:`effcompute.models.trend` (release and lab effects, a rate per series, overtraining
through a loss law, a bounded likelihood); kept so docs/results.md's waterfall and bench/bench_trend.py
can rerun it.


For each release r and benchmark series s (a benchmark at a shot count):

    score = floor_s + (ceiling_s - floor_s) * sigmoid(slope_s * (log10 FLOP_r + g * t_r - midpoint_s))

with t_r in years since 2020. ``g`` (orders of magnitude per year) is how
much less compute the same score needs each year: R_compute = 10^(g x years),
halving time = 12 log10(2) / g months. log10 FLOP is measured with error
(wider for 6ND counts and third-party estimates than for reported FLOP), and
third-party scores carry extra evaluator noise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pymc as pm
import pytensor.tensor as pt

from effcompute import dims
from effcompute.baseline import GPT3_MMLU_5SHOT, GPT3_TRAINING_DATE, years_since_gpt3
from effcompute.dates import decimal_year
from effcompute.models import equations as eq
from effcompute.models.base import EffModel, Observed, Quantity, Role
from effcompute.models.config import ModelConfig, resolve_as_of
from effcompute.models.trend import CHANCE, FLOP_TO_MATCH, GPT3_SERIES, MIDPOINT_SAMPLING_YEAR, TREND_EPOCH, score_labels, select_series

#: Per-release latent offsets (non-centred measurement error of log10 FLOP).
NUISANCE = ("flop_error_z",)


@dataclass
class TrendData:
    """Arrays of the trend model and the rows it left out."""

    coords: dict
    releases: pd.DataFrame
    obs: dict
    chance: np.ndarray
    match_years: np.ndarray
    as_of: dt.date
    excluded: list


def prepare_trend(dataset, config: ModelConfig) -> TrendData:
    """Select benchmark series with enough scores and releases with training FLOP."""
    releases = dataset["releases"].set_index("name")
    as_of = resolve_as_of(config, dataset["releases"])
    scores = dataset["scores"].copy()
    scores["series"] = scores.benchmark + "@" + scores.shots.astype(int).astype(str)
    excluded = []
    has_flop = scores.release.map(releases.train_flop).notna()
    for release in sorted(set(scores.release[~has_flop])):
        excluded.append(("scores", release, "release has no training FLOP"))
    scores, keep, names = select_series(scores[has_flop], releases, config.min_series_rows, excluded)
    rel = releases.loc[names]
    sd = rel.flop_basis.map(config.flop_log10_sd)
    if sd.isna().any():
        raise ValueError(f"flop_log10_sd has no entry for flop_basis {sorted(set(rel.flop_basis[sd.isna()]))}")
    start = decimal_year(GPT3_TRAINING_DATE)[0]
    end = decimal_year(as_of)[0]
    match_years = np.unique(np.round(np.r_[start, np.arange(np.ceil(start), end), end], 4))
    return TrendData(
        coords={dims.RELEASE: names, dims.SERIES: keep, dims.SCORE_OBS: score_labels(scores.release, scores.series), dims.MATCH_DATE: match_years},
        releases=pd.DataFrame(
            {"log10_flop": np.log10(rel.train_flop.to_numpy(float)), "flop_sd": sd.to_numpy(float), "t": decimal_year(rel.release_date) - TREND_EPOCH},
            index=names,
        ),
        obs=dict(
            value=scores.score.to_numpy(float),
            release=np.array([names.index(n) for n in scores.release], dtype=int),
            series=np.array([keep.index(s) for s in scores.series], dtype=int),
            third_party=(scores.evaluator == "third_party").to_numpy(float),
        ),
        chance=np.array([CHANCE[s.split("@")[0]] for s in keep]),
        match_years=match_years,
        as_of=as_of,
        excluded=excluded,
    )


def add_trend_block(data: TrendData, config: ModelConfig):
    """Latent FLOP, benchmark curves and the efficiency rate g; returns log(R_compute) top-down."""
    r, o = data.releases, data.obs
    g = pm.Normal("g_oom_per_year", 0.25, 0.5)
    true_log10_flop = pm.Deterministic(
        "true_log10_flop",
        pm.Data("log10_flop_reported", r.log10_flop.to_numpy(), dims=dims.RELEASE)
        + r.flop_sd.to_numpy() * pm.Normal("flop_error_z", 0, 1, dims=dims.RELEASE),
        dims=dims.RELEASE,
    )
    floor = pm.Deterministic("floor", data.chance + pm.Normal("floor_offset", 0.0, 3.0, dims=dims.SERIES), dims=dims.SERIES)
    # Lognormal gap below 100 (label noise keeps benchmarks short of 100%): a half-normal gap piles
    # posterior mass against 0 for unsaturated benchmarks and caused divergences.
    ceiling = pm.Deterministic("ceiling", 100.0 - pm.LogNormal("ceiling_gap", np.log(8.0), 0.7, dims=dims.SERIES), dims=dims.SERIES)
    slope = pm.LogNormal("slope", np.log(1.5), 0.5, dims=dims.SERIES)
    # Sampled at MIDPOINT_SAMPLING_YEAR, reported at TREND_EPOCH.
    t_centre = MIDPOINT_SAMPLING_YEAR - TREND_EPOCH
    midpoint_centred = pm.Normal("midpoint_centred", 23.0, 1.5, dims=dims.SERIES)
    midpoint = pm.Deterministic("midpoint", eq.effective_log10_flop(midpoint_centred, g, t_centre), dims=dims.SERIES)
    # Zero-avoiding Gamma(2, 0.3) (mean 6.7 points, P(< 0.5) = 1%): a benchmark's own sampling noise is
    # 0.4-1.4 points, so a fit sd near 0 is impossible, and HalfNormal(5)'s mass there (8% below 0.5)
    # made a funnel with the latent FLOP: divergences and too-narrow posteriors in SBC (docs/checks.md).
    fit_sd = pm.Gamma("score_sd", alpha=2.0, beta=0.3, dims=dims.SERIES)
    s, rel = o["series"], o["release"]
    effective = eq.effective_log10_flop(true_log10_flop[rel], g, r.t.to_numpy()[rel] - t_centre)
    mu = eq.score_curve(effective, floor[s], ceiling[s], slope[s], midpoint_centred[s])
    sigma = pt.sqrt(fit_sd[s] ** 2 + (config.score_evaluator_sd**2) * o["third_party"])
    pm.Normal("score", mu, sigma, observed=pm.Data("score_y", o["value"], dims=dims.SCORE_OBS), dims=dims.SCORE_OBS)

    years = years_since_gpt3(data.as_of)
    pm.Deterministic("halving_time_months", eq.halving_time_months(g))
    log_r = pm.Deterministic("log_compute_reduction_topdown", eq.log_reduction_from_rate(g, years))
    pm.Deterministic("compute_reduction_topdown", pt.exp(log_r))
    pm.Deterministic("compute_reduction_topdown_per_year", pt.exp(log_r / years))
    if GPT3_SERIES in data.coords[dims.SERIES]:
        i = data.coords[dims.SERIES].index(GPT3_SERIES)
        log10_needed = eq.log10_flop_for_score(GPT3_MMLU_5SHOT, floor[i], ceiling[i], slope[i], midpoint[i], g, data.match_years - TREND_EPOCH)
        pm.Deterministic(FLOP_TO_MATCH, log10_needed, dims=dims.MATCH_DATE)
    return log_r


def trend_quantities(data: TrendData) -> list[Quantity]:
    """Headline quantities of the trend block."""
    out = [
        Quantity("g_oom_per_year", "Compute requirement fall, top-down (orders of magnitude per year)", "OOM/year", role=Role.RATE_TOPDOWN),
        Quantity("halving_time_months", "Compute halving time, top-down", "months", role=Role.HALVING_TOPDOWN),
        Quantity("compute_reduction_topdown", "Compute reduction since GPT-3, top-down (benchmark trend)", "x", log_scale=True, tail_threshold=1000.0,
                 role=Role.COMPUTE_TOPDOWN),
        Quantity("compute_reduction_topdown_per_year", "Compute reduction per year, top-down", "x/year", log_scale=True, role=Role.COMPUTE_TOPDOWN_RATE),
    ]
    if GPT3_SERIES in data.coords[dims.SERIES]:
        out.append(Quantity(FLOP_TO_MATCH, "log10 training FLOP to match GPT-3's MMLU (5-shot) at the as-of date", "log10 FLOP",
                            select={dims.MATCH_DATE: -1}, role=Role.FLOP_TO_MATCH))
    return out


def trend_observations(data: TrendData) -> list[Observed]:
    """The score likelihood's rows, labelled by release and series."""
    names, series = data.coords[dims.RELEASE], data.coords[dims.SERIES]
    rel = [names[i] for i in data.obs["release"]]
    ser = [series[i] for i in data.obs["series"]]
    return [Observed("score", dims.SCORE_OBS, "scores", tuple(data.coords[dims.SCORE_OBS]), releases=tuple(rel), coords={"release": rel, "series": ser},
                     kind="scores")]


class TrendV1Model(EffModel):
    """Top-down, first version: benchmark scores as a sigmoid in training FLOP that shifts ``g`` orders of magnitude a year."""

    name = "trend_v1"
    description = "benchmark-matched training FLOP over time (top-down)"
    nuisance = NUISANCE
    key_variables = ("compute_reduction_topdown", "g_oom_per_year")

    def prepare(self, dataset) -> TrendData:
        return prepare_trend(dataset, self.config)

    def coords(self) -> dict:
        return self.data.coords

    def add_variables(self) -> None:
        add_trend_block(self.data, self.config)

    def headline_quantities(self) -> list[Quantity]:
        q = trend_quantities(self.data)
        # the trend model's compute reduction is its top-down one
        return q + [Quantity("compute_reduction_topdown", "Compute reduction since GPT-3 (training FLOP), top-down", "x", log_scale=True,
                             key=dims.COMPUTE_REDUCTION, tail_threshold=1000.0)]

    def observations(self) -> list[Observed]:
        return trend_observations(self.data)
