"""Simulation-based calibration (Talts et al. 2018; Modrak et al. 2023) and parameter recovery.

For each simulation: draw every parameter from the prior and data from the
model's own generative code at the real data's design (one
``pm.sample_prior_predictive`` call draws all simulations), fit the model
to the simulated data, and record the rank of each parameter's true value
among thinned posterior draws, the rank of the log-likelihood of the
simulated data at the truth among its values at the draws, whether the
truth lies in the 50/80/90% equal-tailed intervals, and the divergences.

Each worker process compiles the model once for nutpie and swaps the
simulated data in with ``compiled.with_data`` (all observations are
``pm.Data`` containers). Simulations whose fit diverged are kept and counted.

Uniformity of the ranks is judged by the ECDF of the randomized fractional
ranks against simultaneous confidence bands (Sailynoja et al. 2022,
:mod:`effcompute.inference.checks.ecdf_band`). A parameter is ``in_band`` when its ECDF stays in
the band at level 1 - 0.05 / K (K ranked quantities), so that all K bands
hold together with probability >= 95% under calibration; ``passed`` means
every quantity is in band.
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pymc as pm

from effcompute import progress
from effcompute.inference.checks.ecdf_band import ecdf_band
from effcompute.inference.checks.sbc_log import run_identity, start_log
from effcompute.inference.sampling.simulate import observed_data_names

LOGLIK = "log_likelihood"
MASSES = (0.5, 0.8, 0.9)
FAMILY_PROB = 0.95


@dataclass
class SBCSettings:
    """Sampling per simulation: one or more short chains, thinned to ``draws // thin`` kept draws.

    ``thin="ess"`` thins each simulation to about its effective sample size instead: every k-th draw with
    k = ceil(draws x chains / min bulk ESS of the ranked variables), as Talts et al. (2018) advise, since ranks among
    autocorrelated draws are not uniform even when the fit is calibrated. k depends on the simulated data and the
    sampler's randomness, not on the true parameters given the data, so the ranks stay valid.
    """

    draws: int = 400
    tune: int = 400
    chains: int = 1
    thin: int | str = 4
    target_accept: float | None = None  # None: the model's (EffModel.target_accept)


def ranked_quantities(effmodel) -> list[tuple[str, tuple]]:
    """(variable, element index) of every scalar the SBC ranks, in model order: free parameters but the model's
    nuisance offsets, then the derived quantities the model declares for calibration."""
    model = effmodel.model
    skip = set(effmodel.nuisance) | set(effmodel.calibration_replaces)
    names = [rv.name for rv in model.free_RVs if rv.name not in skip]
    names += [n for n in effmodel.calibrated_derived if n in model.named_vars]
    out = []
    for name in names:
        shape = tuple(int(s) for s in model[name].shape.eval())
        out += [(name, idx) for idx in np.ndindex(*shape)] if shape else [(name, ())]
    return out


def quantity_label(model: pm.Model, name: str, idx: tuple) -> str:
    """``name[coord]`` with the coordinate labels of the variable's dims."""
    if not idx:
        return name
    var_dims = model.named_vars_to_dims.get(name) or ()
    labels = [str(model.coords[d][i]) if d in model.coords else str(i) for d, i in zip(var_dims, idx)] or [str(i) for i in idx]
    return f"{name}[{','.join(labels)}]"


def draw_simulations(effmodel, sims: int, seed: int, fixed: dict | None = None) -> tuple[dict, list[dict]]:
    """Every simulation's truth (variable -> array over sims) and data (list of container -> value).

    ``fixed`` (free variable -> value) holds those parameters at known values (``pm.do``) while the rest are
    drawn from the prior: a simulation study with a known truth, not an SBC (its ranks need not be uniform).
    """
    model = effmodel.model
    free = [rv.name for rv in model.free_RVs]
    unknown = sorted(set(fixed or {}) - set(free))
    if unknown:
        raise ValueError(f"--fix {', '.join(unknown)}: not a free parameter of the {effmodel.name} model (its free parameters: {', '.join(free)})")
    simulator = pm.do(model, fixed) if fixed else model
    with simulator:
        pp = pm.sample_prior_predictive(draws=sims, random_seed=seed)
    names = {name for name, _ in ranked_quantities(effmodel)} | {rv.name for rv in model.free_RVs}
    truth = {n: (pp.prior[n].values[0] if n in pp.prior else np.full(sims, float(fixed[n]))) for n in names}
    containers = observed_data_names(model)
    simulated = {c: pp.prior_predictive[obs].values[0] for obs, c in containers.items()}
    data = [{c: v[i] for c, v in simulated.items()} for i in range(sims)]
    return truth, data


def loglik_function(model: pm.Model):
    """f(data, point) -> log-likelihood of ``data`` at constrained parameter values ``point`` (free RV name -> value)."""
    from pymc.model.transform.conditioning import remove_value_transforms

    plain = remove_value_transforms(model)
    fn = plain.compile_fn(plain.observedlogp, inputs=plain.value_vars, on_unused_input="ignore")
    value_names = [v.name for v in plain.value_vars]

    def loglik(data: dict, points: list[dict]) -> np.ndarray:
        with plain:
            pm.set_data(data)
        return np.array([float(fn({n: p[n] for n in value_names})) for p in points])

    return loglik


def rank_with_ties(draws: np.ndarray, truth: float, rng) -> int:
    """Number of draws below the truth, ties split uniformly at random."""
    below = int(np.sum(draws < truth))
    return below + int(rng.integers(0, int(np.sum(draws == truth)) + 1))


_WORKER: dict = {}


def _init_worker(data_dir, config_json: str, settings: dict) -> None:
    from effcompute.data.load import load_dataset
    from effcompute.inference.sampling.sampler import compile_for_nutpie
    from effcompute.inference.sampling.start import StartSearch
    from effcompute.models import build_model
    from effcompute.models.config import ModelConfig

    effmodel = build_model(load_dataset(data_dir), ModelConfig.from_json(config_json))
    model = effmodel.model
    _WORKER.update(
        model=model, compiled=compile_for_nutpie(model), loglik=loglik_function(model),
        quantities=ranked_quantities(effmodel), settings=SBCSettings(**settings), starts=effmodel.start_search,
        search=StartSearch(model) if effmodel.start_search else None,
    )
    if _WORKER["settings"].target_accept is None:
        _WORKER["settings"].target_accept = effmodel.target_accept


def _run_one(index: int, seed: int, truth: dict, data: dict) -> dict:
    """Fit one simulated data set in a worker; ranks, interval hits, divergences, seconds."""
    from effcompute.inference.sampling.sampler import sample_compiled, started_at

    w, s = _WORKER, _WORKER["settings"]
    t0 = time.perf_counter()
    compiled, found = w["compiled"].with_data(**data), {}
    if w["search"] is not None:  # the fit as run on real data: chains start at the best of the model's optimisations
        start = w["search"].find(w["starts"], seed, data)
        compiled = started_at(compiled, w["search"].chain_starts(start))
        found = {"start_search": start.record(time.perf_counter() - t0)}
    idata = sample_compiled(compiled, draws=s.draws, tune=s.tune, chains=s.chains, seed=seed, target_accept=s.target_accept, cores=1)
    names = {name for name, _ in w["quantities"]}
    ess, ess_variable = min_ess(idata.posterior, names)
    thin = thinning(s, ess)
    post = idata.posterior.isel(draw=slice(thin - 1, None, thin))
    rng = np.random.default_rng(seed)
    ranks, hits = {}, {}
    for name, idx in w["quantities"]:
        flat = post[name].values.reshape(-1, *post[name].shape[2:])[(slice(None), *idx)]
        t = float(np.asarray(truth[name])[idx])
        key = quantity_label(w["model"], name, idx)
        ranks[key] = rank_with_ties(flat, t, rng)
        hits[key] = [bool(np.quantile(flat, (1 - m) / 2) <= t <= np.quantile(flat, (1 + m) / 2)) for m in MASSES]
    free = [rv.name for rv in w["model"].free_RVs]
    points = [{n: post[n].values[c, d] for n in free} for c in range(post.sizes["chain"]) for d in range(post.sizes["draw"])]
    ll = w["loglik"](data, points + [{n: truth[n] for n in free}])
    ranks[LOGLIK] = rank_with_ties(ll[:-1], ll[-1], rng)
    record = {
        "sim": index, "ranks": ranks, "hits": hits, "divergences": int(idata.sample_stats["diverging"].sum()),
        "kept_draws": int(post.sizes["chain"] * post.sizes["draw"]), "seconds": time.perf_counter() - t0, **found,
    }
    if s.chains > 1:
        record["max_rhat"], record["max_rhat_variable"] = max_rhat(idata.posterior, names)
    record.update(min_ess=ess, min_ess_variable=ess_variable, thin=thin)
    return record


def thinning(settings: SBCSettings, ess: float) -> int:
    """Keep every k-th draw: ``settings.thin``, or with ``thin="ess"`` about as many draws as the effective sample size."""
    if settings.thin != "ess":
        return int(settings.thin)
    total = settings.draws * settings.chains
    return max(1, min(settings.draws, int(np.ceil(total / max(ess, 1.0)))))


def max_rhat(posterior, names) -> tuple[float, str]:
    """Largest rank-normalised split R-hat (Vehtari et al. 2021) over the ranked variables (all draws before thinning),
    and the variable it belongs to."""
    import arviz as az

    return worst_variable(az.rhat(posterior[sorted(names)]), largest=True)


def worst_variable(diagnostic, largest: bool) -> tuple[float, str]:
    """The worst value of a per-variable diagnostic (an ArviZ Dataset: the largest R-hat or the smallest ESS over
    every variable and element), and the variable it belongs to."""
    reduce, pick = (np.nanmax, max) if largest else (np.nanmin, min)
    worst = {name: float(reduce(diagnostic[name].values)) for name in diagnostic.data_vars}
    name = pick(worst, key=worst.get)
    return worst[name], name


def min_ess(posterior, names) -> tuple[float, str]:
    """Smallest bulk ESS over the ranked variables (all draws before thinning), and the variable it belongs to.

    Ranks among kept draws are uniform only when the kept draws are close to independent; Talts et al. (2018) thin
    to about the effective sample size. Kept draws far above this ESS mean the thinning was too light.
    """
    import arviz as az

    return worst_variable(az.ess(posterior[sorted(names)], method="bulk"), largest=False)


def fractional_ranks(ranks: np.ndarray, kept: int, rng) -> np.ndarray:
    """Ranks in 0..kept (one kept count, or one per rank) as randomized values in (0, 1), exactly uniform under calibration."""
    return (np.asarray(ranks) + rng.uniform(size=len(ranks))) / (np.asarray(kept) + 1)


def screen(results: list[dict], screen_rhat: float | None) -> tuple[list[dict], list[int]]:
    """The simulations whose chains agree (max R-hat <= ``screen_rhat``), and the indices of those screened out.

    Screening on R-hat keeps SBC valid: R-hat depends on the simulated data and the sampler's own randomness, never
    on the true parameters given the data, so the truth is still a draw from the posterior of every kept data set.
    What it tests changes: that fits whose chains agree are calibrated, as the fit's convergence gate assumes; the
    screened fraction says how often the posterior was too hard for the per-simulation sampler (docs/checks.md).
    """
    if screen_rhat is None:
        return results, []
    missing = [r["sim"] for r in results if "max_rhat" not in r]
    if missing:
        raise ValueError(f"SBC screen on R-hat: simulation {missing[0]} has no R-hat (it was fitted with one chain); use --chains 2 or more")
    out = [r["sim"] for r in results if not r["max_rhat"] <= screen_rhat]
    return [r for r in results if r["max_rhat"] <= screen_rhat], out


def summarize(results: list[dict], seed: int = 0, screen_rhat: float | None = None) -> dict:
    """Band checks and interval coverage per ranked quantity, over all simulations (or those ``screen_rhat`` keeps)."""
    rng = np.random.default_rng(seed)
    fitted = len(results)
    results, screened = screen(results, screen_rhat)
    if not results:
        raise ValueError(f"SBC screen on R-hat: all {fitted} simulations have max R-hat above {screen_rhat}; nothing to rank")
    n = len(results)
    kept = np.array([r["kept_draws"] for r in results])
    keys = list(results[0]["ranks"])
    family_prob = 1 - (1 - FAMILY_PROB) / len(keys)
    z, lo, hi = ecdf_band(n, family_prob)
    _, lo95, hi95 = ecdf_band(n, 0.95)
    params = {}
    for key in keys:
        u = fractional_ranks([r["ranks"][key] for r in results], kept, rng)
        ecdf = np.searchsorted(np.sort(u), z, side="right") / n
        row = {"in_band": bool(np.all((ecdf >= lo) & (ecdf <= hi))), "in_band_95": bool(np.all((ecdf >= lo95) & (ecdf <= hi95)))}
        if key in results[0]["hits"]:
            hits = np.array([r["hits"][key] for r in results])
            row.update({f"coverage{int(m * 100)}": float(hits[:, i].mean()) for i, m in enumerate(MASSES)})
        row["max_ecdf_diff"] = float(np.max(np.abs(ecdf - z)))
        params[key] = row
    seconds = [r["seconds"] for r in results]
    return {
        "passed": all(p["in_band"] for p in params.values()),
        "sims": n,
        "kept_draws_per_sim": int(kept[0]) if np.all(kept == kept[0]) else {"median": float(np.median(kept)), "min": int(kept.min()), "max": int(kept.max())},
        "band_prob_per_parameter": family_prob,
        "parameters": params,
        "outside_band": [k for k, p in params.items() if not p["in_band"]],
        "outside_band_95": [k for k, p in params.items() if not p["in_band_95"]],
        "divergent_sims": int(sum(r["divergences"] > 0 for r in results)),
        "divergences": int(sum(r["divergences"] for r in results)),
        "seconds_per_sim": {"mean": float(np.mean(seconds)), "median": float(np.median(seconds)), "max": float(np.max(seconds))},
        "screen_rhat": screen_rhat, "fitted_sims": fitted, "screened_sims": screened,
    }


def run_sbc(
    model_name: str, sims: int, seed: int = 1, *, data_dir=None, workers: int | None = None, settings: SBCSettings | None = None,
    prior: str = "seed", log_path=None, fixed: dict | None = None, resume: bool = False, screen_rhat: float | None = None,
) -> tuple[dict, list[dict]]:
    """Run ``sims`` simulations of one model over ``workers`` processes (default: all cores).

    ``log_path``, if given, receives one JSON line per finished simulation (a partial record survives an interrupted run),
    and a record of the run's identity beside it (:func:`effcompute.inference.checks.sbc_log.run_record_path`). ``resume`` continues the run that log holds:
    the simulations it has are kept and not refitted, so one 1,000-simulation SBC can span several sittings (the
    simulated data sets are the same, because the prior draws are a prefix-stable sequence for a seed and simulation
    ``i`` is always fitted with seed ``seed * 100_003 + i``). ``fixed`` holds some parameters at known values in the
    simulations (:func:`draw_simulations`). ``screen_rhat`` ranks only the simulations whose chains agree
    (:func:`screen`; needs ``settings.chains >= 2``).

    Returns
    -------
    (summary, results)
        ``summary``: see :func:`summarize`, plus wall time and settings;
        ``results``: one dict per simulation (ranks, interval hits, divergences).
    """
    from effcompute.data.load import load_dataset
    from effcompute.models import build_model
    from effcompute.models.config import ModelConfig

    settings = settings or SBCSettings()
    if screen_rhat is not None and settings.chains < 2:
        raise ValueError(f"--screen-rhat {screen_rhat}: needs --chains 2 or more (got {settings.chains}), since R-hat compares chains")
    config = ModelConfig(model=model_name, prior=prior)
    dataset = load_dataset(data_dir)
    effmodel = build_model(dataset, config)
    identity = run_identity(effmodel, dataset.data_hash(), seed, asdict(settings), fixed)
    results = start_log(log_path, identity, resume, sims) if log_path else []
    done = {r["sim"] for r in results}
    with progress.phase("draw simulated data sets from the prior", detail=f"{sims}"):
        truth, data = draw_simulations(effmodel, sims, seed, fixed=fixed)
    todo = [i for i in range(sims) if i not in done]
    workers = workers or os.cpu_count() or 1
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(data_dir, config.to_json(), asdict(settings))) as pool:
        futures = [
            pool.submit(_run_one, i, seed * 100_003 + i, {n: v[i] for n, v in truth.items()}, data[i]) for i in todo
        ]
        log = open(log_path, "a") if log_path else None
        try:
            resumed = f", {len(done)} already in the log" if done else ""
            with progress.phase("simulations", total=len(todo), detail=f"{model_name} model, {workers} worker(s){resumed}") as step:
                for future in as_completed(futures):
                    results.append(future.result())
                    if log:
                        log.write(json.dumps(results[-1]) + "\n")
                        log.flush()
                    step()
        finally:
            if log:
                log.close()
        results.sort(key=lambda r: r["sim"])
    summary = summarize(results, seed, screen_rhat)
    summary.update(model=model_name, seed=seed, workers=workers, wall_seconds=time.perf_counter() - t0, settings=asdict(settings), prior=prior,
                   fixed=dict(fixed or {}), resumed_from_log=len(done))
    return summary, results


def plot_sbc(summary: dict, results: list[dict], path, seed: int = 0):
    """ECDF-difference plot per ranked quantity with its simultaneous 95% band (and the family-wise band, dashed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(seed)
    n, kept = len(results), [r["kept_draws"] for r in results]
    z, lo, hi = ecdf_band(n, summary["band_prob_per_parameter"])
    _, lo95, hi95 = ecdf_band(n, 0.95)
    keys = list(results[0]["ranks"])
    cols = 6
    rows = int(np.ceil(len(keys) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(2.4 * cols, 1.9 * rows), sharex=True, sharey=True, squeeze=False)
    for ax, key in zip(axes.flat, keys):
        u = np.sort(fractional_ranks([r["ranks"][key] for r in results], kept, rng))
        ecdf = np.searchsorted(u, z, side="right") / n
        label = key
        ax.fill_between(z, lo95 - z, hi95 - z, color="0.85")
        ax.plot(z, lo - z, "k--", lw=0.6)
        ax.plot(z, hi - z, "k--", lw=0.6)
        ax.plot(z, ecdf - z, color="C3" if not summary["parameters"][label]["in_band"] else "C0", lw=1)
        ax.set_title(label, fontsize=6.5)
    for ax in axes.flat[len(keys):]:
        ax.axis("off")
    each = f"{kept[0]}" if len(set(kept)) == 1 else f"{min(kept)}-{max(kept)} (median {np.median(kept):g})"
    fig.suptitle(f"SBC {summary['model']}: ECDF - uniform of fractional ranks, {n} sims, {each} draws each; grey = simultaneous 95% band, dashed = family-wise band", fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.5 / fig.get_figheight()))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def save_sbc(summary: dict, results: list[dict], out_dir) -> dict:
    """Write summary JSON, per-simulation ranks (CSV, every fitted simulation) and the ECDF plot (the simulations the
    summary ranked) into ``out_dir``; return the paths."""
    import pandas as pd

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"sbc_{summary['model']}"
    ranks = pd.DataFrame([{"sim": r["sim"], "divergences": r["divergences"], "seconds": r["seconds"], **({"max_rhat": r["max_rhat"]} if "max_rhat" in r else {}),
                           **({"min_ess": r["min_ess"]} if "min_ess" in r else {}),
                           **r["ranks"]} for r in results])
    paths = {"summary": out / f"{stem}.json", "ranks": out / f"{stem}_ranks.csv", "plot": out / f"{stem}.png"}
    paths["summary"].write_text(json.dumps(summary, indent=2) + "\n")
    ranks.to_csv(paths["ranks"], index=False)
    plot_sbc(summary, screen(results, summary.get("screen_rhat"))[0], paths["plot"])
    return {k: str(v) for k, v in paths.items()}
