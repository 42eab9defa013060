"""The report section of a perplexity run: the loss-matched halving time beside the three published versions of
Ho et al. 2024's figure, the split between parameter and data efficiency, and the law against the data."""

from __future__ import annotations

from effcompute.inference.plots import perplexity as plots
from effcompute.inference.plots.style import figure_png
from effcompute.inference.report.blocks import Figure, Section, Table
from effcompute.inference.summary.numbers import INTERVAL_KIND, format_months
from effcompute.literature import HO_ET_AL_2024_CITATION, HO_ET_AL_2024_VERSIONS
from effcompute.models.base import Role
from effcompute.models.perplexity import DATA_DOUBLING, DATA_SHARE, PARAM_DOUBLING


def _cells(row: dict, fmt) -> list[str]:
    return [fmt(row["median"]), f"{fmt(row['lo80'])} to {fmt(row['hi80'])}", f"{fmt(row['lo95'])} to {fmt(row['hi95'])}"]


def _share(value: float) -> str:
    return f"{value:.0%}"


def perplexity_section(view) -> Section:
    """Loss-matched progress: our posterior beside Ho et al.'s three versions, the efficiency split, two figures."""
    headline = view.headline()
    _, halving = view.row(Role.HALVING_LOSS_MATCHED)
    rows = [["compute halving time (months), this re-analysis", *_cells(halving, format_months)]]
    for v in HO_ET_AL_2024_VERSIONS:
        interval = f"{v['lo']:g} to {v['hi']:g}"
        rows.append([f"Ho et al. 2024, {v['label']}", f"{v['median']:g}", "-", interval if v["mass"] == 0.95 else f"{interval} (a {v['mass']:.0%} interval)"])
    for key, label, fmt in ((PARAM_DOUBLING, "effective-parameter doubling time (months)", format_months),
                            (DATA_DOUBLING, "effective-data doubling time (months)", format_months),
                            (DATA_SHARE, "share of the progress from data efficiency", _share)):
        if key in headline:
            rows.append([label, *_cells(headline[key], fmt)])
    table = Table(["", "median", "80% interval", "95% interval"], rows,
                  f"Posterior medians with {INTERVAL_KIND} intervals; Ho et al.'s figures as each version states them ({HO_ET_AL_2024_CITATION}). "
                  "A doubling time or share whose interval crosses zero or one means the split between parameter and data efficiency is "
                  "not identified by these data; the compute halving time, their sum, is the quoted figure.")
    variant = getattr(view.config, "perplexity_variant", "")
    idata = view.idata
    blocks = [
        "Loss-matched progress: the compute that reaches the same WikiText-103, WikiText-2 or Penn Treebank perplexity, 2012-2023, "
        f"from Ho et al.'s own data and law (variant {variant}). It measures a different target and period than the benchmark-matched "
        "routes of the other models (GPT-3's MMLU, 2020-2025), so a difference between them is not by itself a conflict.",
        table,
        Figure("loss_matched_halving", "Loss-matched halving time beside Ho et al. 2024",
               "Posterior of the compute halving time with its 80% and 95% intervals, and Ho et al.'s three published versions "
               "(each with the interval mass it states).", figure_png(plots.plot_loss_matched_halving(idata.posterior))),
    ]
    if "posterior_predictive" in idata.groups():
        blocks.append(Figure("perplexity_fit", "The law against the perplexities",
                             "Reported perplexity (open circles) against the posterior predictive median and 80% interval of each result.",
                             figure_png(plots.plot_perplexity_fit(idata))))
    return Section("Loss-matched progress (perplexity re-analysis)", blocks)
