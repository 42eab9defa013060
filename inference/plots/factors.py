"""Figures of the efficiency factors and reductions: distributions, contributions, prior vs posterior, bottom-up vs top-down.

Every function takes draws as xarray groups (``idata.posterior``,
``idata.prior`` or :func:`effcompute.inference.summary.seed_mc.seed_draws`) and
returns a matplotlib Figure; multipliers are on log axes.
"""

from __future__ import annotations

import numpy as np

from effcompute import dims
from effcompute.inference.plots.style import (
    COLORS,
    LABELS,
    interval_bar,
    log_bins,
    log_multiplier_axis,
    subplots,
)
from effcompute.inference.sampling.record import role_variable
from effcompute.models.base import Role


def factor_variable(posterior) -> str:
    """The variable holding the factor multipliers (dim ``factor``), as the run declares it."""
    name = role_variable(posterior, Role.FACTOR)
    if name is None:
        raise ValueError("the run declares no factor multipliers (a trend run has none)")
    return name


def _draws(group, name, factor=None):
    var = group[name] if factor is None else group[name].sel({dims.FACTOR: factor})
    return np.asarray(var.values, dtype=float).ravel()


def plot_reduction_distributions(groups: dict, names=(dims.HARDWARE_REDUCTION, dims.COMPUTE_REDUCTION), references: dict | None = None, period: str = ""):
    """Distribution of each reduction since GPT-3, one panel per reduction, one line per group.

    Parameters
    ----------
    groups : dict
        Label -> xarray group with the reductions (e.g. ``{"prior": idata.prior, "posterior": idata.posterior}``
        or the two readings of seed 002).
    names : sequence of str
        Reductions to show.
    references : dict, optional
        Reduction name -> {label: value}: published figures drawn as dashed vertical lines.
    period : str
        Shown in the title (e.g. "2020-05 to 2025-04").
    """
    references = references or {}
    fig, axes = subplots(1, len(names), width=5.0 * len(names), height=3.6, squeeze=False)
    palette = [COLORS["posterior"], COLORS["seed"], COLORS["top_down"], COLORS["bottom_up"]]
    for ax, name in zip(axes[0], names):
        present = {label: _draws(g, name) for label, g in groups.items() if name in g}
        if not present:
            ax.set_visible(False)
            continue
        bins = log_bins(np.concatenate(list(present.values())))
        for (label, x), fallback in zip(present.items(), palette):
            color = COLORS.get(label, fallback)
            med = np.median(x)
            ax.hist(x, bins=bins, density=False, weights=np.full(x.size, 1.0 / x.size), histtype="step", linewidth=1.8, color=color, label=f"{label}: median {med:,.0f}x")
            ax.axvline(med, color=color, linewidth=0.8)
        for (label, value), style in zip(references.get(name, {}).items(), ("--", ":", "-.")):
            ax.axvline(value, color=COLORS["reference"], linestyle=style, linewidth=1.4, label=f"{label}: {value:,.0f}x")
        log_multiplier_axis(ax, "x", f"{LABELS[name]} since GPT-3 (log scale)")
        ax.set_ylabel("share of draws per bin")
        ax.set_title(f"{LABELS[name].capitalize()}" + (f", {period}" if period else ""))
        ax.set_ylim(top=ax.get_ylim()[1] * 1.45)
        ax.legend(loc="upper left")
    return fig


def run_factors(group) -> list[str]:
    """The factors a run's multiplier variable has (its ``factor`` coordinate), in the run's order."""
    name = factor_variable(group)
    return [str(f) for f in group[name].coords[dims.FACTOR].values] if dims.FACTOR in group[name].dims else list(dims.FACTORS)


def plot_factor_contributions(group, factors=None, total: str = dims.HARDWARE_REDUCTION, title: str = "What each factor contributes"):
    """Each factor's multiplier (median, 80% and 95% intervals, log axis) and its share of the log total.

    The share is the factor's median log-multiplier over the sum of the medians,
    so the bars add up to 100% of the (median-of-parts) total reduction.
    """
    factors = run_factors(group) if factors is None else factors
    fig, (ax, ax_share) = subplots(1, 2, width=10.0, height=0.5 * len(factors) + 1.6, gridspec_kw={"width_ratios": [3, 2]})
    ys = np.arange(len(factors))[::-1]
    medians = []
    name = factor_variable(group)
    for y, f in zip(ys, factors):
        x = _draws(group, name, f)
        interval_bar(ax, y, x, COLORS["posterior"])
        medians.append(float(np.median(np.log(x))))
    ax.set_yticks(ys, [LABELS[f] for f in factors])
    log_multiplier_axis(ax, "x", "multiplier (median, 80% and 95% intervals)")
    ax.axvline(1.0, color="black", linewidth=0.8)
    share = np.array(medians) / np.sum(medians)
    ax_share.barh(ys, share * 100, color=COLORS["accent"])
    for y, s in zip(ys, share):
        ax_share.text(s * 100 + 0.5, y, f"{s:.0%}", va="center", fontsize=9)
    ax_share.set_yticks(ys, [""] * len(ys))
    ax_share.set_xlabel(f"share of log {LABELS.get(total, total)} (%)")
    ax_share.set_xlim(0, max(share) * 100 * 1.25)
    fig.suptitle(title)
    return fig


def plot_prior_posterior_forest(prior, posterior, factors=None, title: str = "Every factor, prior vs posterior"):
    """Forest plot of each factor's multiplier under the prior and the posterior (log axis).

    How far a posterior bar sits from its prior bar is how far the evidence moved the factor.
    """
    factors = run_factors(posterior) if factors is None else factors
    fig, ax = subplots(width=8.0, height=0.55 * len(factors) + 1.2)
    ys = np.arange(len(factors))[::-1] * 1.0
    name = factor_variable(posterior)
    for y, f in zip(ys, factors):
        if prior is not None and name in prior:
            interval_bar(ax, y + 0.18, _draws(prior, name, f), COLORS["prior"], label="prior" if y == ys[0] else None, marker="s")
        interval_bar(ax, y - 0.18, _draws(posterior, name, f), COLORS["posterior"], label="posterior" if y == ys[0] else None)
    ax.set_yticks(ys, [LABELS[f] for f in factors])
    ax.axvline(1.0, color="black", linewidth=0.8)
    log_multiplier_axis(ax, "x", "multiplier since GPT-3 (median, 80% and 95% intervals; log scale)")
    ax.legend(loc="lower right")
    ax.set_title(title)
    return fig


def compute_reduction_sources(runs: dict) -> dict:
    """Label -> draws of R_compute from each run: bottom-up (product of factors) and top-down (benchmark trend).

    ``runs`` maps a run label (``evidence``, ``trend``, ``joint``) to its InferenceData.
    """
    out = {}
    for label, idata in runs.items():
        post = idata.posterior
        for role, how in ((Role.COMPUTE, "bottom-up (factors)"), (Role.COMPUTE_TOPDOWN, "top-down (benchmark trend)")):
            name = role_variable(post, role)
            if name:
                out[f"{label}: {how}"] = _draws(post, name)
    return out


def plot_compute_reduction_sources(runs: dict, title: str = "Compute reduction since GPT-3: bottom-up vs top-down"):
    """Median, 80% and 95% intervals of R_compute from every run and estimate (log axis)."""
    sources = compute_reduction_sources(runs)
    fig, ax = subplots(width=8.0, height=0.55 * len(sources) + 1.4)
    ys = np.arange(len(sources))[::-1]
    for y, (label, x) in zip(ys, sources.items()):
        color = COLORS["bottom_up"] if "bottom-up" in label else COLORS["top_down"]
        interval_bar(ax, y, x, color)
        ax.text(np.quantile(x, 0.975) * 1.15, y, f"{np.median(x):,.0f}x", va="center", fontsize=9)
    ax.set_yticks(ys, list(sources))
    log_multiplier_axis(ax, "x", "compute reduction since GPT-3 (median, 80% and 95% intervals; log scale)")
    ax.set_xlim(right=ax.get_xlim()[1] * 2.0)
    ax.set_title(title)
    return fig


def plot_tension(idata, title: str = "Tension: top-down over bottom-up R_compute (joint model)", xlabel: str = "R_compute top-down / bottom-up (log scale)"):
    """Prior and posterior of the joint model's ratio R_topdown / R_bottomup, or of R_compute over the product of the
    measured factors (the discrepancy; give ``title`` and ``xlabel``), on a log axis (1x = agreement).

    The prior is the ratio of the two routes' own priors, before the link that ties them."""
    fig, ax = subplots(width=8.0, height=3.4)
    groups = {"posterior": idata.posterior}
    name = role_variable(idata, Role.TENSION)
    if name is None:
        raise ValueError("the run has no tension quantity (only the joint model has one)")
    if "prior" in idata.groups() and name in idata.prior:
        groups = {"prior": idata.prior, **groups}
    ratios = {k: np.exp(_draws(g, name)) for k, g in groups.items()}
    # The prior spans many orders of magnitude; the axis follows the posterior (x/10 on either side), the prior's tails fall outside it.
    lo, hi = np.quantile(ratios["posterior"], [0.001, 0.999])
    lo, hi = min(lo, 1.0) / 10.0, max(hi, 1.0) * 10.0
    bins = np.logspace(np.log10(lo), np.log10(hi), 60)
    for group, x in ratios.items():
        outside = np.mean((x < lo) | (x > hi))
        note = f" ({outside:.0%} of draws beyond the axis)" if outside > 0.005 else ""
        posterior = group == "posterior"
        ax.hist(x, bins=bins, weights=np.full(x.size, 1.0 / x.size), histtype="stepfilled" if posterior else "step", alpha=0.6 if posterior else 1.0,
                color=COLORS[group], linewidth=1.5, label=f"{group}: median {np.median(x):.2g}x{note}")
    ax.axvline(1.0, color="black", linewidth=1.0, linestyle="--", label="agreement (1x)")
    ax.set_xlim(lo, hi)
    log_multiplier_axis(ax, "x", xlabel)
    ax.set_ylabel("share of draws per bin")
    ax.legend(loc="upper left")
    ax.set_title(title)
    return fig


def plot_factor_across_runs(runs: dict, factor: str = dims.MOE, prior_from: str | None = None):
    """One factor's multiplier under the prior and each run's posterior (log axis)."""
    rows = {}
    prior_run = runs.get(prior_from) if prior_from else next(iter(runs.values()))
    prior_name = role_variable(prior_run, Role.FACTOR)
    if prior_name and "prior" in prior_run.groups() and prior_name in prior_run.prior:
        rows["prior"] = _draws(prior_run.prior, prior_name, factor)
    for label, idata in runs.items():
        name = role_variable(idata, Role.FACTOR)
        if name:
            rows[f"{label} posterior"] = _draws(idata.posterior, name, factor)
    fig, ax = subplots(width=8.0, height=0.6 * len(rows) + 1.4)
    ys = np.arange(len(rows))[::-1]
    for y, (label, x) in zip(ys, rows.items()):
        interval_bar(ax, y, x, COLORS["prior"] if label == "prior" else COLORS["posterior"])
        ax.text(np.quantile(x, 0.975) * 1.1, y, f"{np.median(x):.2g}x", va="center", fontsize=9)
    ax.set_yticks(ys, list(rows))
    ax.axvline(1.0, color="black", linewidth=0.8)
    log_multiplier_axis(ax, "x", f"{LABELS[factor]} multiplier (median, 80% and 95% intervals; log scale)")
    ax.set_xlim(right=ax.get_xlim()[1] * 1.6)
    ax.set_title(f"What the {LABELS[factor]} factor becomes")
    return fig
