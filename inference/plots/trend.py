"""Figures of the trend model: benchmark score against training FLOP, the FLOP needed to match GPT-3,
and the compute halving time beside Ho et al. 2024.

The functions take the posterior (an xarray group) and the model's own data
(:func:`effcompute.models.trend.prepare_trend`), so the curves are exactly the
model's (:func:`effcompute.models.trend.score_curve_draws`, through :mod:`effcompute.models.equations`).
"""

from __future__ import annotations

import numpy as np

from effcompute import dims
from effcompute.baseline import GPT3_MMLU_5SHOT, GPT3_TRAIN_FLOP, GPT3_TRAINING_DATE
from effcompute.dates import decimal_year
from effcompute.inference.plots.style import COLORS, pyplot, subplots
from effcompute.inference.sampling.record import role_variable
from effcompute.literature import (  # noqa: F401
    HO_ET_AL_2024_ABSTRACTS,
    HO_ET_AL_2024_CITATION,
    HO_ET_AL_2024_HALVING_MONTHS,
)
from effcompute.models.base import Role
from effcompute.models.forecasting import release_positions, score_curve_draws
from effcompute.models.trend import GPT3_SERIES, TREND_EPOCH

#: The perplexity model's halving time (Role.HALVING_LOSS_MATCHED) in halving-time figures.
LOSS_MATCHED_LABEL = "loss-matched (perplexity, 2012-2023)"
#: Posterior draws used to draw curves and bands (thinned evenly).
CURVE_DRAWS = 400


def plot_score_vs_flop(posterior, trend_data, years=None, ncols: int = 3):
    """Benchmark score vs training FLOP, one panel per benchmark series, releases coloured by date,
    with the fitted curves (median and 80% band) for 2020, 2022 and the as-of date."""
    plt = pyplot()
    series = list(trend_data.coords[dims.SERIES])
    as_of_year = float(decimal_year(trend_data.as_of)[0])
    years = years or (2020.0, 2022.0, as_of_year)
    rel, obs = trend_data.releases, trend_data.obs
    nrows = int(np.ceil(len(series) / ncols))
    fig, axes = subplots(nrows, ncols, width=4.0 * ncols, height=3.2 * nrows + 0.6, squeeze=False, sharex=True)
    dates = rel["t"].to_numpy() + TREND_EPOCH
    norm = plt.Normalize(np.floor(dates.min()), np.ceil(dates.max()))
    x = release_positions(posterior)
    grid = np.linspace(x.min() - 0.5, x.max() + 0.5, 120)
    curve_colors = [COLORS["prior"], COLORS["seed"], COLORS["posterior"]]
    scatter = None
    for i, (ax, s) in enumerate(zip(axes.flat, series)):
        mask = obs["series"] == i
        r = obs["release"][mask]
        scatter = ax.scatter(10 ** x[r], obs["value"][mask], c=dates[r], cmap="viridis", norm=norm, s=16, edgecolor="none")
        for year, color in zip(years, curve_colors):
            curves = score_curve_draws(posterior, i, grid, year, max_draws=CURVE_DRAWS)
            lo, med, hi = np.quantile(curves, [0.1, 0.5, 0.9], axis=0)
            label = f"{year:.0f}" if year != as_of_year else f"{trend_data.as_of.isoformat()} (as of)"
            ax.plot(10**grid, med, color=color, linewidth=1.8, label=label)
            ax.fill_between(10**grid, lo, hi, color=color, alpha=0.2, linewidth=0)
        if s == GPT3_SERIES:
            ax.axhline(GPT3_MMLU_5SHOT, color=COLORS["reference"], linestyle="--", linewidth=1)
            ax.annotate(f"GPT-3: {GPT3_MMLU_5SHOT}", (10 ** grid[0], GPT3_MMLU_5SHOT), xytext=(2, 3), textcoords="offset points", fontsize=8, color=COLORS["reference"])
        ax.set_xscale("log")
        name, shots = s.split("@")
        ax.set_title(f"{name}, {shots}-shot ({mask.sum()} scores)")
        ax.set_ylabel("score (%)")
    for ax in axes.flat[len(series):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("compute-optimal-equivalent training FLOP (log scale)")
    axes.flat[0].legend(title="fitted curve (80% band)", loc="upper left", fontsize=8)
    fig.colorbar(scatter, ax=axes, label="release date", shrink=0.6)
    fig.suptitle("Benchmark score vs training compute: the same score needs less FLOP each year")
    return fig


def plot_flop_to_match_gpt3(posterior, trend_data=None):
    """Training FLOP needed to match GPT-3's MMLU (5-shot, 43.9%) over time: median, 80% and 95% bands,
    GPT-3's own FLOP, and the releases that reached GPT-3's score (the FLOP they actually used)."""
    fig, ax = subplots(width=8.0, height=4.2)
    var = posterior[role_variable(posterior, Role.FLOP_TO_MATCH)]
    years = var[dims.MATCH_DATE].values.astype(float)
    draws = var.stack(sample=("chain", "draw")).transpose("sample", dims.MATCH_DATE).values
    q = 10 ** np.quantile(draws, [0.025, 0.1, 0.5, 0.9, 0.975], axis=0)
    ax.fill_between(years, q[0], q[4], color=COLORS["posterior"], alpha=0.15, linewidth=0, label="95% interval")
    ax.fill_between(years, q[1], q[3], color=COLORS["posterior"], alpha=0.3, linewidth=0, label="80% interval")
    ax.plot(years, q[2], color=COLORS["posterior"], linewidth=2, label="median (trend model)")
    ax.plot([decimal_year(GPT3_TRAINING_DATE)[0]], [GPT3_TRAIN_FLOP], marker="*", markersize=13, color=COLORS["reference"], linestyle="none", label="GPT-3's own training FLOP")
    if trend_data is not None and GPT3_SERIES in trend_data.coords[dims.SERIES]:
        i = trend_data.coords[dims.SERIES].index(GPT3_SERIES)
        o, rel = trend_data.obs, trend_data.releases
        hit = (o["series"] == i) & (o["value"] >= GPT3_MMLU_5SHOT)
        r = o["release"][hit]
        ax.scatter(rel["t"].to_numpy()[r] + TREND_EPOCH, 10 ** release_positions(posterior)[r], s=18, color=COLORS["bottom_up"], alpha=0.8,
                   label="releases scoring >= 43.9 on MMLU (their compute-optimal-equivalent FLOP)")
    ax.set_yscale("log")
    ax.set_ylabel("training FLOP (log scale)")
    ax.set_xlabel("date")
    ax.set_title("FLOP needed to match GPT-3 on MMLU (5-shot, 43.9%)")
    ax.legend(loc="lower left", fontsize=8)
    return fig


def halving_time_draws(posterior) -> dict:
    """Label -> draws of the compute halving time in months, top-down and bottom-up, as the run declares them."""
    out = {}
    for role, label in ((Role.HALVING_TOPDOWN, "top-down (benchmark trend)"), (Role.HALVING_BOTTOM_UP, "bottom-up (factors)"),
                        (Role.HALVING_LOSS_MATCHED, LOSS_MATCHED_LABEL)):
        name = role_variable(posterior, role)
        if name:
            out[label] = posterior[name].values.ravel()
    return out


def plot_halving_time(posterior, max_months: float | None = None):
    """Posterior of the compute halving time beside Ho et al. 2024's estimate (median and 95% CI)."""
    fig, ax = subplots(width=8.0, height=3.6)
    draws = halving_time_draws(posterior)
    if max_months is None:
        top = max(np.quantile(x, 0.99) for x in draws.values()) if draws else 20.0
        max_months = float(np.clip(1.15 * top, 20.0, 60.0))
    bins = np.linspace(0, max_months, 73)
    colors = {"top-down (benchmark trend)": COLORS["top_down"], "bottom-up (factors)": COLORS["bottom_up"], LOSS_MATCHED_LABEL: COLORS["posterior"]}
    for label, x in draws.items():
        ax.hist(np.clip(x, 0, max_months), bins=bins, weights=np.full(x.size, 1.0 / x.size), histtype="step", linewidth=1.8, color=colors[label],
                label=f"{label}: median {np.median(x):.1f} months")
    ho = HO_ET_AL_2024_HALVING_MONTHS
    ax.axvspan(ho["lo95"], ho["hi95"], color=COLORS["reference"], alpha=0.12, label=f"Ho et al. 2024, 95% CI {ho['lo95']}-{ho['hi95']}")
    ax.axvline(ho["median"], color=COLORS["reference"], linestyle="--", linewidth=1.4, label=f"Ho et al. 2024: {ho['median']} months (perplexity-matched)")
    ax.set_xlim(0, max_months)
    ax.set_ylim(top=ax.get_ylim()[1] * 1.5)
    ax.set_xlabel("compute halving time (months; shorter = faster progress)")
    ax.set_ylabel("share of draws per bin")
    ax.set_title("How long until the same capability needs half the compute")
    ax.legend(loc="upper left", fontsize=8)
    return fig
