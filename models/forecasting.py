"""Predictive draws for observations a fitted model has not seen, through the models' own equations.

Used by the time-split forecast check (:mod:`effcompute.inference.checks.forecast`):
later releases' scores (trend block), and later MFU figures and training
costs (evidence blocks). Every curve comes from :mod:`effcompute.models.equations`,
the module the graphs are built from; the variable names are the models'.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from effcompute import dims
from effcompute.models import equations as eq
from effcompute.models import loss_law
from effcompute.models.draws import flat_draws
from effcompute.models.evidence import MFU_COEF_PRIORS, prepare_evidence
from effcompute.models.trend import MIDPOINT_SAMPLING_YEAR, ORG, TREND_EPOCH, prepare_trend


def score_curve_draws(posterior, series_index: int, log10_flop: np.ndarray, year: float, max_draws: int = 400) -> np.ndarray:
    """Draws x grid of one series' score (percent) for a mean release at ``year`` over a grid of compute-optimal log10 FLOP."""
    g = flat_draws(posterior, "g_series")[:, series_index]
    step = max(1, len(g) // max_draws)
    pick = lambda name: flat_draws(posterior, name)[::step, series_index][:, None]  # noqa: E731
    x = eq.effective_log10_flop(log10_flop[None, :], g[::step, None], year - TREND_EPOCH)
    return eq.score_curve(x, pick("floor"), pick("ceiling"), pick("slope"), pick("midpoint"))


def release_positions(posterior) -> np.ndarray:
    """Posterior median of each release's compute-optimal-equivalent log10 FLOP (where the figures place it)."""
    return np.median(flat_draws(posterior, "log10_optimal_flop"), axis=0)


def _law_draws(post, config) -> dict:
    weight = flat_draws(post, "law_weight") if config.loss_law == "span" else (1.0 if config.loss_law == "hoffmann" else 0.0)
    return loss_law.constants(np.asarray(weight))


def predict_scores(post, train, later, config, rng) -> pd.DataFrame:
    """Predictive draws (percent) of each later score in a series the model was fitted on.

    ``train`` is the fitted model's :class:`~effcompute.models.trend.TrendData`. A new release draws its
    release effect from the fitted scale, its lab effect from the fit when the lab is known (else from the
    fitted lab scale), and carries the fitted distillation effect if it was distilled.
    """
    test = prepare_trend(later, replace(config, min_series_rows=1))
    series, orgs = train.coords[dims.SERIES], train.coords[ORG]
    n = flat_draws(post, "g_oom_per_year").shape[0]
    law = _law_draws(post, config)
    g_s, floor, ceil, slope, mid_c = (flat_draws(post, v) for v in ("g_series", "floor", "ceiling", "slope", "midpoint_centred"))
    sd, nu, tp = flat_draws(post, "score_sd"), flat_draws(post, "score_nu"), flat_draws(post, "third_party_sd")
    release_sd, org_sd, org_eff, distill = (flat_draws(post, v) for v in ("release_sd", "org_sd", "org_effect", "distillation_effect"))
    test_orgs = test.coords[ORG]
    effects = {}
    for k, (name, r) in enumerate(test.releases.iterrows()):
        org = test_orgs[int(r.org)]
        org_draw = org_eff[:, orgs.index(org)] if org in orgs else org_sd * rng.standard_normal(n)
        own = np.sqrt(release_sd**2 + r.meas_sd**2) * rng.standard_normal(n)
        effects[k] = loss_law.log10_optimal_flop(law, r.log10_n, r.log10_d) + own + org_draw + distill * r.distilled
    t_centre = MIDPOINT_SAMPLING_YEAR - TREND_EPOCH
    rows = []
    for i, value in enumerate(test.obs["value"]):
        name = test.coords[dims.SERIES][test.obs["series"][i]]
        if name not in series:
            continue
        j, k = series.index(name), test.obs["release"][i]
        r = test.releases.iloc[k]
        x = eq.effective_log10_flop(effects[k], g_s[:, j], r.t - t_centre)
        mu = eq.score_curve(x, floor[:, j], ceil[:, j], slope[:, j], mid_c[:, j]) / 100.0
        sigma = np.sqrt(sd[:, j] ** 2 + tp**2 * test.obs["third_party"][i])
        noise = sigma * rng.standard_t(nu)
        rows.append({"kind": "scores", "what": test.coords[dims.SCORE_OBS][i], "series": name, "log10_flop": r.log10_flop, "observed": value,
                     "draws": 100.0 * eq.sigmoid(np.log(mu / (1 - mu)) + noise)})
    return pd.DataFrame(rows)


def _generation_effects(post, train_generations, generations, rng) -> np.ndarray:
    """Draws of each generation's MFU effect; generations unseen before the cutoff get draws from its prior."""
    fitted = flat_draws(post, "mfu_generation")
    mu, sd, _ = MFU_COEF_PRIORS["generation"]
    out = rng.normal(mu, sd, size=(fitted.shape[0], len(generations)))
    for k, gen in enumerate(generations):
        if gen in train_generations:
            out[:, k] = fitted[:, train_generations.index(gen)]
    return out


def predict_mfu_and_costs(post, train_generations: list[str], later, config, rng) -> pd.DataFrame:
    """Predictive draws of later MFU figures and final-run costs."""
    ev = prepare_evidence(later, config)
    coef = {key: flat_draws(post, f"mfu_{key}") for key in MFU_COEF_PRIORS}
    coef["generation"] = _generation_effects(post, train_generations, ev.coords[dims.GENERATION], rng)
    mfu_sd = flat_draws(post, "mfu_sd")
    rows = []
    m = ev.mfu
    for i, run in enumerate(ev.coords[dims.MFU_RUN]):
        eta = eq.mfu_logit(coef, m["year"][i], m["generation"][i], m["moe"][i], m["scale"][i])
        rows.append({"kind": "mfu", "what": run, "observed": m["y"][i], "draws": eq.sigmoid(eta + mfu_sd * rng.standard_normal(len(eta)))})
    c = ev.costs
    mu_p, sd_p = flat_draws(post, "log_price_mu"), flat_draws(post, "log_price_sd")
    for i, cost_id in enumerate(ev.coords[dims.COST]):
        eta = eq.mfu_logit(coef, c["year"][i], c["generation"][i], c["moe"][i], c["scale"][i])
        log_mfu = -np.log1p(np.exp(-(eta + mfu_sd * rng.standard_normal(len(eta)))))
        log_price = np.log(c["price"][i]) if np.isfinite(c["price"][i]) else mu_p + sd_p * rng.standard_normal(len(eta))
        mu = eq.log_cloud_cost(c["log_flop"][i], c["log_peak"][i], log_mfu, log_price)
        rows.append({"kind": "costs", "what": cost_id, "observed": np.exp(c["log_cost"][i]),
                     "draws": np.exp(mu + config.cost_log_sd * rng.standard_normal(len(eta)))})
    return pd.DataFrame(rows)
