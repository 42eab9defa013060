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
from effcompute.models.evidence import MFU_COEF_PRIORS, prepare_evidence
from effcompute.models.trend import prepare_trend


def _draws(post, name) -> np.ndarray:
    """Draws of ``name`` with chains and draws flattened into the first axis."""
    v = post[name].values
    return v.reshape(v.shape[0] * v.shape[1], *v.shape[2:])


def predict_scores(post, train_series: list[str], later, config, rng) -> pd.DataFrame:
    """Predictive draws of each later score in a series the model was fitted on."""
    test = prepare_trend(later, replace(config, min_series_rows=1))
    g, slope, mid = _draws(post, "g_oom_per_year"), _draws(post, "slope"), _draws(post, "midpoint")
    floor, ceil, sd = _draws(post, "floor"), _draws(post, "ceiling"), _draws(post, "score_sd")
    rows = []
    for i, score in enumerate(test.obs["value"]):
        series = test.coords[dims.SERIES][test.obs["series"][i]]
        if series not in train_series:
            continue
        j = train_series.index(series)
        r = test.releases.iloc[test.obs["release"][i]]
        flop = r.log10_flop + r.flop_sd * rng.standard_normal(len(g))
        mu = eq.score_curve(eq.effective_log10_flop(flop, g, r.t), floor[:, j], ceil[:, j], slope[:, j], mid[:, j])
        noise = np.sqrt(sd[:, j] ** 2 + config.score_evaluator_sd**2 * test.obs["third_party"][i])
        rows.append({"kind": "scores", "what": test.coords[dims.SCORE_OBS][i], "series": series,
                     "log10_flop": r.log10_flop, "observed": score, "draws": mu + noise * rng.standard_normal(len(g))})
    return pd.DataFrame(rows)


def _generation_effects(post, train_generations, generations, rng) -> np.ndarray:
    """Draws of each generation's MFU effect; generations unseen before the cutoff get draws from its prior."""
    fitted = _draws(post, "mfu_generation")
    mu, sd, _ = MFU_COEF_PRIORS["generation"]
    out = rng.normal(mu, sd, size=(fitted.shape[0], len(generations)))
    for k, gen in enumerate(generations):
        if gen in train_generations:
            out[:, k] = fitted[:, train_generations.index(gen)]
    return out


def predict_mfu_and_costs(post, train_generations: list[str], later, config, rng) -> pd.DataFrame:
    """Predictive draws of later MFU figures and final-run costs."""
    ev = prepare_evidence(later, config)
    coef = {key: _draws(post, f"mfu_{key}") for key in MFU_COEF_PRIORS}
    coef["generation"] = _generation_effects(post, train_generations, ev.coords[dims.GENERATION], rng)
    mfu_sd = _draws(post, "mfu_sd")
    rows = []
    m = ev.mfu
    for i, run in enumerate(ev.coords[dims.MFU_RUN]):
        eta = eq.mfu_logit(coef, m["year"][i], m["generation"][i], m["moe"][i], m["scale"][i])
        rows.append({"kind": "mfu", "what": run, "observed": m["y"][i], "draws": eq.sigmoid(eta + mfu_sd * rng.standard_normal(len(eta)))})
    c = ev.costs
    mu_p, sd_p = _draws(post, "log_price_mu"), _draws(post, "log_price_sd")
    for i, cost_id in enumerate(ev.coords[dims.COST]):
        eta = eq.mfu_logit(coef, c["year"][i], c["generation"][i], c["moe"][i], c["scale"][i])
        log_mfu = -np.log1p(np.exp(-(eta + mfu_sd * rng.standard_normal(len(eta)))))
        log_price = np.log(c["price"][i]) if np.isfinite(c["price"][i]) else mu_p + sd_p * rng.standard_normal(len(eta))
        mu = eq.log_cloud_cost(c["log_flop"][i], c["log_peak"][i], log_mfu, log_price)
        rows.append({"kind": "costs", "what": cost_id, "observed": np.exp(c["log_cost"][i]),
                     "draws": np.exp(mu + config.cost_log_sd * rng.standard_normal(len(eta)))})
    return pd.DataFrame(rows)
