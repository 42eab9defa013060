"""One home for summaries of draws and for how numbers are printed.

Every interval is equal-tailed (quantile-based) with its mass in the key:
``lo80``/``hi80`` are the 10th/90th percentiles, ``lo95``/``hi95`` the
2.5th/97.5th; nothing is left to a library default.
"""

from __future__ import annotations

import numpy as np

INTERVAL_KIND = "equal-tailed (quantile)"
INTERVAL_KEYS = "lo80/hi80: 10th/90th percentiles; lo95/hi95: 2.5th/97.5th percentiles"


def summarize_draws(x) -> dict:
    """Median and 80%/95% equal-tailed intervals of draws (flattened)."""
    x = np.asarray(x, dtype=float).ravel()
    q = np.quantile(x, [0.5, 0.1, 0.9, 0.025, 0.975])
    return dict(zip(["median", "lo80", "hi80", "lo95", "hi95"], map(float, q)))


def _missing(v) -> bool:
    return v is None or not np.isfinite(v)


def format_number(v: float) -> str:
    """A number for a terminal table: thousands separators from 100 up, else 3 significant figures; '-' if missing."""
    if _missing(v):
        return "-"
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"


def format_multiplier(v: float) -> str:
    """A multiplier as people quote it: 1,071x, 96.5x, 2.12x; '-' if missing."""
    if _missing(v):
        return "-"
    return f"{v:,.0f}x" if v >= 1000 else f"{v:.3g}x"


def format_months(v: float) -> str:
    """Months to one decimal; '-' if missing."""
    return "-" if _missing(v) else f"{v:.1f}"


def format_sig(v: float) -> str:
    """Three significant figures, '' if missing (for tables a spreadsheet reads)."""
    return "" if v is None or v != v else f"{v:.3g}"
