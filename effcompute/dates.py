"""Date helpers shared by the models and the figures."""

from __future__ import annotations

import numpy as np
import pandas as pd


def decimal_year(dates) -> np.ndarray:
    """Dates (strings, dates or datetime64) as decimal years (day of year / 365.25)."""
    ts = pd.to_datetime(pd.Series(np.atleast_1d(dates)))
    return (ts.dt.year + (ts.dt.day_of_year - 1) / 365.25).to_numpy(float)
