"""The cut (modular) fit of adoption-indexed MoE: the releases use the MoE factor but do not inform it.

With ``adoption="moe"`` every release that is a mixture of experts adds the MoE factor's log-gain to its effective
compute. Learned jointly, the factor absorbs whatever else the adopting labs and vintages changed (docs/models.md:
6.8x from the releases against 2.8x from the matched pairs). The cut fit stops that feedback (Plummer 2015,
"Cuts in Bayesian graphical models"): the gain comes only from the matched pairs, as the evidence (or joint)
run's posterior of ``log_moe``, and the trend model is refitted with it held fixed at K of its quantiles, the
posteriors pooled with equal weight (multiple imputation). The releases' excess over that gain stays in their
release effects, where the frontier quantile and the spread see it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from effcompute.inference.sampling.settings import DEFAULT_CUT_CHAINS, DEFAULT_CUT_DRAWS, DEFAULT_CUT_IMPUTATIONS, DEFAULT_TUNE
from effcompute.models.base import Role
from effcompute.models.trend import MOE_LOG_GAIN as GAIN_VARIABLE

SHOWN_ROLES = (Role.COMPUTE_TOPDOWN, Role.COMPUTE_TOPDOWN_FRONTIER, Role.HALVING_TOPDOWN)


def cut_path(run_path) -> Path:
    """Where ``check cut`` keeps its result for a trend run: ``RUN.cut.json`` beside it."""
    run_path = Path(run_path)
    return run_path.with_name(run_path.stem + ".cut.json")


def gain_quantiles(draws: np.ndarray, imputations: int) -> np.ndarray:
    """The gain's values at the quantiles (k + 0.5) / K, k = 0..K-1: K equally weighted points of its posterior."""
    if imputations < 1:
        raise ValueError(f"imputations={imputations!r} must be at least 1")
    return np.quantile(np.asarray(draws, float).ravel(), (np.arange(imputations) + 0.5) / imputations)


def cut_config(config, log_gain: float):
    """The trend run's config with MoE adopted and its log-gain fixed at ``log_gain``."""
    from effcompute.models.config import ModelConfig

    return ModelConfig(**{**dataclasses.asdict(config), "adoption": "moe", "adoption_log_gain": float(log_gain)})


def _source_gain(gain_from, trend_attrs) -> tuple[np.ndarray, str]:
    """Draws of ``log_moe`` from the run at ``gain_from`` (fitted on the trend run's data), and that run's model."""
    from effcompute.inference.runs.files import load_run

    idata, config, attrs = load_run(gain_from)
    if config.model == "trend":
        raise ValueError(f"{str(gain_from)!r} is a trend run, whose MoE gain (if any) the releases informed: give an evidence or joint run")
    if GAIN_VARIABLE not in idata.posterior:
        raise ValueError(f"{str(gain_from)!r} ({config.model} run) has no {GAIN_VARIABLE!r} in its posterior: give an evidence or joint run")
    if attrs["data_hash"] != trend_attrs["data_hash"]:
        raise ValueError(f"{str(gain_from)!r} was fitted on other data than the trend run (data hash {attrs['data_hash'][:12]}... "
                         f"vs {trend_attrs['data_hash'][:12]}...): fit both on the same data")
    return idata.posterior[GAIN_VARIABLE].values, config.model


def _pool(posteriors: list):
    """One posterior from several, their chains renumbered 0..n-1 in order."""
    import xarray as xr

    out, start = [], 0
    for post in posteriors:
        n = post.sizes["chain"]
        out.append(post.assign_coords(chain=np.arange(start, start + n)))
        start += n
    return xr.concat(out, dim="chain")


def run_cut(trend_run, gain_from, *, data_dir=None, imputations=DEFAULT_CUT_IMPUTATIONS, draws=DEFAULT_CUT_DRAWS, tune=DEFAULT_TUNE,
            chains=DEFAULT_CUT_CHAINS, seed=None, quiet=False) -> dict:
    """Refit the trend run with MoE adopted at each imputed gain; the JSON-ready result ``check cut`` prints.

    Parameters
    ----------
    trend_run : path
        A trend run (its data and settings are reused; its headline is the comparison).
    gain_from : path
        An evidence or joint run on the same data, whose ``log_moe`` posterior supplies the gain.
    imputations : int
        Number of gain values (quantiles of its posterior), one refit each.

    Returns
    -------
    dict
        ``run``, ``gain_from``, ``gain_model``, ``target``, ``gain`` (the source's MoE gain: median and 80% interval,
        as a multiplier), ``original`` (the trend run's headline), ``cut`` (the pooled headline),
        ``compute_reduction_ratio`` (cut over original, medians), ``imputations``: per value ``{"moe_gain",
        "headline", "converged", "failures"}``; ``converged``: every imputation passed the gate.

    Raises
    ------
    ValueError
        If the trend run is not a trend run, the source has no MoE gain or other data, or ``chains`` is below 2.
    """
    import arviz as az
    import pymc as pm

    from effcompute import progress
    from effcompute.inference.runs.files import load_run, rebuild_model
    from effcompute.inference.sampling.gate import check_convergence
    from effcompute.inference.sampling.record import constrained_only
    from effcompute.inference.sampling.sampler import quiet_pymc_logs, sample_model
    from effcompute.inference.summary.headline import headline_table, quoted_points
    from effcompute.models.registry import model_class

    if chains < 2:
        raise ValueError(f"chains={chains}: each refit needs at least 2 chains, since the convergence gate compares them (R-hat)")
    _, config, attrs = load_run(trend_run)
    if config.model != "trend":
        raise ValueError(f"RUN must be a trend run; {str(trend_run)!r} is a {config.model!r} run")
    gain_draws, gain_model = _source_gain(gain_from, attrs)
    values = gain_quantiles(gain_draws, imputations)
    original_model = rebuild_model(trend_run, data_dir, loaded=(config, attrs))
    seed = int(attrs.get("seed", 1)) if seed is None else seed
    # One model: the gain is pm.Data, so each imputation only swaps its value.
    model = model_class("trend")(original_model.dataset, cut_config(config, values[0]))
    quantities = model.headline_quantities()
    target = next(q for q in quantities if q.role == Role.COMPUTE_TOPDOWN)
    rows, posteriors = [], []
    for k, value in enumerate(values):
        pm.set_data({GAIN_VARIABLE: float(value)}, model=model.model)
        with progress.phase(f"cut fit {k + 1}/{len(values)}", detail=f"MoE gain fixed at {np.exp(value):.2f}x"), quiet_pymc_logs():
            fitted, _ = sample_model(model.model, draws=draws, tune=tune, chains=chains, seed=seed + k, target_accept=model.target_accept, quiet=True)
        constrained_only(fitted)
        conv = check_convergence(fitted, model.gated_variables())
        rows.append({"moe_gain": float(np.exp(value)), "headline": quoted_points(headline_table(fitted, quantities), quantities, SHOWN_ROLES),
                     "converged": conv.converged, "failures": conv.failures})
        posteriors.append(fitted.posterior)
    pooled = headline_table(az.InferenceData(posterior=_pool(posteriors)), quantities)
    original = attrs["headline"]
    lo, med, hi = np.exp(np.quantile(gain_draws, [0.1, 0.5, 0.9]))
    return {
        "run": str(trend_run), "gain_from": str(gain_from), "gain_model": gain_model, "target": target.headline_key,
        "gain": {"median": float(med), "lo80": float(lo), "hi80": float(hi)},
        "original": quoted_points(original, quantities, SHOWN_ROLES), "cut": quoted_points(pooled, quantities, SHOWN_ROLES),
        "compute_reduction_ratio": pooled[target.headline_key]["median"] / original[target.headline_key]["median"],
        "imputations": rows, "converged": all(r["converged"] for r in rows),
        "settings": {"imputations": len(values), "draws": draws, "tune": tune, "chains": chains, "seed": seed},
    }


def format_cut(result: dict) -> str:
    """Terminal table of :func:`run_cut`."""
    keys = list(result["cut"])

    def cells(h):
        return "".join(f"{h[k]['median']:>12,.1f} ({h[k]['lo80']:,.1f}-{h[k]['hi80']:,.1f})" for k in keys if k in h)

    g = result["gain"]
    lines = [f"cut fit of adoption-indexed MoE (trend run {result['run']}): the MoE gain from the {result['gain_model']} run "
             f"{result['gain_from']}, {g['median']:.2f}x (80%: {g['lo80']:.2f}-{g['hi80']:.2f}), not learned from the releases",
             "median (80% equal-tailed interval) of: " + ", ".join(keys),
             f"{'original (no adoption)':28s}{cells(result['original'])}",
             f"{'cut, pooled':28s}{cells(result['cut'])}   ratio {result['compute_reduction_ratio']:.2f}"]
    for r in result["imputations"]:
        mark = "" if r["converged"] else "  [did not pass the convergence gate: " + "; ".join(r["failures"]) + "]"
        lines.append(f"{'  gain fixed at ' + format(r['moe_gain'], '.2f') + 'x':28s}{cells(r['headline'])}{mark}")
    return "\n".join(lines)
