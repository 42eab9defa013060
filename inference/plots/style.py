"""Shared look of every effcompute figure: Agg backend, print-friendly style, log axes for multipliers.

Plotting modules import matplotlib through :func:`pyplot` so that the
non-interactive Agg backend is selected before anything draws (a notebook that
already chose its own backend keeps it).
"""

from __future__ import annotations

import io

import matplotlib
import numpy as np

from effcompute import dims

#: Colours that stay distinct in greyscale print and for colour-blind readers (Okabe-Ito).
COLORS = {
    "prior": "#999999",
    "posterior": "#0072B2",
    "bottom_up": "#D55E00",
    "top_down": "#009E73",
    "joint": "#0072B2",
    "reference": "#CC79A7",
    "seed": "#E69F00",
    "accent": "#56B4E9",
}
STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 130,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "legend.fontsize": 9,
}


def pyplot():
    """matplotlib.pyplot with the Agg backend (unless an interactive or inline one is already set) and our style."""
    backend = matplotlib.get_backend().lower()
    if "inline" not in backend and "ipympl" not in backend and "widget" not in backend:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(STYLE)
    return plt


def subplots(nrows=1, ncols=1, *, width=8.0, height=4.0, **kw):
    """A new figure and axes in the effcompute style, laid out with constrained layout."""
    plt = pyplot()
    return plt.subplots(nrows, ncols, figsize=(width, height), layout="constrained", **kw)


def times_formatter(value, _pos=None) -> str:
    """Tick label of a multiplier: 1x, 30x, 1,000x, 1e5x."""
    if value <= 0 or not np.isfinite(value):
        return ""
    if value >= 1e5 or value < 0.01:
        return f"{value:.0e}x".replace("e+0", "e").replace("e+", "e")
    if value >= 1:
        return f"{value:,.0f}x" if value >= 10 or value == int(value) else f"{value:.1f}x"
    return f"{value:.2g}x"


def log_multiplier_axis(ax, which: str = "x", label: str | None = None) -> None:
    """Log scale with multiplier tick labels (1x, 10x, 100x) on axis ``which``."""
    from matplotlib.ticker import FuncFormatter, LogLocator

    axis = ax.xaxis if which == "x" else ax.yaxis
    (ax.set_xscale if which == "x" else ax.set_yscale)("log")
    lo, hi = ax.get_xlim() if which == "x" else ax.get_ylim()
    decades = np.log10(hi / lo) if lo > 0 and hi > lo else 3.0
    subs = (1.0, 2.0, 5.0) if decades <= 1.5 else (1.0, 3.0) if decades <= 3.5 else (1.0,)
    axis.set_major_locator(LogLocator(base=10, subs=subs))
    axis.set_major_formatter(FuncFormatter(times_formatter))
    axis.set_minor_formatter(FuncFormatter(lambda *_: ""))
    if label:
        (ax.set_xlabel if which == "x" else ax.set_ylabel)(label)


def log_dollar_axis(ax, which: str = "x") -> None:
    """Log scale with dollar tick labels ($100k, $10M) on axis ``which``."""
    from matplotlib.ticker import FuncFormatter

    def dollars(v, _pos=None):
        for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if v >= scale:
                return f"${v / scale:,.3g}{suffix}"
        return f"${v:,.3g}"

    (ax.set_xscale if which == "x" else ax.set_yscale)("log")
    axis = ax.xaxis if which == "x" else ax.yaxis

    def minor(v, _pos=None):
        """Minor ticks labelled only on an axis shorter than about a decade, and then only at 2x and 5x (so labels never run together)."""
        lo, hi = sorted(axis.get_view_interval())
        if lo <= 0 or hi / lo > 12:
            return ""
        lead = round(v / 10 ** np.floor(np.log10(v)), 6)
        return dollars(v) if lead in (2.0, 5.0) else ""

    axis.set_major_formatter(FuncFormatter(dollars))
    axis.set_minor_formatter(FuncFormatter(minor))


def log_bins(draws, n: int = 60) -> np.ndarray:
    """Bin edges evenly spaced in log10 over the 0.1th-99.9th percentiles of positive draws."""
    x = np.asarray(draws, dtype=float).ravel()
    x = x[np.isfinite(x) & (x > 0)]
    lo, hi = np.quantile(x, [0.001, 0.999])
    if hi <= lo:
        lo, hi = lo / 1.1, hi * 1.1
    return np.logspace(np.log10(lo), np.log10(hi), n)


def interval_bar(ax, y, draws, color, *, label=None, marker="o", height=0.0) -> None:
    """Median (dot), 80% interval (thick) and 95% interval (thin) of ``draws`` at height ``y``, horizontally."""
    lo95, lo80, med, hi80, hi95 = np.quantile(np.asarray(draws, float).ravel(), [0.025, 0.1, 0.5, 0.9, 0.975])
    ax.hlines(y, lo95, hi95, color=color, linewidth=1.2)
    ax.hlines(y, lo80, hi80, color=color, linewidth=4.0)
    ax.plot([med], [y], marker=marker, color="white", markeredgecolor=color, markersize=6, label=label, linestyle="none")


def figure_png(fig) -> bytes:
    """The figure as PNG bytes (closes it)."""
    plt = pyplot()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def as_figure(obj):
    """The matplotlib Figure behind an Axes, an array of Axes (ArviZ returns those) or a Figure."""
    if hasattr(obj, "savefig"):
        return obj
    first = np.ravel(np.asarray(obj, dtype=object))[0]
    return first.get_figure()


#: Display names of factors and reductions.
LABELS = {
    dims.TRANSFORMER_PP: "Transformer++",
    dims.MOE: "mixture of experts",
    dims.UNPUBLISHED: "unpublished",
    dims.CHINCHILLA: "Chinchilla scaling",
    dims.DATA_QUALITY: "data quality",
    dims.HARDWARE_EFFICIENCY: "hardware efficiency",
    dims.HARDWARE_REDUCTION: "hardware reduction",
    dims.COMPUTE_REDUCTION: "compute reduction",
    dims.ALGORITHMIC_REDUCTION: "algorithmic reduction",
}
