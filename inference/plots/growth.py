"""The growth model's figures: the fan chart of effective compute and each of its factors, and compute-threshold equivalents.

Bands are equal-tailed posterior intervals (50%, 80%, 95%) of each term's trend curve,
draw by draw (no scatter of single models about the trend). Seed 000's cluster
comparison (:mod:`~effcompute.inference.summary.cluster`) sits on the frontier-compute panel.
The threshold figure draws, for each compute threshold, the training FLOP that buys at later
dates the capability the threshold bought when it was set
(:func:`~effcompute.inference.summary.growth_forecast.threshold_log10_draws`).
"""

from __future__ import annotations

import numpy as np

from effcompute.dates import decimal_year
from effcompute.inference.plots.style import COLORS, subplots
from effcompute.models.growth_forecasting import compute_trend_draws, curve_draws, realisation_draws

MASSES = (0.95, 0.8, 0.5)
START = 2012.0
#: Panel key -> (title, y label).
PANELS = {
    "spend": ("spending per frontier run", "2023 USD"),
    "hardware": ("GPU price-performance", r"FP32 FLOP/s per \$ at release"),
    "realisation": ("realisation", r"FLOP per \$ / (FLOP/s per \$), s"),
    "algorithms": ("algorithmic efficiency (prior only)", "x less compute than 2018"),
    "compute": ("frontier training compute", "FLOP"),
    "effective": ("effective compute", "2018-equivalent FLOP"),
}
INTERVAL_CAPTION = "equal-tailed posterior intervals of the trend (50%, 80%, 95%)"


def factor_curves(posterior, years, smoothness: float) -> dict:
    """Draws x years of log10 of every panel's curve (:data:`PANELS`); algorithms and effective compute relative to 2018."""
    algorithms = curve_draws(posterior, "algorithms", years, smoothness, level=False)  # zero at T0 = 2018 by construction
    compute = compute_trend_draws(posterior, years, smoothness)
    return {"spend": curve_draws(posterior, "spend", years, smoothness), "hardware": curve_draws(posterior, "hardware", years, smoothness),
            "realisation": realisation_draws(posterior, years), "algorithms": algorithms, "compute": compute, "effective": compute + algorithms}


def _fan(ax, years, log_draws, color) -> None:
    for mass, alpha in zip(MASSES, (0.18, 0.3, 0.45)):
        lo, hi = np.quantile(log_draws, [(1 - mass) / 2, (1 + mass) / 2], axis=0)
        ax.fill_between(years, 10.0**lo, 10.0**hi, color=color, alpha=alpha, linewidth=0, label=f"{mass:.0%}")
    ax.plot(years, 10.0 ** np.median(log_draws, axis=0), color=color, linewidth=1.5, label="median")
    ax.set_yscale("log")


def _observed(ax, tables, as_of, key) -> None:
    f = tables.frontier[tables.frontier.publication_date <= np.datetime64(as_of)]
    h = tables.hardware[tables.hardware.release_date <= np.datetime64(as_of)]
    points = {"spend": (f.publication_date, f.training_cost_2023_usd, "Epoch: training cost"),
              "hardware": (h.release_date, h.peak_fp32_flops / h.release_price_usd, "Epoch: GPUs"),
              "compute": (f.publication_date, f.training_compute_flop, "Epoch: frontier models")}
    if key in points:
        dates, values, label = points[key]
        ok = np.isfinite(values.to_numpy(float))
        ax.scatter(decimal_year(dates[ok]), values[ok], s=9, color="black", alpha=0.6, label=label, zorder=3)


def _clusters(ax, comparison: dict, reach: dict | None) -> None:
    a, h = comparison["clusters"]["gpt4"], comparison["clusters"]["h100_100k"]
    t = float(decimal_year(["2023-03-15"])[0])  # GPT-4's publication date in the Epoch table
    ax.errorbar([t], [a["flop"]], yerr=[[a["flop"] - a["flop_range"][0]], [a["flop_range"][1] - a["flop"]]], fmt="s",
                color=COLORS["seed"], markersize=5, label="20k A100 x 90 d (seed 000)", zorder=4)
    ax.axhline(h["flop"], color=COLORS["bottom_up"], linestyle="--", linewidth=1.0, label="100k H100 x 90 d (seed 000)")
    if h["flop_range"]:
        ax.axhspan(*h["flop_range"], color=COLORS["bottom_up"], alpha=0.1, linewidth=0)
    if reach:
        ax.errorbar([reach["median"]], [h["flop"]], xerr=[[reach["median"] - reach["lo80"]], [reach["hi80"] - reach["median"]]],
                    fmt="o", color=COLORS["bottom_up"], markersize=5, capsize=3, zorder=4, label="trend reaches it (80%)")


def plot_growth_fan(posterior, smoothness: float, as_of, tables=None, comparison: dict | None = None, reach: dict | None = None,
                    until: float = 2035.0):
    """Fan charts of the growth model's factors and of effective compute, :data:`START` to ``until``.

    Parameters
    ----------
    posterior : xarray.Dataset
        A growth run's posterior group.
    smoothness : float
        The run's ``smoothness_years`` setting.
    as_of : str or datetime.date
        The run's data end (a dotted line; observed points up to it).
    tables : GrowthTables, optional
        Observed Epoch rows to overlay.
    comparison, reach : dict, optional
        :func:`~effcompute.inference.summary.cluster.seed000_clusters` and
        :func:`~effcompute.inference.summary.cluster.year_trend_reaches` for the 100k-H100 run, on the compute panel.

    Returns
    -------
    matplotlib.figure.Figure
    """
    years = np.linspace(START, until, 200)
    curves = factor_curves(posterior, years, smoothness)
    end = float(decimal_year([str(as_of)])[0])
    fig, axes = subplots(2, 3, width=13.0, height=7.5, sharex=True)
    for ax, (key, (title, ylabel)) in zip(axes.ravel(), PANELS.items()):
        color = COLORS["joint"] if key in ("compute", "effective") else COLORS["top_down"]
        _fan(ax, years, curves[key], color)
        if tables is not None:
            _observed(ax, tables, as_of, key)
        if key == "compute" and comparison:
            _clusters(ax, comparison, reach)
        for year in (end, 2030.0):
            ax.axvline(year, color="grey", linestyle=":", linewidth=0.8)
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        if key in ("compute", "effective", "spend"):
            ax.legend(loc="upper left", fontsize=7, ncol=1)
    for ax in axes[-1]:
        ax.set_xlabel("year")
    fig.suptitle(f"Growth model: trends to {until:.0f} (data to {as_of}; {INTERVAL_CAPTION})", fontsize=11)
    return fig


def growth_fan_from_run(path, until: float = 2035.0):
    """The fan chart of a saved growth run with seed 000's clusters on it; (figure, what was placed on it).

    Returns
    -------
    (matplotlib.figure.Figure, dict)
        The dict holds ``comparison`` (:func:`~effcompute.inference.summary.cluster.seed000_clusters`), ``reach``
        (the year the trend reaches the 100k-H100 run's FLOP), ``gpt4_cluster_reach`` (the same for GPT-4's cluster's),
        ``until``, ``interval_kind`` and the run path.
    """
    from effcompute.data.growth_data import load_growth_data
    from effcompute.inference.summary.cluster import seed000_clusters, year_trend_reaches
    from effcompute.inference.summary.growth_forecast import load_growth_run

    idata, settings, attrs = load_growth_run(path)
    w = settings["smoothness_years"]
    comparison = seed000_clusters()
    reach = {key: year_trend_reaches(idata.posterior, float(np.log10(c["flop"])), w) for key, c in comparison["clusters"].items()}
    fig = plot_growth_fan(idata.posterior, w, attrs["as_of"], tables=load_growth_data(), comparison=comparison, reach=reach["h100_100k"],
                          until=until)
    return fig, {"run": str(path), "until": until, "interval_kind": INTERVAL_CAPTION, "comparison": comparison,
                 "reach": reach["h100_100k"], "gpt4_cluster_reach": reach["gpt4"]}


#: Last date of the threshold figure (default).
THRESHOLD_UNTIL = "2030-01-01"
THRESHOLD_COLORS = (COLORS["joint"], COLORS["bottom_up"], COLORS["top_down"], COLORS["reference"], COLORS["seed"])


def threshold_dates(set_date, until=THRESHOLD_UNTIL) -> list:
    """The set date, then the first of every month after it up to ``until`` (the figure's grid)."""
    import pandas as pd

    start, end = pd.Timestamp(str(set_date)), pd.Timestamp(str(until))
    if end <= start:
        raise ValueError(f"the figure's end {str(until)!r} must come after the threshold's set date {str(set_date)!r}")
    months = pd.date_range(start + pd.offsets.MonthBegin(1), end, freq="MS")
    return [start.date()] + [m.date() for m in months]


def plot_threshold_equivalents(posterior, smoothness: float, thresholds=None, as_of=None, until=THRESHOLD_UNTIL, source: str | None = None):
    """Training FLOP that buys, at each later date, the capability each compute threshold bought when it was set.

    One fan per threshold (median line; 50%, 80% and 95% equal-tailed posterior intervals), from its set
    date to ``until`` on a monthly grid, log y axis; the threshold itself as a dashed line.

    Parameters
    ----------
    posterior : xarray.Dataset
        A growth run's posterior group.
    smoothness : float
        The run's ``smoothness_years`` setting.
    thresholds : sequence of dict, optional
        Each with ``flop``, ``set`` (date) and ``name``; default
        :data:`~effcompute.inference.summary.growth_forecast.POLICY_THRESHOLDS` (EU AI Act 1e25 FLOP, set 2024-08-01;
        US Executive Order 14110 1e26 FLOP, set 2023-10-30).
    as_of : str or datetime.date, optional
        The run's data end (a dotted line).
    until : str or datetime.date
        Last date drawn (default 2030-01-01).
    source : str, optional
        What the efficiency term rests on, for the caption.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from effcompute.inference.summary.growth_forecast import POLICY_THRESHOLDS, threshold_log10_draws

    thresholds = list(POLICY_THRESHOLDS if thresholds is None else thresholds)
    fig, ax = subplots(1, 1, width=8.5, height=5.2)
    for i, th in enumerate(thresholds):
        color = THRESHOLD_COLORS[i % len(THRESHOLD_COLORS)]
        dates = threshold_dates(th["set"], until)
        years = decimal_year([str(d) for d in dates])
        draws = threshold_log10_draws(posterior, th["flop"], th["set"], dates, smoothness)
        for mass, alpha in zip(MASSES, (0.12, 0.2, 0.32)):
            lo, hi = np.quantile(draws, [(1 - mass) / 2, (1 + mass) / 2], axis=0)
            ax.fill_between(years, 10.0**lo, 10.0**hi, color=color, alpha=alpha, linewidth=0, label=f"{mass:.0%}" if i == 0 else None)
        name = th.get("name") or f"{th['flop']:.3g} FLOP"
        ax.plot(years, 10.0 ** np.median(draws, axis=0), color=color, linewidth=1.6, label=f"{name}: {th['flop']:.0e} FLOP set {th['set']} (median)")
        ax.axhline(th["flop"], color=color, linestyle="--", linewidth=0.8)
    if as_of is not None:
        ax.axvline(float(decimal_year([str(as_of)])[0]), color="grey", linestyle=":", linewidth=0.9, label=f"data end ({as_of})")
    ax.set_yscale("log")
    ax.set_xlabel("year")
    ax.set_ylabel("training FLOP for the same capability")
    ax.legend(loc="lower left", fontsize=7)
    fig.suptitle("Compute-threshold equivalents: training FLOP that buys what each threshold bought when set", fontsize=10)
    ax.set_title(f"median and {INTERVAL_CAPTION[:-1]}; light to dark: 95%, 80%, 50%); dashed: the threshold as set", fontsize=8)
    if source:
        import textwrap

        fig.supxlabel(textwrap.fill(f"Efficiency: {source}.", 160), fontsize=7)
    return fig


def threshold_figure_from_run(path, thresholds=None, until=THRESHOLD_UNTIL):
    """:func:`plot_threshold_equivalents` of a saved growth run; (figure, what it drew).

    Returns
    -------
    (matplotlib.figure.Figure, dict)
        The dict holds ``run``, ``until``, ``interval_kind``, ``efficiency_source`` and ``thresholds`` (name, FLOP, set date).
    """
    from effcompute.inference.summary.growth_forecast import POLICY_THRESHOLDS, THRESHOLD_EFFICIENCY, load_growth_run

    idata, settings, attrs = load_growth_run(path)
    thresholds = list(POLICY_THRESHOLDS if thresholds is None else thresholds)
    source = THRESHOLD_EFFICIENCY.format(source=settings["algorithms_source"])
    fig = plot_threshold_equivalents(idata.posterior, settings["smoothness_years"], thresholds, as_of=attrs.get("as_of"), until=until,
                                     source=source)
    return fig, {"run": str(path), "until": str(until), "interval_kind": f"{INTERVAL_CAPTION}; median line",
                 "efficiency_source": source, "thresholds": [{k: str(v) if k == "set" else v for k, v in t.items()} for t in thresholds]}
