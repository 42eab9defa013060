"""Figures of the perplexity model (Ho et al. 2024 re-analysis): the fit to the perplexities, and the loss-matched
halving time beside the three published versions of their figure."""

from __future__ import annotations

import numpy as np

from effcompute.inference.plots.style import COLORS, subplots
from effcompute.inference.sampling.record import role_variable
from effcompute.literature import HO_ET_AL_2024_CITATION, HO_ET_AL_2024_VERSIONS
from effcompute.models.base import Role
from effcompute.models.perplexity import CORPUS_COORD, LOG_PPL, YEAR_COORD


def _loss_matched_halving(posterior) -> str:
    """The run's loss-matched halving time variable; a clear error for a run of another model."""
    name = role_variable(posterior, Role.HALVING_LOSS_MATCHED)
    if name is None:
        raise ValueError("not a perplexity run: the perplexity figures need a run of `effcompute fit --model perplexity`")
    return name


def plot_perplexity_fit(idata):
    """Perplexity against publication year, one panel per corpus: the data, and the posterior predictive median
    with its 80% interval at each system (the law evaluated at that system's parameters, data and year)."""
    _loss_matched_halving(idata.posterior)
    obs = idata.observed_data[LOG_PPL]
    pp = idata.posterior_predictive[LOG_PPL].stack(sample=("chain", "draw")).transpose(..., "sample").values
    lo, mid, hi = np.exp(np.quantile(pp, [0.1, 0.5, 0.9], axis=-1))
    corpus, year, y = obs[CORPUS_COORD].values, obs[YEAR_COORD].values, np.exp(obs.values)
    corpora = list(dict.fromkeys(corpus))
    fig, axes = subplots(1, len(corpora), width=4.2 * len(corpora), height=3.8, squeeze=False, sharey=True)
    for ax, name in zip(axes[0], corpora):
        at = corpus == name
        ax.vlines(year[at], lo[at], hi[at], color=COLORS["posterior"], alpha=0.35, linewidth=1.2, label="posterior predictive 80%")
        ax.scatter(year[at], mid[at], s=9, color=COLORS["posterior"], label="posterior predictive median")
        ax.scatter(year[at], y[at], s=12, facecolors="none", edgecolors="k", linewidths=0.7, label="reported perplexity")
        ax.set_yscale("log")
        ax.set_title(f"{name} ({int(at.sum())} results)")
        ax.set_xlabel("publication year")
    axes[0][0].set_ylabel("perplexity (log scale)")
    axes[0][0].legend(loc="upper right", fontsize=8)
    fig.suptitle("The augmented scaling law against the perplexities it was fitted to", fontsize=11)
    return fig


def plot_loss_matched_halving(posterior, max_months: float = 40.0):
    """Posterior of the loss-matched compute halving time, with the three published versions of Ho et al.'s figure
    drawn above it as intervals of the mass each states."""
    draws = posterior[_loss_matched_halving(posterior)].values.ravel()
    fig, ax = subplots(width=8.0, height=4.0)
    bins = np.linspace(0.0, max_months, 81)
    # a negative halving time is no progress (the compute needed grows): such draws are counted, not drawn at 0
    inside = (draws > 0) & (draws <= max_months)
    ax.hist(draws[inside], bins=bins, weights=np.full(inside.sum(), 1.0 / draws.size), color=COLORS["posterior"], alpha=0.55,
            label=f"this re-analysis: median {np.median(draws):.1f} months ({1 - inside.mean():.1%} of draws above {max_months:g} months or negative, not drawn)")
    lo95, lo80, hi80, hi95 = np.quantile(draws, [0.025, 0.1, 0.9, 0.975])
    top = ax.get_ylim()[1]
    levels = top * (1.12 + 0.1 * np.arange(len(HO_ET_AL_2024_VERSIONS) + 1))
    ax.hlines(levels[0], lo95, hi95, color=COLORS["posterior"], linewidth=1.2)
    ax.hlines(levels[0], lo80, hi80, color=COLORS["posterior"], linewidth=3.5, label="this re-analysis: 80% (thick) and 95% (thin) intervals")
    markers = ("o", "s", "D")
    for level, version, marker in zip(levels[1:], HO_ET_AL_2024_VERSIONS, markers):
        ax.hlines(level, version["lo"], version["hi"], color=COLORS["reference"], linewidth=1.6)
        ax.plot(version["median"], level, marker, color=COLORS["reference"], label=f"Ho et al. 2024, {version['label']}: {version['median']:g} [{version['lo']:g}, {version['hi']:g}]")
    ax.set_ylim(0, levels[-1] * 1.6)
    ax.set_xlim(0, max_months)
    ax.set_yticks([t for t in ax.get_yticks() if t <= top])
    ax.set_xlabel("compute halving time, loss-matched (months; shorter = faster progress)")
    ax.set_ylabel("share of draws per bin")
    ax.set_title(f"Loss-matched algorithmic progress, 2012-2023, beside {HO_ET_AL_2024_CITATION.split(',')[0]}")
    ax.legend(loc="upper right", fontsize=7.5)
    return fig
