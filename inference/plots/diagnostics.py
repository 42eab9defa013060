"""Sampler diagnostics and model checks: trace, rank, energy, pair plots, the R-hat/ESS table,
posterior predictive checks per observation and PSIS-LOO Pareto k.

Built on ArviZ; each function returns a matplotlib Figure (or a DataFrame for tables).
"""

from __future__ import annotations

import arviz as az
import numpy as np
import pandas as pd
from scipy.special import expit

from effcompute.inference.plots.style import (
    COLORS,
    as_figure,
    interval_bar,
    log_dollar_axis,
    log_multiplier_axis,
    pyplot,
    subplots,
)
from effcompute.inference.sampling.gate import PARETO_K_MAX
from effcompute.inference.sampling.record import key_variables as run_key_variables
from effcompute.inference.sampling.record import role_variable, run_quantities, term_of_kind
from effcompute.inference.summary.loo import pointwise_loo  # noqa: F401  (a figure's table, in the plots facade)
from effcompute.models.base import Role

#: Variables shown in trace and rank plots (the headline ones, where present), at most this many panels.
MAX_TRACE_VARS = 6


def key_variables(idata, limit: int = MAX_TRACE_VARS) -> list[str]:
    """The run's headline variables for trace plots: the preferred ones present, then the other gated ones."""
    return run_key_variables(idata)[:limit] or list(idata["posterior"].data_vars)[:limit]


def headline_variables(idata) -> list[str]:
    """The run's headline variables (its declared quantities), else every posterior variable."""
    names = list(dict.fromkeys(q.variable for q in run_quantities(idata) if q.variable in idata["posterior"]))
    return names or list(idata["posterior"].data_vars)


def _flat_rows(ds):
    """(label, {dim: index}) of every scalar element of every variable, labelled as ArviZ does (``name[coord]``)."""
    for name, var in ds.data_vars.items():
        other = [d for d in var.dims if d not in ("chain", "draw")]
        if not other:
            yield name, name, {}
            continue
        for index in np.ndindex(*(var.sizes[d] for d in other)):
            coords = ", ".join(str(var[d].values[i]) for d, i in zip(other, index))
            yield f"{name}[{coords}]", name, dict(zip(other, index))


def diagnostics_table(idata, var_names=None) -> pd.DataFrame:
    """Median, 80% interval, bulk and tail ESS and rank-normalized R-hat of each headline quantity."""
    post = idata.posterior[var_names or headline_variables(idata)]
    ess_bulk, ess_tail, rhat = az.ess(post, method="bulk"), az.ess(post, method="tail"), az.rhat(post)
    rows = {}
    for label, name, index in _flat_rows(post):
        draws = post[name].isel(index).values.ravel()
        q10, med, q90 = np.quantile(draws, [0.1, 0.5, 0.9])
        rows[label] = {"median": med, "q10": q10, "q90": q90, "ess_bulk": float(ess_bulk[name].isel(index)),
                       "ess_tail": float(ess_tail[name].isel(index)), "r_hat": float(rhat[name].isel(index))}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("quantity")


def divergences_by_chain(idata) -> pd.Series:
    """Divergent transitions per chain."""
    div = idata.sample_stats["diverging"]
    return pd.Series(div.sum("draw").values.astype(int), index=pd.Index(div["chain"].values, name="chain"), name="divergences")


def plot_trace(idata, var_names=None):
    """Trace plot (density per chain and draws over iterations) of the headline variables.

    A variable with several elements (the factors' multipliers) is drawn one colour per element, named in a legend beside
    its density; the chains' line styles are named in the legend of the first trace.
    """
    names = var_names or key_variables(idata)
    fig = as_figure(az.plot_trace(idata, var_names=names, compact=True, combined=False, legend=True, figsize=(10, 1.9 * len(names)),
                                  backend_kwargs={"layout": "constrained"}))
    for ax in fig.axes:
        if ax.get_legend() is not None:
            legend = ax.get_legend()
            ax.legend(handles=legend.legend_handles, labels=[t.get_text() for t in legend.get_texts()], title=legend.get_title().get_text(),
                      fontsize=6, title_fontsize=6, loc="upper left", bbox_to_anchor=(1.0, 1.0), borderaxespad=0.2, frameon=False)
    return fig


def plot_rank(idata, var_names=None):
    """Rank plots: with mixing chains each chain's rank histogram is flat."""
    names = var_names or [n for n in key_variables(idata) if idata.posterior[n].ndim == 2]
    rows = int(np.ceil(len(names) / 3))
    return as_figure(az.plot_rank(idata, var_names=names, kind="bars", figsize=(10, 2.8 * rows), backend_kwargs={"layout": "constrained"}))


def plot_energy(idata):
    """Marginal energy vs energy transition distributions (E-BFMI in the legend)."""
    pyplot()
    return as_figure(az.plot_energy(idata, figsize=(7, 3.5)))


def plot_pair(idata, var_names=None, coords=None):
    """Pair plot of the factors' multipliers (default; else the first key variables) with divergent transitions marked."""
    factors = role_variable(idata, Role.FACTOR)
    names = [v for v in (var_names or ([factors] if factors else [])) if v in idata.posterior]
    if not names:
        names = key_variables(idata, limit=4)
    has_div = "diverging" in idata.sample_stats and bool(idata.sample_stats["diverging"].any())
    axes = az.plot_pair(idata, var_names=names, coords=coords, kind="scatter", divergences=has_div, scatter_kwargs={"alpha": 0.15, "s": 3},
                        figsize=(9, 9), textsize=8)
    return as_figure(axes)


def ppc_table(idata, var: str) -> pd.DataFrame:
    """Each observation of ``var``: observed value, posterior predictive quantiles, and its predictive percentile."""
    obs = idata.observed_data[var]
    pp = idata.posterior_predictive[var].stack(sample=("chain", "draw")).transpose(..., "sample")
    dim = obs.dims[0] if obs.dims else None
    values = np.atleast_1d(obs.values)
    draws = np.atleast_2d(pp.values)
    q = np.quantile(draws, [0.025, 0.1, 0.5, 0.9, 0.975], axis=1).T
    return pd.DataFrame(
        {"observed": values, "q2.5": q[:, 0], "q10": q[:, 1], "median": q[:, 2], "q90": q[:, 3], "q97.5": q[:, 4],
         "percentile": (draws <= values[:, None]).mean(axis=1)},
        index=pd.Index(obs[dim].values if dim else [var], name=dim or "observation"),
    )


def plot_ppc_intervals(idata, var: str, *, transform=None, xlabel: str, format_axis=None, title: str = "", max_rows: int = 45):
    """Observed value (cross) against its posterior predictive 80%/95% interval, one row per observation.

    Observations outside their 95% interval are drawn in the accent colour and named in the title.
    """
    table = ppc_table(idata, var)
    if len(table) > max_rows:
        table = table.iloc[np.argsort(-np.abs(table["percentile"].to_numpy() - 0.5))[:max_rows]].sort_index()
    f = transform or (lambda v: v)
    pp = idata.posterior_predictive[var].stack(sample=("chain", "draw")).transpose(..., "sample")
    dim = table.index.name
    fig, ax = subplots(width=8.0, height=max(2.6, 0.22 * len(table) + 1.5))
    ys = np.arange(len(table))[::-1]
    outside = 0
    for y, (label, row) in zip(ys, table.iterrows()):
        draws = pp.sel({dim: label}).values if dim in pp.dims else pp.values
        interval_bar(ax, y, f(np.asarray(draws, float)), COLORS["posterior"])
        out = not (0.025 <= row["percentile"] <= 0.975)
        outside += out
        ax.plot([f(row["observed"])], [y], marker="x", color=COLORS["bottom_up"] if out else "black", markersize=7, linestyle="none")
    ax.set_yticks(ys, [str(i) for i in table.index], fontsize=7 if len(table) > 20 else 9)
    if format_axis:
        format_axis(ax)
    ax.set_xlabel(xlabel)
    ax.set_title(f"{title}: {outside} of {len(table)} observed (x) outside their 95% predictive interval")
    return fig


def _term(idata, kind: str) -> str:
    term = term_of_kind(idata, kind)
    if term is None:
        raise ValueError(f"the run has no {kind} observations")
    return term


def plot_ppc_matched_pairs(idata):
    """Posterior predictive check of the matched comparisons (compute multiplier, log axis)."""
    return plot_ppc_intervals(idata, _term(idata, "matched pairs"), transform=np.exp, format_axis=log_multiplier_axis,
                              xlabel="compute multiplier of the technique (log scale)", title="Matched pairs")


def plot_ppc_mfu(idata):
    """Posterior predictive check of the MFU of named runs (percent)."""
    return plot_ppc_intervals(idata, _term(idata, "MFU"), transform=lambda v: 100.0 * expit(v), xlabel="model FLOP utilization (%)", title="MFU of named runs")


def plot_ppc_costs(idata):
    """Posterior predictive check of the training costs (US dollars, log axis)."""
    return plot_ppc_intervals(idata, _term(idata, "costs"), transform=np.exp, format_axis=log_dollar_axis, xlabel="training cost (US dollars, log scale)",
                              title="Training costs")


def plot_pareto_k(loo_table: pd.DataFrame, label_top: int = 5):
    """Pareto k of every observation, grouped by data set; the ``label_top`` most influential ones (k > 0.5) named.

    Labels are stacked in order of position, each on its own line, so that they do not run into each other; the rest
    are in the table :func:`pointwise_loo` returns.
    """
    fig, ax = subplots(width=10.0, height=4.2)
    k = loo_table["pareto_k"].to_numpy(float)
    finite = np.isfinite(k)
    top = max(1.0, k[finite].max() if finite.any() else 1.0) * 1.12
    # k is infinite or NaN where an observation's log-likelihood is degenerate: drawn at the top edge
    table = loo_table.assign(x=0.0, pareto_k=np.where(finite, k, top * 0.97))
    x0 = 0
    palette = [COLORS["posterior"], COLORS["top_down"], COLORS["bottom_up"], COLORS["seed"], COLORS["accent"], COLORS["reference"]]
    for (var, g), color in zip(table.groupby("term", sort=False), palette):
        table.loc[g.index, "x"] = x0 + np.arange(len(g))
        ax.scatter(table.loc[g.index, "x"], g["pareto_k"], s=14, color=color, label=f"{var} ({len(g)})")
        x0 += len(g) + 3
    worst = table.nlargest(label_top, "pareto_k")
    worst = worst[worst["pareto_k"] > 0.5].sort_values("x")
    for i, (_, r) in enumerate(worst.iterrows()):
        text = r.observation if len(r.observation) <= 32 else r.observation[:30] + "..."
        ax.annotate(text, (r.x, r.pareto_k), xytext=(6, 10 + 11 * (i % 3)), textcoords="offset points", fontsize=7,
                    arrowprops={"arrowstyle": "-", "color": "grey", "linewidth": 0.5}, ha="left", va="bottom",
                    bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    ax.axhline(PARETO_K_MAX, color=COLORS["bottom_up"], linestyle="--", linewidth=1, label=f"k = {PARETO_K_MAX} (unreliable, influential)")
    ax.axhline(0.5, color="grey", linestyle=":", linewidth=1)
    ax.set_xticks([])
    ax.set_xlabel("observation, grouped by data set (see legend)")
    ax.set_ylabel("Pareto k")
    n_bad = int((table["pareto_k"] > PARETO_K_MAX).sum())
    not_finite = f" ({int((~finite).sum())} not finite, drawn at the top)" if not finite.all() else ""
    ax.set_title(f"PSIS-LOO: {n_bad} of {len(table)} observations with k > {PARETO_K_MAX}{not_finite}; the {len(worst)} highest named")
    ax.set_ylim(top=top * 1.25 if len(worst) else top)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=4, fontsize=8)
    return fig
