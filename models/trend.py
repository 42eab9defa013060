"""The trend model (top-down): benchmark scores against compute-optimal-equivalent training FLOP over time.

For release r (N_r active parameters, D_r tokens, date t_r, lab o_r) and benchmark series s (a benchmark
at a shot count):

    x_r      = log10 C*(N_r, D_r)              compute-optimal-equivalent FLOP under the loss law (models/loss_law.py)
             + u_r + v_{o_r} + delta d_r       release effect, lab effect, distillation effect (d_r = 1 if distilled)
    x_rs     = x_r + g_s (t_r - 2023.5)        each series shifts g_s orders of magnitude a year
    mu_rs    = floor_s + (ceiling_s - floor_s) sigmoid(slope_s (x_rs - m_s))          percent
    logit(score_rs / 100) ~ StudentT(nu, logit(mu_rs / 100), sigma_s (+ third-party noise))

with g_s partially pooled around the pooled rate g, u_r ~ Normal(0, sqrt(sd_u^2 + m_r^2)) (m_r: how
uncertain the release's compute figures are, by ``flop_basis``), v_o ~ Normal(0, sd_o).

The estimand: R_compute(t) = GPT-3's 3.14e23 FLOP over the compute-optimal-equivalent FLOP a mean
release needs at t to reach GPT-3's MMLU 5-shot (43.9); the frontier version uses the
``frontier_quantile`` of the release-and-lab effects. GPT-3's own allocation penalty (its 6ND FLOP over
its C*) is part of R; ``allocation_share`` says how much.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pymc as pm
import pytensor.tensor as pt
from scipy.stats import norm

from effcompute import dims
from effcompute.baseline import GPT3_MMLU_5SHOT, GPT3_PARAMS, GPT3_TOKENS, GPT3_TRAIN_FLOP, GPT3_TRAINING_DATE, years_since_gpt3
from effcompute.data.links import CHANCE  # chance accuracy of each benchmark: the prior centre of its floor
from effcompute.dates import decimal_year
from effcompute.models import equations as eq
from effcompute.models import loss_law
from effcompute.models.base import EffModel, Observed, Quantity, Role
from effcompute.models.config import ModelConfig, resolve_as_of

TREND_EPOCH = 2020.0
#: Year at which the curves' midpoints are sampled (near the releases' mean date, where midpoint and the rates
#: decorrelate). A constant, not the data's mean, so the prior does not move when releases are added.
MIDPOINT_SAMPLING_YEAR = 2023.5
#: Scored items of each benchmark's usual evaluation split (docs/literature_notes.md, section 3): a score is a share
#: of these, so it is kept half an item away from 0 and 100 before the logit.
ITEMS = {"MMLU": 14042, "HellaSwag": 10042, "ARC-Challenge": 1172, "WinoGrande": 1267, "GSM8K": 1319, "TriviaQA": 17944, "PIQA": 1838}
GPT3_SERIES = "MMLU@5"
FLOP_TO_MATCH = "log10_flop_to_match_gpt3_mmlu"
#: The MoE factor's log-gain, named as the evidence block names its factors (``log_<factor>``).
MOE_LOG_GAIN = f"log_{dims.MOE}"
ORG = "org"
#: Non-centred release and lab offsets (one per release or lab; not ranked in SBC).
NUISANCE = ("release_z", "org_z")


@dataclass
class TrendData:
    """Arrays of the trend model and the rows it left out."""

    coords: dict
    releases: pd.DataFrame
    obs: dict
    chance: np.ndarray
    items: np.ndarray
    match_years: np.ndarray
    as_of: dt.date
    excluded: list


def score_labels(releases, series) -> list[str]:
    """'release series' of each score row, e.g. 'Gemma-2B HellaSwag@0': one label per observation."""
    return [f"{r} {s}" for r, s in zip(releases, series)]


def _tokens(rel: pd.DataFrame) -> pd.Series:
    """Training tokens; where unreported, FLOP / (6 x active parameters)."""
    return rel.train_tokens.fillna(rel.train_flop / (6.0 * rel.params_active))


def select_series(scores: pd.DataFrame, releases: pd.DataFrame, min_rows: int, excluded: list) -> tuple[pd.DataFrame, list, list]:
    """Keep the series with at least ``min_rows`` scores (the rest go to ``excluded``); (scores, series, releases by date)."""
    counts = scores.series.value_counts()
    keep = sorted(counts[counts >= min_rows].index)
    for s in sorted(set(counts.index) - set(keep)):
        excluded.append(("scores", s, f"{counts[s]} scores < min_series_rows={min_rows}"))
    scores = scores[scores.series.isin(keep)].reset_index(drop=True)
    return scores, keep, sorted(set(scores.release), key=lambda n: (releases.loc[n, "release_date"], n))


def prepare_trend(dataset, config: ModelConfig) -> TrendData:
    """Select base-checkpoint scores of releases with parameters and tokens (or FLOP), in series with enough rows."""
    releases = dataset["releases"].set_index("name")
    as_of = resolve_as_of(config, dataset["releases"])
    scores = dataset["scores"].copy()
    scores["series"] = scores.benchmark + "@" + scores.shots.astype(int).astype(str)
    excluded = []
    if "checkpoint" in scores:
        post = scores.checkpoint.eq("post_trained")
        excluded += [("scores", f"{r} {s}", "score of a post-trained checkpoint") for r, s in zip(scores.release[post], scores.series[post])]
        scores = scores[~post]
    tokens = _tokens(releases)
    usable = releases.params_active.notna() & tokens.notna()
    has = scores.release.map(usable).fillna(False).astype(bool)
    for release in sorted(set(scores.release[~has])):
        excluded.append(("scores", release, "release has neither training tokens nor FLOP (or no parameter count)"))
    scores, keep, names = select_series(scores[has], releases, config.min_series_rows, excluded)
    rel = releases.loc[names]
    sd = rel.flop_basis.map(config.flop_log10_sd).fillna(max(config.flop_log10_sd.values()))
    orgs = sorted(set(rel.org))
    distilled = rel.distilled_from.notna() if "distilled_from" in rel else pd.Series(False, index=rel.index)
    start, end = decimal_year(GPT3_TRAINING_DATE)[0], decimal_year(as_of)[0]
    match_years = np.unique(np.round(np.r_[start, np.arange(np.ceil(start), end), end], 4))
    bench = [s.split("@")[0] for s in keep]
    items = np.array([ITEMS[b] for b in scores.benchmark], dtype=float)
    frac = np.clip(scores.score.to_numpy(float) / 100.0, 0.5 / items, 1 - 0.5 / items)
    return TrendData(
        coords={dims.RELEASE: names, dims.SERIES: keep, dims.SCORE_OBS: score_labels(scores.release, scores.series), dims.MATCH_DATE: match_years, ORG: orgs},
        releases=pd.DataFrame(
            {"log10_flop": np.log10(rel.train_flop.to_numpy(float)), "log10_n": np.log10(rel.params_active.to_numpy(float)),
             "log10_d": np.log10(tokens.loc[names].to_numpy(float)), "meas_sd": sd.to_numpy(float), "t": decimal_year(rel.release_date) - TREND_EPOCH,
             "org": [orgs.index(o) for o in rel.org], "distilled": distilled.to_numpy(float),
             "moe": (rel.params_active < rel.params_total).to_numpy(float)},
            index=names,
        ),
        obs=dict(
            value=scores.score.to_numpy(float),
            logit=np.log(frac / (1 - frac)),
            release=np.array([names.index(n) for n in scores.release], dtype=int),
            series=np.array([keep.index(s) for s in scores.series], dtype=int),
            third_party=(scores.evaluator == "third_party").to_numpy(float),
        ),
        chance=np.array([CHANCE[b] for b in bench]),
        items=np.array([ITEMS[b] for b in bench], dtype=float),
        match_years=match_years,
        as_of=as_of,
        excluded=excluded,
    )


#: The pooled rate's default prior, orders of magnitude (OOM) per year: 0.3 is a 12-month halving time, and sd 0.3
#: puts 95% on -0.3 to 0.9 (docs/models.md). ``ModelConfig.rate_prior`` replaces it.
DEFAULT_RATE_PRIOR = {"mu": 0.3, "sd": 0.3, "source": "weakly informative default (models/trend.py)"}


def rate_prior_notes(config: ModelConfig) -> list[str]:
    """A note naming the pooled rate's prior when it is not the default (empty otherwise)."""
    r = config.rate_prior
    return [f"Pooled rate prior N({r['mu']:.3f}, {r['sd']:.3f}) OOM/year, not the default N({DEFAULT_RATE_PRIOR['mu']:g}, {DEFAULT_RATE_PRIOR['sd']:g}): {r['source']}."] if r else []


def adopted_log_gain(config: ModelConfig, log_moe=None):
    """The MoE factor's log-gain that MoE releases add to their effective compute, or None (``adoption="none"``).

    ``log_moe``: the evidence block's factor in the joint model; the trend alone gets its own, with the weak factor
    prior HalfNormal(1.5) (models/config.py ``WEAK_LOG_SIGMA``), since it uses no factor prior built from papers.
    ``config.adoption_log_gain`` fixes it instead (the cut fit; data, so one compiled model serves every value).
    """
    if config.adoption == "none":
        return None
    if config.adoption_log_gain is not None:
        return pm.Data(MOE_LOG_GAIN, float(config.adoption_log_gain))
    from effcompute.models.config import WEAK_LOG_SIGMA

    return pm.HalfNormal(MOE_LOG_GAIN, WEAK_LOG_SIGMA) if log_moe is None else log_moe


def add_trend_block(data: TrendData, config: ModelConfig, c: dict | None = None, log_moe=None):
    """Scores, curves, rates and effects; returns log R_compute top-down (MMLU 5-shot): of the mean release, or with
    ``adoption="moe"`` of the mean release that adopts MoE.

    ``c``: the loss law's constants when another block shares them (the joint model); else made here.
    ``log_moe``: the MoE factor shared with the evidence block (joint model, ``adoption="moe"``).
    """
    r, o = data.releases, data.obs
    c = loss_law.prior_constants(config.loss_law) if c is None else c
    log10_opt = pm.Deterministic("log10_optimal_flop", loss_law.log10_optimal_flop(c, r.log10_n.to_numpy(), r.log10_d.to_numpy()), dims=dims.RELEASE)
    rate = config.rate_prior or DEFAULT_RATE_PRIOR
    g = pm.Normal("g_oom_per_year", rate["mu"], rate["sd"])
    g_series = pm.Deterministic("g_series", g + pm.HalfNormal("g_series_sd", 0.15) * pm.Normal("g_series_z", 0, 1, dims=dims.SERIES), dims=dims.SERIES)
    release_sd = pm.HalfNormal("release_sd", 0.5)
    org_sd = pm.HalfNormal("org_sd", 0.3)
    distill = pm.Normal("distillation_effect", 0.0, 0.5)
    org_effect = pm.Deterministic("org_effect", org_sd * pm.Normal("org_z", 0, 1, dims=ORG), dims=ORG)
    own_sd = pt.sqrt(release_sd**2 + r.meas_sd.to_numpy() ** 2)
    adopted = adopted_log_gain(config, log_moe)
    technique = 0.0 if adopted is None else r.moe.to_numpy() * adopted / np.log(10.0)  # a log-gain, in OOM of compute
    effect = pm.Deterministic("release_effect", own_sd * pm.Normal("release_z", 0, 1, dims=dims.RELEASE) + org_effect[r.org.to_numpy()]
                              + distill * r.distilled.to_numpy() + technique, dims=dims.RELEASE)
    # softplus keeps the floor above 0 for benchmarks whose chance score is 0 (GSM8K, TriviaQA); elsewhere it is chance + offset
    floor = pm.Deterministic("floor", pt.softplus(data.chance + pm.Normal("floor_offset", 0.0, 3.0, dims=dims.SERIES)), dims=dims.SERIES)
    # The ceiling sits a share of the way down from 100 to the floor (label noise keeps benchmarks short of 100%):
    # Beta(2, 18), mean 10%, so always between floor and 100 (a gap in points could cross either).
    ceiling_gap = pm.Beta("ceiling_gap", 2.0, 18.0, dims=dims.SERIES)
    ceiling = pm.Deterministic("ceiling", 100.0 - (100.0 - floor) * ceiling_gap, dims=dims.SERIES)
    slope = pm.LogNormal("slope", np.log(1.5), 0.5, dims=dims.SERIES)
    t_centre = MIDPOINT_SAMPLING_YEAR - TREND_EPOCH
    midpoint_centred = pm.Normal("midpoint_centred", 23.0, 1.5, dims=dims.SERIES)
    midpoint = pm.Deterministic("midpoint", eq.effective_log10_flop(midpoint_centred, g_series, t_centre), dims=dims.SERIES)
    # logit-scale noise of a score: Gamma(2, 8) has mean 0.25 (about 6 points at 50%) and little mass near 0,
    # where a benchmark's own sampling noise (under 1.5 points) would put it.
    score_sd = pm.Gamma("score_sd", alpha=2.0, beta=8.0, dims=dims.SERIES)
    third_party_sd = pm.HalfNormal("third_party_sd", 0.2)
    nu = pm.Gamma("score_nu", alpha=2.0, beta=0.1)  # Juarez & Steel 2010: robust tails, mean 20
    s, rel = o["series"], o["release"]
    x = eq.effective_log10_flop(log10_opt[rel] + effect[rel], g_series[s], r.t.to_numpy()[rel] - t_centre)
    mu = eq.score_curve(x, floor[s], ceiling[s], slope[s], midpoint_centred[s]) / 100.0
    sigma = pt.sqrt(score_sd[s] ** 2 + third_party_sd**2 * o["third_party"])
    pm.StudentT("score_logit", nu=nu, mu=pt.log(mu / (1 - mu)), sigma=sigma, observed=pm.Data("score_logit_y", o["logit"], dims=dims.SCORE_OBS),
                dims=dims.SCORE_OBS)
    return add_trend_estimands(data, config, c, g, g_series, floor, ceiling, slope, midpoint, release_sd, org_sd, adopted)


def add_trend_estimands(data: TrendData, config: ModelConfig, c, g, g_series, floor, ceiling, slope, midpoint, release_sd, org_sd, adopted=None):
    """Reductions, halving times, FLOP to match GPT-3, the frontier and GPT-3's allocation penalty; returns log R (mean release,
    adopting MoE when ``adopted`` is its log-gain)."""
    years = years_since_gpt3(data.as_of)
    penalty = pm.Deterministic("gpt3_allocation_penalty", loss_law.allocation_penalty(c, GPT3_PARAMS, GPT3_TOKENS))
    pm.Deterministic("halving_time_months_pooled", eq.halving_time_months(g))
    frontier_shift = norm.ppf(config.frontier_quantile) * pt.sqrt(release_sd**2 + org_sd**2)
    series = data.coords[dims.SERIES]
    if GPT3_SERIES in series:
        i = series.index(GPT3_SERIES)
        pm.Deterministic("g_oom_per_year_mmlu", g_series[i])
        pm.Deterministic("halving_time_months", eq.halving_time_months(g_series[i]))
        needed = eq.log10_flop_for_score(GPT3_MMLU_5SHOT, floor[i], ceiling[i], slope[i], midpoint[i], g_series[i], data.match_years - TREND_EPOCH)
        if adopted is not None:  # the recipe that adopts MoE needs its gain less
            needed = needed - adopted / np.log(10.0)
        needed = pm.Deterministic(FLOP_TO_MATCH, needed, dims=dims.MATCH_DATE)
        pm.Deterministic(FLOP_TO_MATCH + "_frontier", needed - frontier_shift, dims=dims.MATCH_DATE)
        log_r = np.log(GPT3_TRAIN_FLOP) - np.log(10.0) * needed[-1]
    else:  # no MMLU series (a reduced data set): GPT-3's allocation penalty and the pooled rate since its training
        pm.Deterministic("halving_time_months", eq.halving_time_months(g))
        log_r = pt.log(penalty) + eq.log_reduction_from_rate(g, years) + (0.0 if adopted is None else adopted)
    log_r = pm.Deterministic("log_compute_reduction_topdown", log_r)
    pm.Deterministic("compute_reduction_topdown", pt.exp(log_r))
    pm.Deterministic("compute_reduction_topdown_per_year", pt.exp(log_r / years))
    pm.Deterministic("compute_reduction_topdown_frontier", pt.exp(log_r + np.log(10.0) * frontier_shift))
    pm.Deterministic("allocation_share", pt.log(penalty) / log_r)
    return log_r


def trend_quantities(data: TrendData) -> list[Quantity]:
    """Headline quantities of the trend block: the top-down reduction (MMLU 5-shot), rates, allocation, frontier."""
    out = [
        Quantity("compute_reduction_topdown", "Compute reduction since GPT-3, top-down (benchmark-matched, MMLU 5-shot)", "x", log_scale=True,
                 tail_threshold=1000.0, role=Role.COMPUTE_TOPDOWN),
        Quantity("compute_reduction_topdown_per_year", "Compute reduction per year, top-down", "x/year", log_scale=True, role=Role.COMPUTE_TOPDOWN_RATE),
        Quantity("compute_reduction_topdown_frontier", "Compute reduction since GPT-3, top-down, frontier recipe (release and lab effects at their upper quantile)", "x",
                 log_scale=True, role=Role.COMPUTE_TOPDOWN_FRONTIER),
        Quantity("halving_time_months", "Compute halving time, top-down (MMLU 5-shot)", "months", role=Role.HALVING_TOPDOWN),
        Quantity("g_oom_per_year", "Pooled rate over benchmarks (orders of magnitude per year)", "OOM/year", role=Role.RATE_POOLED),
        Quantity("halving_time_months_pooled", "Compute halving time, pooled over benchmarks", "months", role=Role.HALVING_POOLED),
        Quantity("gpt3_allocation_penalty", "GPT-3's allocation penalty (its FLOP over the compute-optimal FLOP for its loss)", "x", log_scale=True,
                 role=Role.ALLOCATION_PENALTY),
        Quantity("allocation_share", "Share of the log top-down reduction that is GPT-3's allocation", "fraction", role=Role.ALLOCATION_SHARE),
    ]
    series = data.coords[dims.SERIES]
    if GPT3_SERIES in series:
        out.insert(5, Quantity("g_oom_per_year_mmlu", "Rate of MMLU 5-shot (orders of magnitude per year)", "OOM/year", role=Role.RATE_TOPDOWN))
        last = len(data.match_years) - 1
        out.append(Quantity(FLOP_TO_MATCH, "log10 compute-optimal FLOP to match GPT-3's MMLU (5-shot) at the as-of date", "log10 FLOP",
                            select={dims.MATCH_DATE: last}, role=Role.FLOP_TO_MATCH))
        out.append(Quantity(FLOP_TO_MATCH + "_frontier", "log10 FLOP to match GPT-3's MMLU at the as-of date, frontier recipe", "log10 FLOP",
                            key=FLOP_TO_MATCH + "_frontier", select={dims.MATCH_DATE: last}, role=Role.FLOP_TO_MATCH_FRONTIER))
        out += [Quantity(FLOP_TO_MATCH, f"log10 FLOP to match GPT-3's MMLU in {y:.2f}", "log10 FLOP", key=f"{FLOP_TO_MATCH}_{y:.2f}",
                         select={dims.MATCH_DATE: k}, role=Role.FLOP_TO_MATCH_BY_YEAR) for k, y in enumerate(data.match_years)]
    out += [Quantity("g_series", f"Rate of {s} (orders of magnitude per year)", "OOM/year", key=f"g_oom_per_year_{s}", select={dims.SERIES: s},
                     role=Role.SERIES_RATE) for s in series]
    return out


def trend_observations(data: TrendData) -> list[Observed]:
    """The score likelihood's rows, labelled by release and series."""
    names, series = data.coords[dims.RELEASE], data.coords[dims.SERIES]
    rel = [names[i] for i in data.obs["release"]]
    ser = [series[i] for i in data.obs["series"]]
    return [Observed("score_logit", dims.SCORE_OBS, "scores", tuple(data.coords[dims.SCORE_OBS]), releases=tuple(rel), coords={"release": rel, "series": ser},
                     kind="scores", natural="logit_percent")]


class TrendModel(EffModel):
    """Top-down: benchmark scores against compute-optimal-equivalent FLOP, with release, lab and distillation effects."""

    name = "trend"
    description = "benchmark-matched compute-optimal FLOP over time (top-down)"
    nuisance = NUISANCE
    calibrated_derived = ("compute_reduction_topdown", "g_oom_per_year_mmlu")
    key_variables = ("compute_reduction_topdown", "g_oom_per_year", "release_sd")

    def prepare(self, dataset) -> TrendData:
        return prepare_trend(dataset, self.config)

    def coords(self) -> dict:
        return self.data.coords

    def add_variables(self) -> None:
        add_trend_block(self.data, self.config)

    def headline_quantities(self) -> list[Quantity]:
        return trend_quantities(self.data)

    def observations(self) -> list[Observed]:
        return trend_observations(self.data)

    def notes(self) -> list[str]:
        return ["Top-down reductions are benchmark-matched at GPT-3's MMLU 5-shot (43.9) for a mean release; the frontier figure puts the "
                f"release and lab effects at their {self.config.frontier_quantile:.0%} quantile."] + rate_prior_notes(self.config)
