"""After new releases are added: what moved, how surprising they were, and an approximate update.

All three start from the same step, :func:`carry_posterior`: the posterior
draws of the fit *before* the addition, carried onto the model built from the
data *after* it. Parameters the new data did not touch keep their draws;
parameters that exist only because of the new rows (the latent FLOP error of
a new release, the effect of a new study, the MFU of a new cost row) are
drawn from their prior given the carried draws. The carried draws are then

* a posterior predictive for the new rows: the percentile of each new
  observation among them is how surprising it was before it was added
  (:func:`surprise_of_additions`);
* a proposal for importance sampling: weights ``p(y_after | theta) /
  p(y_before | theta)`` turn them into draws of the posterior after the
  addition, without a refit (:func:`approximate_update`). Pareto-smoothed
  (PSIS, Vehtari et al. 2024), with the Pareto k that says when it is safe.
"""

from __future__ import annotations

import contextlib
import warnings

import arviz as az
import numpy as np
import pandas as pd
import pymc as pm
import xarray as xr

from effcompute import dims
from effcompute.inference.sampling.gate import PARETO_K_MAX
from effcompute.inference.sampling.sampler import quiet_pymc_logs
from effcompute.inference.summary.headline import headline_draws

#: A new observation outside this predictive percentile range is called out as a surprise.
SURPRISE_RANGE = (2.5, 97.5)
SAMPLE_DIMS = (dims.CHAIN, dims.DRAW)


@contextlib.contextmanager
def _quiet():
    """PyMC's logs and its 'not in trace, sampled from the prior' warnings off, for the duration."""
    with quiet_pymc_logs(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in trace.*")
        yield


def thin(posterior: xr.Dataset, max_draws: int) -> xr.Dataset:
    """Keep about ``max_draws`` draws in total, evenly spaced within each chain."""
    n = posterior.sizes[dims.CHAIN] * posterior.sizes[dims.DRAW]
    step = max(1, int(np.ceil(n / max_draws)))
    kept = posterior.isel({dims.DRAW: slice(None, None, step)})
    return kept.assign_coords({dims.DRAW: np.arange(kept.sizes[dims.DRAW])})


def carry_posterior(posterior: xr.Dataset, model: pm.Model, seed: int = 1) -> xr.Dataset:
    """Posterior draws of an earlier fit, as draws of every free variable of ``model``.

    Free variables whose coordinates the earlier posterior lacks (new releases,
    studies, generations, cost rows) are drawn from their prior given the
    carried draws; entries the earlier posterior has keep their values.
    Deterministics are recomputed under ``model`` (so an as-of date that moved
    with the new data moves the reductions too).

    Returns
    -------
    xr.Dataset
        Free variables and deterministics of ``model`` on (chain, draw).
    """
    with _quiet():
        return _carry(posterior, model, seed)


def _carry(posterior: xr.Dataset, model: pm.Model, seed: int) -> xr.Dataset:
    free = [rv.name for rv in model.free_RVs]
    coords = {k: list(v) for k, v in model.coords.items() if v is not None}

    def same_coords(name):
        var_dims = model.named_vars_to_dims.get(name, ())
        if name not in posterior or posterior[name].dims[2:] != tuple(var_dims):
            return False
        return all(list(posterior[name].coords[d].values) == coords[d] for d in var_dims)

    kept = [n for n in free if same_coords(n)]
    fresh = [n for n in free if n not in kept]
    sample_coords = {d: np.arange(posterior.sizes[d]) for d in SAMPLE_DIMS}
    posterior = posterior.assign_coords(sample_coords)
    carried = posterior[kept]
    if fresh:
        drawn = pm.sample_posterior_predictive(
            carried, model=model, var_names=fresh, random_seed=seed, progressbar=False, return_inferencedata=True
        ).posterior_predictive
        parts = []
        for name in fresh:
            new = drawn[name].copy()
            old = posterior.get(name)
            if old is not None and old.dims == new.dims:
                shared = {d: [c for c in old.coords[d].values if c in set(new.coords[d].values)] for d in new.dims[2:]}
                if all(shared.values()):
                    new.loc[shared] = old.sel(shared).values
            parts.append(new.rename(name).assign_coords(sample_coords))
        carried = xr.merge([carried, *parts], compat="override", join="exact")
    det = pm.compute_deterministics(carried, model=model, progressbar=False).assign_coords(sample_coords)
    return xr.merge([carried, det], compat="override", join="exact")


def _log_likelihood_sum(posterior: xr.Dataset, model: pm.Model) -> xr.DataArray:
    """Total log-likelihood of ``model``'s observed data at each draw, on (chain, draw)."""
    free = [rv.name for rv in model.free_RVs]
    ll = pm.compute_log_likelihood(az.InferenceData(posterior=posterior[free]), model=model, extend_inferencedata=False, progressbar=False)
    total = 0
    for name, da in ll.data_vars.items():
        total = total + da.sum([d for d in da.dims if d not in SAMPLE_DIMS])
    return total


def weighted_quantiles(x: np.ndarray, weights: np.ndarray, qs) -> np.ndarray:
    """Quantiles of weighted draws (weights need not be normalised)."""
    order = np.argsort(x)
    x, w = x[order], weights[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(qs, cdf, x)


def _weighted_summary(draws: np.ndarray, weights: np.ndarray) -> dict:
    q = weighted_quantiles(np.asarray(draws, float).ravel(), weights, [0.5, 0.1, 0.9, 0.025, 0.975])
    return dict(zip(["median", "lo80", "hi80", "lo95", "hi95"], map(float, q)))


def approximate_update(before: xr.Dataset, carried: xr.Dataset, before_model: pm.Model, after_model: pm.Model, quantities) -> dict:
    """The posterior after an addition by importance-reweighting the draws before it (no refit).

    Parameters
    ----------
    before : xr.Dataset
        Posterior draws of the fit on the data before the addition (thinned as wished, :func:`thin`).
    carried : xr.Dataset
        The same draws carried onto ``after_model`` (:func:`carry_posterior`).
    before_model, after_model : pm.Model
        The same model (same config) built on the data before and after.
    model_name : str
        ``evidence``, ``trend`` or ``joint`` (names the headline quantities).

    Returns
    -------
    dict
        ``headline`` (weighted medians and intervals, as
        :func:`effcompute.inference.summary.headline.headline_table`), ``pareto_k``,
        ``ess`` (effective sample size of the weights), ``draws``, ``safe``
        (k below :data:`PARETO_K_MAX`).
    """
    log_w = _log_likelihood_sum(carried, after_model) - _log_likelihood_sum(before, before_model)
    flat = log_w.stack(sample=SAMPLE_DIMS).values
    smoothed, k = az.psislw(flat.copy())
    w = np.exp(smoothed - smoothed.max())
    ess = float(w.sum() ** 2 / (w**2).sum())
    series = headline_draws(carried, quantities)
    thresholds = {q.headline_key: q.tail_threshold for q in quantities}
    headline = {}
    for name, x in series.items():
        row = _weighted_summary(x, w)
        if thresholds.get(name):
            row[f"p_gt_{thresholds[name]:g}"] = float(np.sum(w * (np.ravel(x) > thresholds[name])) / w.sum())
        headline[name] = row
    k = float(np.asarray(k))
    return {"headline": headline, "pareto_k": k, "ess": ess, "draws": int(flat.size), "safe": bool(k < PARETO_K_MAX)}


def what_moved(before: dict, after: dict, top: int = 5, roles: dict | None = None) -> dict:
    """Headline before and after, and the quantities that moved most.

    Parameters
    ----------
    before, after : dict
        Headline tables (:func:`effcompute.inference.summary.headline.headline_table`).
    roles : dict, optional
        Headline key -> :class:`~effcompute.models.base.Role` of each quantity, passed through for the figures.

    Returns
    -------
    dict
        ``rows``: per quantity ``before``, ``after`` (median, 80% interval),
        ``ratio`` of medians and ``shift`` (change of the log median in units
        of the before 80% interval's log half-width, so 1 means 'moved by
        about its own uncertainty'); ``most_moved``: the ``top`` factors by
        absolute shift.
    """
    rows = {}
    for name in before:
        if name not in after:
            continue
        b, a = before[name], after[name]
        positive = all(v > 0 for v in (b["median"], a["median"], b["lo80"], b["hi80"]))
        if positive:
            half = max((np.log(b["hi80"]) - np.log(b["lo80"])) / 2, 1e-12)
            shift = (np.log(a["median"]) - np.log(b["median"])) / half
        else:
            half = max((b["hi80"] - b["lo80"]) / 2, 1e-12)
            shift = (a["median"] - b["median"]) / half
        rows[name] = {
            "before": {k: b[k] for k in ("median", "lo80", "hi80")},
            "after": {k: a[k] for k in ("median", "lo80", "hi80")},
            "ratio": float(a["median"] / b["median"]) if b["median"] else None,
            "shift": float(shift),
        }
    factors = [n for n in rows if n.endswith("_multiplier")]
    ranked = sorted(factors or rows, key=lambda n: -abs(rows[n]["shift"]))
    return {"rows": rows, "most_moved": ranked[:top], "ranked": "factors" if factors else "quantities", "roles": dict(roles or {})}


def _observations(effmodel) -> pd.DataFrame:
    """One row per observed value that belongs to a release: variable, index, release, what it is, natural scale."""
    rows = []
    for obs in effmodel.observations():
        series = obs.coords.get("series")
        for i, (label, release) in enumerate(zip(obs.labels, obs.releases)):
            what = f"{series[i]} score" if series is not None else f"{obs.kind} of {label}"
            rows.append({"variable": obs.variable, "index": i, "release": release, "what": what, "natural": obs.natural})
    return pd.DataFrame(rows, columns=["variable", "index", "release", "what", "natural"])


#: How an observed value reads on its natural scale (the model's ``Observed.natural``).
NATURAL = {None: lambda x: x, "exp": np.exp, "expit": lambda x: 1 / (1 + np.exp(-x)), "logit_percent": lambda x: 100 / (1 + np.exp(-x))}


def surprise_of_additions(carried: xr.Dataset, after, releases, seed: int = 1, max_draws: int = 1000) -> list[dict]:
    """How surprising each new release's scores, MFU and cost were before it was added.

    ``carried`` are the draws of the fit before the addition carried onto
    the model ``after`` (an :class:`~effcompute.models.base.EffModel` on the grown data; :func:`carry_posterior`);
    at most ``max_draws`` of them make the posterior predictive.

    Returns
    -------
    list of dict
        One per observation of a release in ``releases``: ``release``,
        ``what``, ``observed``, ``predicted`` (median and 95% interval),
        ``percentile`` (of the observation among posterior predictive draws
        made before the addition) and ``outside95``.
    """
    after_model = after.model
    obs = _observations(after)
    obs = obs[obs.release.isin(list(releases))]
    if obs.empty:
        return []
    carried = thin(carried, max_draws)
    free = [rv.name for rv in after_model.free_RVs]
    variables = sorted(set(obs.variable))
    with _quiet():
        pp = pm.sample_posterior_predictive(carried[free], model=after_model, var_names=variables, random_seed=seed, progressbar=False, return_inferencedata=True)
    out = []
    for row in obs.itertuples():
        draws = pp.posterior_predictive[row.variable].stack(sample=SAMPLE_DIMS).values[row.index]
        y = float(pp.observed_data[row.variable].values[row.index])
        pct = float(100 * np.mean(draws < y))
        lo, med, hi = np.quantile(draws, [0.025, 0.5, 0.975])
        natural = NATURAL[row.natural]
        out.append({
            "release": row.release, "what": row.what, "observed": float(natural(y)),
            "predicted": {"median": float(natural(med)), "lo95": float(natural(lo)), "hi95": float(natural(hi))},
            "percentile": pct, "outside95": not SURPRISE_RANGE[0] <= pct <= SURPRISE_RANGE[1],
        })
    return out

