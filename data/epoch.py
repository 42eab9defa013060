"""Import Epoch AI's model and hardware databases into our schema, and cross-check our releases against them.

Epoch AI publishes ``all_ai_models.csv`` / ``notable_ai_models.csv`` (one row
per model) and ``ml_hardware.csv`` (one row per chip) at https://epoch.ai/data.
Every imported figure is Epoch's, so rows are sourced ``Estimate by Epoch AI:``.
The hardware importer is in :mod:`effcompute.data.epoch_hardware`, the
cross-check in :mod:`effcompute.data.epoch_crosscheck`.
"""

from __future__ import annotations

import importlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from effcompute.data.epoch_hardware import HARDWARE_NAME_MAP, map_epoch_hardware
from effcompute.data.load import read_csv
from effcompute.data.names import canonical_org
from effcompute.data.schema import SCHEMAS, check_links, check_table

#: Environment variable naming a folder with Epoch's CSVs (for cross-checks and tests).
REFERENCE_ENV = "EFFCOMPUTE_REFERENCE_DIR"
EPOCH_MODELS_FILE = "all_ai_models_until_2025-03-31.csv"


def reference_dir() -> Path:
    """``$EFFCOMPUTE_REFERENCE_DIR``, else ``shared/reference/epoch`` beside the source checkout.

    The folder may not exist (a user's fresh clone has no ``shared/``); callers check.
    """
    env = os.environ.get(REFERENCE_ENV)
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "reference" / "epoch"


PRECISION_MAP = {"FP32": "fp32", "TF32": "tf32", "FP16": "fp16", "BF16": "bf16", "FP8": "fp8"}
NOTES_MAX_CHARS = 300
_URL = re.compile(r"https?://\S+?(?=,\s*https?://|\s|$)")
#: Columns an Epoch models file must have (``all_ai_models.csv`` / ``notable_ai_models.csv``).
MODEL_COLUMNS = ("Model", "Domain", "Organization", "Publication date", "Parameters", "Training compute (FLOP)", "Link")


@dataclass(frozen=True)
class ImportResult:
    """Rows imported into one of our tables, the rows left out and why.

    Attributes
    ----------
    releases : pd.DataFrame or None
        Kept rows in our ``releases.csv`` schema, validated (None for hardware).
    dropped : pd.DataFrame
        One row per Epoch row left out: the Epoch name, ``category`` and ``reason``.
    counts : dict
        ``read``, ``kept``, ``dropped`` and ``dropped_by`` (rows per category).
    notes : tuple of str
        Caveats of the import as a whole.
    hardware : pd.DataFrame or None
        Kept rows in our ``hardware.csv`` schema, validated (None for models).
    """

    releases: pd.DataFrame | None
    dropped: pd.DataFrame
    counts: dict
    notes: tuple = ()
    hardware: pd.DataFrame | None = None


def read_epoch_csv(path, required: tuple, what: str = "Epoch AI models") -> pd.DataFrame:
    """An Epoch CSV, checked to have the columns this module reads.

    Raises
    ------
    ValueError
        Naming the file: not UTF-8 or not CSV (with the line), no rows, or lacking a column.
    """
    path = Path(path)
    raw = read_csv(path, one_line_cells=False)
    missing = [c for c in required if c not in raw.columns]
    if missing:
        found = ", ".join(repr(c) for c in list(raw.columns)[:6]) + (", ..." if len(raw.columns) > 6 else "")
        raise ValueError(f"{str(path)!r} is not an {what} CSV: it lacks the column(s) {', '.join(map(repr, missing))} (its header has {found}); "
                         "download the file from https://epoch.ai/data")
    if raw.empty:
        raise ValueError(f"{str(path)!r} has a header but no rows")
    return raw


def _num(raw: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(raw[column], errors="coerce") if column in raw else pd.Series(np.nan, index=raw.index)


def _text(raw: pd.DataFrame, column: str) -> pd.Series:
    values = raw[column] if column in raw else [None] * len(raw)
    return pd.Series([re.sub(r"\s+", " ", v).strip() or None if isinstance(v, str) else None for v in values], index=raw.index, dtype=object)


def _truncate(text: str, n: int = NOTES_MAX_CHARS) -> str:
    return text if len(text) <= n else text[: n - 3].rstrip() + "..."


def _first_url(text) -> str | None:
    match = _URL.search(text) if isinstance(text, str) else None
    return match.group(0) if match else None


def _precision(text) -> str | None:
    formats = {PRECISION_MAP.get(f.strip().upper()) for f in text.split(",")} if isinstance(text, str) else {None}
    return formats.pop() if len(formats) == 1 and None not in formats else None


def _row_notes(r: pd.Series) -> str:
    parts = [f"Epoch confidence: {r['confidence']}" if r["confidence"] else None]
    parts.append(f"Epoch estimation method: {r['method']}" if r["method"] else None)
    parts.append("params_active = params_total (Epoch has no active-parameter column; total for MoE)")
    parts.append("train_tokens = Epoch 'Training dataset size (gradients)'" if pd.notna(r["train_tokens"]) else None)
    parts.append("train_days = Epoch 'Training time (hours)' / 24" if pd.notna(r["train_days"]) else None)
    parts.append("cost_usd in 2023 USD (Epoch)" if pd.notna(r["cost_usd"]) else None)
    parts.append(f"Epoch hardware not mapped: {r['hardware_why']}" if r["hardware_why"] else None)
    parts.append(f"Epoch compute notes: {r['compute_notes']}" if r["compute_notes"] else None)
    return _truncate(". ".join(p for p in parts if p), 2 * NOTES_MAX_CHARS)


def epoch_to_releases(raw: pd.DataFrame) -> pd.DataFrame:
    """Epoch model rows in our ``releases`` columns, unfiltered and unvalidated (same index as ``raw``)."""
    hardware = _text(raw, "Training hardware").map(map_epoch_hardware)
    params = _num(raw, "Parameters")
    out = pd.DataFrame(
        {
            "name": _text(raw, "Model"),
            "org": _text(raw, "Organization").map(canonical_org),
            "release_date": _text(raw, "Publication date"),
            "params_total": params,
            "params_active": params,
            "train_tokens": _num(raw, "Training dataset size (gradients)"),
            "train_flop": _num(raw, "Training compute (FLOP)"),
            "flop_basis": "third_party_estimate",
            "hardware": hardware.str[0],
            "n_chips": _num(raw, "Hardware quantity"),
            "train_days": _num(raw, "Training time (hours)") / 24.0,
            "gpu_hours": _num(raw, "Training chip-hours"),
            "mfu": _num(raw, "Hardware utilization (MFU)"),
            "precision": _text(raw, "Numerical format").map(_precision),
            "context_length": np.nan,
            "cost_usd": _num(raw, "Training compute cost (2023 USD)"),
        }
    )
    out["flop_basis"] = out["flop_basis"].where(out["train_flop"].notna(), None)
    out["cost_basis"] = np.where(out["cost_usd"].notna(), "estimate_amortized", None)
    # Epoch's file does not say whether a model was distilled; left unknown for the user to fill
    out["distilled_from"] = None
    out["distillation_kind"] = None
    out["source"] = "Estimate by Epoch AI: " + _text(raw, "Reference").fillna("Epoch AI models database")
    out["source_url"] = raw["Link"].map(_first_url) if "Link" in raw else None
    out["source_location"] = "Epoch AI models database, row '" + out["name"].fillna("") + "'"
    extra = pd.DataFrame(
        {
            "confidence": _text(raw, "Confidence"),
            "method": _text(raw, "Training compute estimation method"),
            "hardware_why": hardware.str[1],
            "compute_notes": [_truncate(t) if t else None for t in _text(raw, "Training compute notes")],
        }
    )
    out["notes"] = pd.concat([out, extra], axis=1).apply(_row_notes, axis=1)
    return out[list(SCHEMAS["releases"].columns)]


def _validate(name: str, df: pd.DataFrame, label: pd.Series, frames=None) -> tuple[pd.DataFrame, list[dict]]:
    """Validate ``df`` (positional index); move failing rows to dropped until the rest passes."""
    dropped = []
    df, label = df.reset_index(drop=True), label.reset_index(drop=True)
    while True:
        checked, issues = check_table(name, df)
        if not issues and frames is not None:
            issues = check_links({name: checked, **frames})
        if not issues:
            return checked, dropped
        bad = {}
        for issue in issues:
            if issue.line is None or issue.line < 2:
                raise ValueError(f"Epoch import produced a table-level schema problem: {issue}")
            bad.setdefault(issue.line - 2, []).append(f"{issue.column} {issue.value!r} {issue.problem}")
        dropped += [{"name": label[i], "category": "fails our schema", "reason": "fails our schema: " + "; ".join(p)} for i, p in bad.items()]
        keep = ~df.index.isin(list(bad))
        df, label = df[keep].reset_index(drop=True), label[keep].reset_index(drop=True)


def _dropped_frame(rows: list[dict], name_column: str) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["name", "category", "reason"]).rename(columns={"name": name_column})


def _counts(read: int, kept: int, dropped: pd.DataFrame) -> dict:
    return {"read": read, "kept": kept, "dropped": len(dropped), "dropped_by": dropped["category"].value_counts().to_dict()}


def import_epoch_models(path, since=None, domain: str | None = "Language") -> ImportResult:
    """Import Epoch's models file (``all_ai_models.csv`` / ``notable_ai_models.csv`` layout) as our releases.

    Parameters
    ----------
    path : str or Path
        The Epoch CSV.
    since : str or datetime.date, optional
        Keep models published on or after this date (``YYYY-MM-DD``).
    domain : str or None, default "Language"
        Keep rows whose comma-separated ``Domain`` includes this; ``None`` keeps all.

    Returns
    -------
    ImportResult
        ``releases`` in our schema (``flop_basis="third_party_estimate"``,
        ``cost_basis="estimate_amortized"`` where Epoch gives a 2023-USD cost)
        and ``dropped`` with ``epoch_model``, ``category``, ``reason``.
    """
    raw = read_epoch_csv(path, MODEL_COLUMNS)
    rel = epoch_to_releases(raw)
    model = rel["name"].fillna("")
    since = pd.Timestamp(since) if since is not None else None
    dates = pd.to_datetime(rel["release_date"], format="%Y-%m-%d", errors="coerce")
    domains = _text(raw, "Domain").map(lambda d: [x.strip() for x in d.split(",")] if d else [])
    rules = [
        ("not in domain", domains.map(lambda ds: domain is None or domain in ds), f"Domain does not include {domain!r}"),
        ("no Publication date", dates.notna(), "no valid Publication date"),
        ("before since", dates >= since if since is not None else pd.Series(True, index=raw.index), f"published before {since.date() if since is not None else ''}"),
        ("no Parameters", rel["params_total"].notna(), "no Parameters"),
        ("no Training compute", rel["train_flop"].notna(), "no Training compute (FLOP)"),
        ("no http URL", rel["source_url"].notna(), "no http(s) URL in Link"),
    ]
    dropped, alive = [], pd.Series(True, index=raw.index)
    for category, ok, reason in rules:
        for i in raw.index[alive & ~ok.astype(bool)]:
            dropped.append({"name": model[i], "category": category, "reason": reason})
        alive &= ok.astype(bool)
    hardware = pd.DataFrame({"hardware": sorted(set(HARDWARE_NAME_MAP.values()))})
    kept, failed = _validate("releases", rel[alive], model[alive], frames={"hardware": hardware})
    dropped = _dropped_frame(dropped + failed, "epoch_model")
    unmapped = rel.loc[alive, "hardware"].isna() & _text(raw, "Training hardware")[alive].notna()
    notes = (
        "params_active = params_total: Epoch has no active-parameter column, so MoE rows overstate params_active.",
        "train_flop is Epoch's figure, kept as third_party_estimate even where Epoch's method is 'Reported'.",
        "train_tokens is Epoch's 'Training dataset size (gradients)', which for some multi-epoch runs is the unique "
        "dataset size, not tokens seen (e.g. OPT-175B, Galactica, phi-1.5/phi-2 are 40-95% below the papers' tokens seen).",
        "context_length is empty: Epoch has no such column.",
        f"hardware left empty for {int(unmapped.sum())} candidate rows whose Epoch chips map to no single key "
        "(ambiguous ones such as plain 'NVIDIA A100' are not guessed; see each row's notes).",
    )
    return ImportResult(kept, dropped, _counts(len(raw), len(kept), dropped), notes)


#: Names that moved to :mod:`effcompute.data.epoch_hardware` and :mod:`effcompute.data.epoch_crosscheck`, still importable from here.
_MOVED = {
    "import_epoch_hardware": "epoch_hardware", "CANONICAL_HARDWARE_ROW": "epoch_hardware", "HARDWARE_SOURCE_URL": "epoch_hardware",
    "HARDWARE_COLUMNS": "epoch_hardware", "crosscheck": "epoch_crosscheck", "match_epoch_models": "epoch_crosscheck",
    "RELEASE_ALIASES": "epoch_crosscheck", "CROSSCHECK_FIELDS": "epoch_crosscheck", "FIELD_WORDS": "epoch_crosscheck",
}


def __getattr__(name: str):
    if name in _MOVED:
        return getattr(importlib.import_module(f"effcompute.data.{_MOVED[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
