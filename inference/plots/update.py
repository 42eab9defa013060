"""Figures of an update (``effcompute add-release``): what moved, and how surprising the new figures were.

Both take the dictionaries of :func:`effcompute.inference.updating.refit.refit_after_addition`
(``result["moved"]`` and ``result["surprise"]``) and return a matplotlib Figure.
"""

from __future__ import annotations

import numpy as np

from effcompute.inference.plots.style import COLORS, log_multiplier_axis, subplots
from effcompute.models.base import Role

#: Roles of the multipliers :func:`plot_what_moved` shows, top to bottom.
MOVED_ROLES = (Role.HARDWARE, Role.COMPUTE, Role.COMPUTE_TOPDOWN, Role.ALGORITHMIC, Role.FACTOR, Role.HARDWARE_EFFICIENCY)


def plot_what_moved(moved: dict, title: str = "What moved: medians and 80% intervals before and after the addition"):
    """Before and after (median, 80% interval) of each reduction and factor, on a log axis.

    Parameters
    ----------
    moved : dict
        :func:`effcompute.inference.updating.carry.what_moved` output (``rows`` per quantity).
    """
    rows = moved["rows"]
    roles = moved.get("roles", {})
    names = [n for role in MOVED_ROLES for n, r in roles.items() if r == role and n in rows]
    fig, ax = subplots(width=8.0, height=0.45 * len(names) + 1.4)
    for i, name in enumerate(names):
        y = len(names) - 1 - i
        for offset, when, color in ((0.15, "before", COLORS["prior"]), (-0.15, "after", COLORS["posterior"])):
            r = rows[name][when]
            ax.hlines(y + offset, r["lo80"], r["hi80"], color=color, linewidth=4.0, label=when if i == 0 else None)
            ax.plot([r["median"]], [y + offset], "o", color="white", markeredgecolor=color, markersize=6)
        ax.annotate(f"shift {rows[name]['shift']:+.2f}", (1.0, y), xycoords=("axes fraction", "data"), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(range(len(names)), [n.replace("_multiplier", "").replace("_", " ") for n in reversed(names)])
    log_multiplier_axis(ax, "x", "multiplier (log scale)")
    ax.set_title(title)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35 if len(names) < 4 else -0.12), ncols=2)
    return fig


def plot_surprise(surprise: list[dict], title: str = "How surprising each new figure was before it was added"):
    """Each new observation against its 95% posterior predictive interval from the fit before the addition.

    Observations outside the interval are drawn in the accent colour; the
    percentile is written beside each.
    """
    if not surprise:
        fig, ax = subplots(width=6.0, height=1.5)
        ax.text(0.5, 0.5, "the new releases have no observations this model uses", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    fig, ax = subplots(width=8.0, height=0.42 * len(surprise) + 1.4)
    for i, s in enumerate(surprise):
        y = len(surprise) - 1 - i
        p = s["predicted"]
        color = COLORS["bottom_up"] if s["outside95"] else COLORS["posterior"]
        ax.hlines(y, p["lo95"], p["hi95"], color=COLORS["prior"], linewidth=4.0)
        ax.plot([p["median"]], [y], "|", color=COLORS["prior"], markersize=12)
        ax.plot([s["observed"]], [y], "o", color=color)
        ax.annotate(f"{s['percentile']:.0f}th", (1.0, y), xycoords=("axes fraction", "data"), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(range(len(surprise)), [f"{s['release']}: {s['what']}" for s in reversed(surprise)])
    values = [v for s in surprise for v in (s["observed"], s["predicted"]["lo95"], s["predicted"]["hi95"])]
    ax.set_xlim(min(values) - 0.05 * np.ptp(values), max(values) + 0.05 * np.ptp(values))
    ax.set_xlabel("observed (dot) and 95% predictive interval before the addition (bar); percentile at the right")
    ax.set_title(title)
    return fig
