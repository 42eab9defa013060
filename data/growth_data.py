"""The Epoch AI subset the growth model is fitted on: frontier models and GPU prices.

Two tables under ``data/epoch/``, cut from Epoch AI's public downloads
(CC BY 4.0, https://epoch.ai/data) by the rules below and kept apart from the
six curated tables (``load_dataset()`` and its data hash never see them):

- ``frontier_models.csv``: rows of Epoch's models database flagged
  ``Frontier model`` (any domain), published from :data:`DATA_START` to the
  end date, with a training compute; columns :data:`FRONTIER_COLUMNS`.
- ``hardware_prices.csv``: rows of Epoch's ML hardware table with a release
  date up to the end date, a release price and an FP32 peak; columns
  :data:`HARDWARE_COLUMNS`.

:func:`import_growth_subset` re-cuts both from newer downloads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from effcompute.data.epoch import _first_url, _text
from effcompute.data.io import write_csv_atomic
from effcompute.data.load import read_csv

FRONTIER_FILE = "frontier_models.csv"
HARDWARE_FILE = "hardware_prices.csv"
#: The bundled subset ends where the reference copy does.
DATA_END = dt.date(2025, 3, 31)
#: Frontier models from the start of seed 003's first era (AlexNet's year) on.
DATA_START = dt.date(2012, 1, 1)
#: Epoch column -> our column, frontier models table.
FRONTIER_COLUMNS = {
    "Model": "model", "Organization": "organization", "Domain": "domain", "Publication date": "publication_date",
    "Training compute (FLOP)": "training_compute_flop", "Training compute cost (2023 USD)": "training_cost_2023_usd",
    "Confidence": "confidence", "Link": "source_url",
}
#: Epoch column -> our column, hardware table.
HARDWARE_COLUMNS = {
    "Hardware name": "hardware_name", "Manufacturer": "manufacturer", "Type": "type", "Release date": "release_date",
    "Release price (USD)": "release_price_usd", "FP32 (single precision) performance (FLOP/s)": "peak_fp32_flops",
    "Tensor-FP16/BF16 performance (FLOP/s)": "peak_tensor_fp16_flops",
}
#: Numeric columns that must be positive where given (required ones must be given).
POSITIVE = {
    FRONTIER_FILE: {"training_compute_flop": True, "training_cost_2023_usd": False},
    HARDWARE_FILE: {"release_price_usd": True, "peak_fp32_flops": True, "peak_tensor_fp16_flops": False},
}
KEYS = {FRONTIER_FILE: ("model", "publication_date"), HARDWARE_FILE: ("hardware_name",)}
DATES = {FRONTIER_FILE: "publication_date", HARDWARE_FILE: "release_date"}
ATTRIBUTION = "Epoch AI, 'Data on AI Models' and 'Machine Learning Hardware' (CC BY 4.0), https://epoch.ai/data"


class GrowthDataError(ValueError):
    """The growth tables break their schema; ``problems`` lists every one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the growth data: " + "; ".join(problems[:10]))


def bundled_growth_dir() -> Path:
    """``data/epoch`` inside the installed package."""
    return Path(str(resources.files("effcompute.data").joinpath("epoch")))


def _cut(raw: pd.DataFrame, columns: dict) -> pd.DataFrame:
    missing = sorted(set(columns) - set(raw.columns))
    if missing:
        raise GrowthDataError([f"Epoch file lacks column(s) {missing}"])
    out = raw[list(columns)].rename(columns=columns)
    for c in out.columns:
        out[c] = _text(out, c)
    return out


def subset_frontier_models(raw: pd.DataFrame, end=DATA_END, start=DATA_START) -> pd.DataFrame:
    """Epoch model rows the growth model uses (see the module docstring), oldest first."""
    out = _cut(raw, FRONTIER_COLUMNS)
    flag = raw["Frontier model"].astype(str).str.strip().str.lower().eq("true") if "Frontier model" in raw else pd.Series(False, index=raw.index)
    date = pd.to_datetime(out["publication_date"], format="%Y-%m-%d", errors="coerce")
    flop = pd.to_numeric(out["training_compute_flop"], errors="coerce")
    keep = flag & date.between(pd.Timestamp(start), pd.Timestamp(end)) & (flop > 0)
    out = out[keep].copy()
    out["source_url"] = out["source_url"].map(_first_url)
    return out.sort_values(["publication_date", "model"]).reset_index(drop=True)


def subset_hardware(raw: pd.DataFrame, end=DATA_END) -> pd.DataFrame:
    """Epoch hardware rows with a release date up to ``end``, a release price and an FP32 peak, oldest first."""
    out = _cut(raw, HARDWARE_COLUMNS)
    date = pd.to_datetime(out["release_date"], format="%Y-%m-%d", errors="coerce")
    price, fp32 = (pd.to_numeric(out[c], errors="coerce") for c in ("release_price_usd", "peak_fp32_flops"))
    out = out[(date <= pd.Timestamp(end)) & (price > 0) & (fp32 > 0)]
    return out.sort_values(["release_date", "hardware_name"]).reset_index(drop=True)


def import_growth_subset(models_path, hardware_path, out_dir, end=DATA_END) -> dict:
    """Re-cut both tables from Epoch downloads (``all_ai_models.csv``, ``ml_hardware.csv``) into ``out_dir``.

    Returns
    -------
    dict
        ``{file name: {"read": n, "kept": m}}``; the written tables pass :func:`check_growth_tables`.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, path, cut in ((FRONTIER_FILE, models_path, lambda r: subset_frontier_models(r, end)), (HARDWARE_FILE, hardware_path, lambda r: subset_hardware(r, end))):
        raw = read_csv(Path(path), one_line_cells=False)  # Epoch's downloads quote line breaks inside cells
        table = cut(raw)
        check_growth_tables({name: table})
        write_csv_atomic(table, out_dir / name)
        counts[name] = {"read": len(raw), "kept": len(table)}
    return counts


def check_growth_tables(tables: dict) -> dict:
    """Types, ranges and keys of the growth tables (text frames by file name); typed frames back.

    Raises
    ------
    GrowthDataError
        Listing every problem (file, row, column, value).
    """
    problems, typed = [], {}
    for name, df in tables.items():
        expected = list((FRONTIER_COLUMNS if name == FRONTIER_FILE else HARDWARE_COLUMNS).values())
        if list(df.columns) != expected:
            problems.append(f"{name}: columns {list(df.columns)} are not {expected}")
            continue
        df = df.copy()
        date = pd.to_datetime(df[DATES[name]], format="%Y-%m-%d", errors="coerce")
        for i in df.index[date.isna()]:
            problems.append(f"{name} row {i + 2}: {DATES[name]} {df.at[i, DATES[name]]!r} is not a YYYY-MM-DD date")
        for col, required in POSITIVE[name].items():
            value = pd.to_numeric(df[col], errors="coerce")
            bad = (value.isna() & df[col].notna()) | (value <= 0) | (value.isna() if required else False)
            for i in df.index[bad]:
                problems.append(f"{name} row {i + 2}: {col} {df.at[i, col]!r} must be a positive number" + ("" if required else " or empty"))
            df[col] = value
        dup = df.duplicated(list(KEYS[name]), keep=False)
        for i in df.index[dup]:
            problems.append(f"{name} row {i + 2}: duplicate key {tuple(df.loc[i, list(KEYS[name])])}")
        df[DATES[name]] = date
        typed[name] = df
    if problems:
        raise GrowthDataError(problems)
    return typed


@dataclass(frozen=True)
class GrowthTables:
    """The two growth tables, typed, and the folder they came from."""

    frontier: pd.DataFrame
    hardware: pd.DataFrame
    data_dir: Path

    def data_hash(self) -> str:
        """SHA-256 over both files' bytes: the provenance of a growth fit."""
        h = hashlib.sha256()
        for name in (FRONTIER_FILE, HARDWARE_FILE):
            h.update(name.encode())
            h.update((self.data_dir / name).read_bytes())
        return h.hexdigest()

    def counts(self) -> dict:
        """Rows per table, and frontier rows with a training cost."""
        return {"frontier_models": len(self.frontier), "frontier_with_cost": int(np.isfinite(self.frontier["training_cost_2023_usd"]).sum()),
                "hardware_prices": len(self.hardware)}


def load_growth_data(data_dir=None) -> GrowthTables:
    """Load and check ``frontier_models.csv`` and ``hardware_prices.csv`` (default: the bundled ``data/epoch``)."""
    folder = Path(data_dir) if data_dir is not None else bundled_growth_dir()
    typed = check_growth_tables({name: read_csv(folder / name) for name in (FRONTIER_FILE, HARDWARE_FILE)})
    return GrowthTables(typed[FRONTIER_FILE], typed[HARDWARE_FILE], folder)
