"""Forecasts of releases the model has not seen: a time split at a cutoff date.

Fit the model on the data before the cutoff (releases, their scores and
costs; MFU runs dated before it), then predict, from each later release's
training FLOP, date and hardware:

- its benchmark scores (trend block: latent FLOP with its measurement error,
  the fitted curve of each benchmark series, score noise),
- the MFU of later named runs (MFU regression; a hardware generation unseen
  before the cutoff gets a generation effect drawn from its prior),
- its final-run training cost where one is recorded (cost block).

Matched pairs carry no date and are all kept in the fit: the joint model's
factors see papers published after the cutoff.

Reported: coverage of the 50/80/95% equal-tailed predictive intervals over
all predicted observations (and by kind), the mean absolute error of the
predictive median of the scores against a per-series least-squares line of
score on log10 FLOP fitted to the same pre-cutoff scores, the scores' mean
signed error (observed minus median: > 0 when later releases beat the
forecast) and their mean CRPS (continuous ranked probability score, in score
points; a proper score, lower is better, that rewards sharpness and
calibration together). Each score's median and CRPS are kept by name, so two
models' forecasts can be compared observation by observation
(:func:`paired_difference`).
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from effcompute import dims
from effcompute.models.forecasting import predict_mfu_and_costs, predict_scores
from effcompute.models.trend import prepare_trend

MASSES = (0.5, 0.8, 0.95)


def split_dataset(dataset, cutoff: dt.date):
    """(before, after): datasets of releases before the cutoff, and of everything with only post-cutoff rows to predict."""
    from effcompute.data.load import Dataset

    cut = pd.Timestamp(cutoff)
    rel = dataset["releases"]
    early = set(rel.name[pd.to_datetime(rel.release_date) < cut])
    late = set(rel.name) - early
    frames = dict(dataset.frames)
    before = dict(frames)
    before["releases"] = rel[rel.name.isin(early)].reset_index(drop=True)
    before["scores"] = frames["scores"][frames["scores"].release.isin(early)].reset_index(drop=True)
    before["mfu"] = frames["mfu"][pd.to_datetime(frames["mfu"].date) < cut].reset_index(drop=True)
    before["costs"] = frames["costs"][frames["costs"].release.isin(early)].reset_index(drop=True)
    after = dict(frames)
    after["scores"] = frames["scores"][frames["scores"].release.isin(late)].reset_index(drop=True)
    after["mfu"] = frames["mfu"][pd.to_datetime(frames["mfu"].date) >= cut].reset_index(drop=True)
    after["costs"] = frames["costs"][frames["costs"].release.isin(late)].reset_index(drop=True)
    return Dataset(before, dataset.data_dir), Dataset(after, dataset.data_dir)


def log_linear_baseline(train_scores: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """Per-series least-squares score = a + b log10 FLOP on the pre-cutoff scores, at each test row."""
    out = np.full(len(test), np.nan)
    for series, rows in test.groupby("series"):
        fit = train_scores[(train_scores.series == series) & np.isfinite(train_scores.log10_flop)]
        if len(fit) >= 2:
            b, a = np.polyfit(fit.log10_flop, fit.value, 1)
            out[rows.index] = a + b * rows.log10_flop
    return out


def coverage(predictions: pd.DataFrame) -> dict:
    """Share of observations inside each central predictive interval."""
    out = {}
    for m in MASSES:
        inside = [np.quantile(d, (1 - m) / 2) <= y <= np.quantile(d, (1 + m) / 2) for d, y in zip(predictions.draws, predictions.observed)]
        out[f"coverage{int(m * 100)}"] = float(np.mean(inside)) if inside else float("nan")
    return out


def crps(draws: np.ndarray, observed: float) -> float:
    """CRPS of a predictive sample at one observation: E|X - y| - E|X - X'| / 2 (the energy form, exact for the sample)."""
    x = np.sort(np.asarray(draws, dtype=float))
    m = len(x)
    spread = 2.0 * np.sum((2.0 * np.arange(1, m + 1) - m - 1) * x) / m**2  # E|X - X'| over all ordered pairs
    return float(np.mean(np.abs(x - observed)) - 0.5 * spread)


def paired_difference(a: dict, b: dict, key: str = "crps") -> dict:
    """Mean of ``a - b`` over the scores both forecasts predicted, with a standard error clustered by release.

    Scores of one release share its release effect, so they are not independent; the standard error treats
    each release's summed difference as one draw (n releases, not n scores).
    """
    pa, pb = ({o["what"]: o[key] for o in r["scores"]} for r in (a, b))
    common = sorted(set(pa) & set(pb))
    if not common:
        raise ValueError("the two forecasts share no predicted score")
    diff = pd.Series({w: pa[w] - pb[w] for w in common})
    release = diff.groupby([w.rsplit(" ", 1)[0] for w in common])
    sums, sizes, mean = release.sum(), release.size(), float(diff.mean())
    k = len(sums)
    # cluster-robust standard error of a mean: sqrt(k / (k - 1) * sum_r (S_r - n_r * mean)^2) / n
    se = float(np.sqrt(k / (k - 1) * np.sum((sums - sizes * mean) ** 2)) / len(common)) if k > 1 else float("nan")
    return {"key": key, "n": len(common), "n_releases": k, "mean_difference": mean, "se": se}


def run_forecast(cutoff, *, data_dir=None, model_name="joint", draws=500, tune=500, chains=2, seed=1, quiet=True,
                 config_fields: dict | None = None) -> dict:
    """Fit on the data before ``cutoff`` and score the predictions of everything after it.

    ``config_fields`` overrides fields of the model's :class:`~effcompute.models.config.ModelConfig` (e.g. the
    switches of an earlier model, to compare forecasts on the same split).

    Returns
    -------
    dict
        ``n`` (predicted observations), ``coverage50/80/95``, ``mae`` and
        ``mae_baseline`` (score points, predictive median vs the log-linear
        baseline), ``bias`` and ``crps`` of the scores, ``by_kind``, ``n_releases``,
        ``scores`` (per score: what, observed, median, crps), ``config`` and the fitted run's divergences.
    """
    from effcompute.data.load import load_dataset
    from effcompute.inference.sampling.sampler import sample_model
    from effcompute.models import build_model
    from effcompute.models.config import ModelConfig

    cutoff = dt.date.fromisoformat(str(cutoff))
    dataset = load_dataset(data_dir)
    before, after = split_dataset(dataset, cutoff)
    config = ModelConfig(**{**(config_fields or {}), "model": model_name})
    effmodel = build_model(before, config)
    idata, _ = sample_model(effmodel.model, draws=draws, tune=tune, chains=chains, seed=seed, target_accept=effmodel.target_accept, quiet=quiet, progress=False)
    post = idata.posterior
    rng = np.random.default_rng(seed)
    train = prepare_trend(before, config)
    parts = [predict_scores(post, train, after, config, rng)]
    if dims.GENERATION in effmodel.coords():
        parts.append(predict_mfu_and_costs(post, effmodel.coords()[dims.GENERATION], after, config, rng))
    pred = pd.concat(parts, ignore_index=True)
    scores = pred[pred.kind == "scores"].reset_index(drop=True)
    train_scores = pd.DataFrame({
        "series": np.array(train.coords[dims.SERIES])[train.obs["series"]],
        "log10_flop": train.releases.log10_flop.to_numpy()[train.obs["release"]],
        "value": train.obs["value"],
    })
    baseline = log_linear_baseline(train_scores, scores)
    median = np.array([np.median(d) for d in scores.draws])
    score_crps = np.array([crps(d, y) for d, y in zip(scores.draws, scores.observed)])
    ok = np.isfinite(baseline)
    result = {
        "cutoff": cutoff.isoformat(), "model": model_name, "n": int(len(pred)), **coverage(pred),
        "mae": float(np.mean(np.abs(median[ok] - scores.observed[ok]))),
        "mae_baseline": float(np.mean(np.abs(baseline[ok] - scores.observed[ok]))),
        "n_mae": int(ok.sum()),
        "bias": float(np.mean(scores.observed - median)) if len(scores) else float("nan"),
        "crps": float(np.mean(score_crps)) if len(scores) else float("nan"),
        "scores": [{"what": w, "observed": float(y), "median": float(m), "crps": float(c)}
                   for w, y, m, c in zip(scores.what, scores.observed, median, score_crps)],
        "config": json.loads(config.to_json()),
        "by_kind": {k: {"n": int(len(g)), **coverage(g)} for k, g in pred.groupby("kind")},
        "n_releases": int(len({w.rsplit(' ', 1)[0] for w in scores.what})),
        "divergences": int(idata.sample_stats["diverging"].sum()),
        "worst": [
            {"kind": r.kind, "what": r.what, "observed": float(r.observed), "predictive_percentile": float(np.mean(r.draws <= r.observed))}
            for r in pred.assign(p=[abs(np.mean(d <= y) - 0.5) for d, y in zip(pred.draws, pred.observed)]).nlargest(5, "p").itertuples()
        ],
    }
    return result


def format_forecast(result: dict) -> str:
    """Terminal summary of :func:`run_forecast`."""
    lines = [
        f"Forecast check: {result['model']} model fitted on data before {result['cutoff']}, {result['n']} later observations predicted "
        f"({result['n_releases']} releases with scores)",
        f"coverage of central predictive intervals: 50% -> {result['coverage50']:.0%}, 80% -> {result['coverage80']:.0%}, 95% -> {result['coverage95']:.0%}",
    ]
    for kind, row in result["by_kind"].items():
        lines.append(f"  {kind:6s} n={row['n']:4d}: 50% {row['coverage50']:.0%}, 80% {row['coverage80']:.0%}, 95% {row['coverage95']:.0%}")
    lines.append(f"scores, mean absolute error of the predictive median: {result['mae']:.2f} points; "
                 f"per-series log-linear-on-FLOP baseline: {result['mae_baseline']:.2f} (n={result['n_mae']})")
    lines.append(f"scores, mean CRPS {result['crps']:.2f} points (lower is better); mean of observed minus median {result['bias']:+.2f} points")
    lines.append("least expected: " + "; ".join(f"{w['what']} ({w['kind']}, percentile {w['predictive_percentile']:.3f})" for w in result["worst"]))
    return "\n".join(lines)
