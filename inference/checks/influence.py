"""Influence of single observations and of whole sources on a fitted run.

- PSIS-LOO (Vehtari et al. 2017): the Pareto k of each observation's
  leave-one-out importance weights, per likelihood term. k > 0.7 means the
  posterior changes so much without that observation that importance
  sampling cannot say by how much: an influential (or badly fitted) row.
- Leave one source out: drop every row of one matched-pair study or one cost
  source and see how far the median of R_compute moves. Estimated by PSIS
  (weights exp(-sum of the group's log-likelihood)); a group whose Pareto k
  exceeds 0.7 is marked unreliable, and refitted without its rows on request.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from effcompute import progress
from effcompute.inference.checks.sensitivity import add_log_prior_and_likelihood
from effcompute.inference.sampling.gate import PARETO_K_MAX
from effcompute.inference.sampling.record import observed_terms, role_variable, source_coord
from effcompute.inference.summary.loo import pointwise_loo
from effcompute.models.base import Role

#: The column of each table that says which source (study, document) a row came from, for refits without a source.
SOURCE_COLUMN = {"matched_pairs": "study", "costs": "source"}


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """Median of ``values`` under normalized ``weights``."""
    order = np.argsort(values)
    cum = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cum, 0.5 * cum[-1])])


def source_groups(idata) -> dict:
    """(table, source) -> {likelihood term: [observation labels]}, from the ``<dim>_source`` coordinate the run stores per row."""
    groups: dict = {}
    terms = observed_terms(idata)
    for term in idata.log_likelihood.data_vars:
        ll = idata.log_likelihood[term]
        dim = ll.dims[2] if ll.ndim >= 3 else None
        if term not in terms or dim is None or source_coord(dim) not in ll.coords:
            continue
        for label, source in zip(ll[dim].values, ll[source_coord(dim)].values):
            groups.setdefault((terms[term]["table"], str(source)), {}).setdefault(term, []).append(label)
    return groups


def leave_one_source_out(idata) -> pd.DataFrame:
    """PSIS estimate of R_compute's median without each source's rows, with its Pareto k."""
    import arviz as az

    target = idata.posterior[role_variable(idata, Role.COMPUTE)].values.ravel()
    base = float(np.median(target))
    rows = []
    for (table, source), terms in source_groups(idata).items():
        ll = sum(idata.log_likelihood[t].sel({idata.log_likelihood[t].dims[2]: ids}).sum(idata.log_likelihood[t].dims[2]).values.ravel() for t, ids in terms.items())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ArviZ's Pareto-k warning: the table's pareto_k and reliable columns say it
            log_w, k = az.psislw(-ll)
        new = weighted_median(target, np.exp(log_w))
        rows.append({"table": table, "source": source, "rows": sum(map(len, terms.values())), "pareto_k": float(k),
                     "median_without": new, "ratio": new / base, "reliable": bool(k <= PARETO_K_MAX)})
    return pd.DataFrame(rows).sort_values("ratio", key=lambda r: np.abs(np.log(r)), ascending=False, ignore_index=True) if rows else pd.DataFrame(rows)


def refit_without(dataset, config, table: str, source: str, *, draws=500, tune=500, chains=2, seed=1) -> float:
    """Exact refit without one source's rows; the median of R_compute."""
    from effcompute.data.load import Dataset
    from effcompute.inference.sampling.sampler import sample_model
    from effcompute.models import build_model

    group_col = SOURCE_COLUMN[table]
    frames = dict(dataset.frames)
    frames[table] = frames[table][frames[table][group_col].astype(str) != source].reset_index(drop=True)
    effmodel = build_model(Dataset(frames, dataset.data_dir), config)
    idata, _ = sample_model(effmodel.model, draws=draws, tune=tune, chains=chains, seed=seed, quiet=True, progress=False)
    target = next(q.variable for q in effmodel.headline_quantities() if q.role == Role.COMPUTE)
    return float(np.median(idata.posterior[target].values))


def run_influence(path, *, data_dir=None, top: int = 10, refit: bool = False) -> dict:
    """Pareto k per observation and leave-one-source-out moves of R_compute for a saved run.

    With ``refit``, every source whose PSIS estimate is unreliable (k > 0.7) is refitted without its rows.
    """
    from effcompute.data.load import load_dataset
    from effcompute.inference.runs.files import load_run, rebuild_model

    with progress.phase("load the run and rebuild its model"):
        idata, config, attrs = load_run(path)
        model = rebuild_model(path, data_dir, loaded=(config, attrs))
        dataset = load_dataset(data_dir)
    with progress.phase("log prior and log-likelihood of every draw"):
        add_log_prior_and_likelihood(idata, model.model)
    with progress.phase("PSIS-LOO"):
        k = pointwise_loo(idata)
    result = {
        "model": config.model, "run": str(path), "n_observations": int(len(k)),
        "n_k_above_0.7": int((k.pareto_k > PARETO_K_MAX).sum()), "n_k_above_0.5": int((k.pareto_k > 0.5).sum()),
        "top_pareto_k": k.head(top).to_dict(orient="records"),
    }
    target = role_variable(idata, Role.COMPUTE)
    if target:
        result["compute_reduction_median"] = float(np.median(idata.posterior[target].values))
        with progress.phase("leave one source out (PSIS)"):
            loso = leave_one_source_out(idata).to_dict(orient="records")
        unreliable = [row for row in loso if not row["reliable"]] if refit else []
        if unreliable:
            with progress.phase("refits without a source", total=len(unreliable)) as step:
                for row in unreliable:
                    row["median_refit"] = refit_without(dataset, config, row["table"], row["source"])
                    row["ratio_refit"] = row["median_refit"] / result["compute_reduction_median"]
                    step()
        result["leave_one_source_out"] = loso
    return result


def format_influence(result: dict) -> str:
    """Terminal summary of :func:`run_influence`."""
    lines = [
        f"Influence, {result['model']} run {result['run']}: {result['n_observations']} observations, "
        f"{result['n_k_above_0.7']} with Pareto k > 0.7, {result['n_k_above_0.5']} > 0.5",
        "", f"{'likelihood term':24s}{'observation':48s}{'k':>6s}",
    ]
    lines += [f"{r['term']:24s}{r['observation'][:47]:48s}{r['pareto_k']:6.2f}" for r in result["top_pareto_k"]]
    if result.get("leave_one_source_out"):
        lines += ["", f"R_compute median {result['compute_reduction_median']:.0f}x; without one source (PSIS):",
                  f"{'table':14s}{'source':34s}{'rows':>5s}{'median':>9s}{'ratio':>7s}{'k':>6s}"]
        for r in result["leave_one_source_out"]:
            note = "" if r["reliable"] else (f"  k > 0.7; refit: {r['median_refit']:.0f} (ratio {r['ratio_refit']:.2f})" if "median_refit" in r else "  (k > 0.7: estimate unreliable; --refit)")
            lines.append(f"{r['table']:14s}{r['source'][:33]:34s}{r['rows']:5d}{r['median_without']:9.0f}{r['ratio']:7.2f}{r['pareto_k']:6.2f}{note}")
    return "\n".join(lines)
