"""Import Epoch AI's model and hardware databases into our schema, and cross-check our releases against them.

Epoch AI publishes ``all_ai_models.csv`` / ``notable_ai_models.csv`` (one row
per model) and ``ml_hardware.csv`` (one row per chip) at https://epoch.ai/data.
Every imported figure is Epoch's, so rows are sourced ``Estimate by Epoch AI:``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

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


#: Epoch "Training hardware" / "Hardware name" strings -> our hardware.csv keys.
HARDWARE_NAME_MAP = {
    "NVIDIA V100": "V100",
    "NVIDIA Tesla V100 SXM2": "V100",
    "NVIDIA Tesla V100 SXM2 16 GB": "V100",
    "NVIDIA Tesla V100 SXM2 32 GB": "V100",
    "NVIDIA Tesla V100 SXM3 32 GB": "V100",
    "NVIDIA Tesla V100 DGXS 16 GB": "V100",
    "NVIDIA Tesla V100 DGXS 32 GB": "V100",
    "NVIDIA A100 SXM4 40 GB": "A100-40GB",
    "NVIDIA A100 SXM4 80 GB": "A100-80GB",
    "NVIDIA A800 SXM": "A800",
    "NVIDIA H100 SXM5 80GB": "H100-SXM",
    "NVIDIA H100 PCIe": "H100-PCIe",
    "NVIDIA H800 SXM5": "H800",
    "NVIDIA H200 SXM": "H200",
    "NVIDIA B200": "B200",
    "NVIDIA GB200": "GB200",
    "Google TPU v2": "TPUv2",
    "Google TPU v3": "TPUv3",
    "Google TPU v4": "TPUv4",
    "Google TPU v5e": "TPUv5e",
    "Google TPU v5p": "TPUv5p",
    "Google TPU v6e Trillium": "TPUv6e",
    "AMD Radeon Instinct MI250X": "MI250X",
    "AMD Instinct MI300X": "MI300X",
    "Intel Habana Gaudi2": "Gaudi2",
}

#: Epoch names deliberately left unmapped although a key looks close.
UNMAPPED_HARDWARE = {
    "NVIDIA A100": "ambiguous: A100-40GB or A100-80GB (memory and form factor not given)",
    "NVIDIA A100 PCIe": "PCIe A100; our A100 keys are SXM4",
    "NVIDIA A800 PCIe": "PCIe A800; our A800 key is the 80 GB SXM",
    "NVIDIA A800 PCIe 40 GB": "PCIe A800; our A800 key is the 80 GB SXM",
    "NVIDIA A800 PCIe 80 GB": "PCIe A800; our A800 key is the 80 GB SXM",
    "NVIDIA Tesla V100 PCIe 16 GB": "PCIe V100 (112 TFLOP/s tensor); our V100 key is SXM2 (125)",
    "NVIDIA Tesla V100 PCIe 32 GB": "PCIe V100 (112 TFLOP/s tensor); our V100 key is SXM2 (125)",
    "NVIDIA Tesla V100S PCIe 32 GB": "V100S PCIe; our V100 key is SXM2",
    "NVIDIA H100 NVL": "H100 NVL is neither H100-SXM nor H100-PCIe",
    "NVIDIA GH200": "Grace Hopper superchip; no key",
    "AMD Radeon Instinct MI250": "MI250, not MI250X",
    "Google TPU v4i": "inference chip, not TPU v4",
}

#: Where several Epoch hardware rows map to one key, the row whose specs our key describes.
CANONICAL_HARDWARE_ROW = {"V100": "NVIDIA Tesla V100 SXM2 32 GB"}

#: Our release names -> Epoch "Model" where exact or normalized matching fails.
RELEASE_ALIASES = {
    "GPT-3 175B": "GPT-3 175B (davinci)",
    "GLaM 1.2T": "GLaM",
    "MT-NLG 530B": "Megatron-Turing NLG 530B",
    "Chinchilla 70B": "Chinchilla",
    "Galactica-120B": "Galactica",
    "BloombergGPT 50B": "BloombergGPT",
    "DeepSeek-V2": "DeepSeek-V2 (MoE-236B)",
    "OLMo-2-7B": "OLMo 2 Furious 7B",
    "OLMo-2-13B": "OLMo 2 Furious 13B",
}

PRECISION_MAP = {"FP32": "fp32", "TF32": "tf32", "FP16": "fp16", "BF16": "bf16", "FP8": "fp8"}
CROSSCHECK_FIELDS = ("params_total", "train_tokens", "train_flop", "n_chips", "gpu_hours", "mfu", "cost_usd")
HARDWARE_SOURCE_URL = "https://epoch.ai/data/machine-learning-hardware"
NOTES_MAX_CHARS = 300
_URL = re.compile(r"https?://\S+?(?=,\s*https?://|\s|$)")
#: Columns an Epoch models file must have (``all_ai_models.csv`` / ``notable_ai_models.csv``) and a hardware file.
MODEL_COLUMNS = ("Model", "Domain", "Organization", "Publication date", "Parameters", "Training compute (FLOP)", "Link")
HARDWARE_COLUMNS = ("Hardware name", "Manufacturer", "Release date", "Tensor-FP16/BF16 performance (FLOP/s)")


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


def map_epoch_hardware(text) -> tuple[str | None, str | None]:
    """Map an Epoch hardware cell (comma-separated chips) to one of our keys.

    Returns
    -------
    (str or None, str or None)
        The key when every chip maps to the same key, else ``None`` and why
        (``None, None`` for an empty cell).
    """
    if not isinstance(text, str) or not text.strip():
        return None, None
    chips = [c.strip() for c in text.split(",") if c.strip()]
    keys = {HARDWARE_NAME_MAP.get(c) for c in chips}
    if None in keys:
        why = "; ".join(f"'{c}': {UNMAPPED_HARDWARE.get(c, 'no hardware.csv key')}" for c in chips if c not in HARDWARE_NAME_MAP)
        return None, why
    if len(keys) > 1:
        return None, f"several chips map to different keys ({', '.join(sorted(keys))})"
    return keys.pop(), None


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


def import_epoch_hardware(path) -> ImportResult:
    """Import Epoch's ``ml_hardware.csv`` rows that map to our hardware keys.

    Peaks come from Epoch's FP32, TF32, Tensor-FP16/BF16 and FP8 columns,
    ``memory_gb`` = ``Memory size per board (Byte)`` / 1e9.

    Returns
    -------
    ImportResult
        ``hardware`` in our ``hardware.csv`` schema (``releases`` is None) and
        ``dropped`` with ``epoch_hardware``, ``category``, ``reason``.
    """
    raw = read_epoch_csv(path, HARDWARE_COLUMNS, "Epoch AI ML hardware")
    name = _text(raw, "Hardware name").fillna("")
    key = name.map(HARDWARE_NAME_MAP)
    out = pd.DataFrame(
        {
            "hardware": key,
            "vendor": _text(raw, "Manufacturer"),
            "release_date": _text(raw, "Release date"),
            "peak_fp32_flops": _num(raw, "FP32 (single precision) performance (FLOP/s)"),
            "peak_tf32_flops": _num(raw, "TF32 (TensorFloat-32) performance (FLOP/s)"),
            "peak_bf16_flops": _num(raw, "Tensor-FP16/BF16 performance (FLOP/s)"),
            "peak_fp8_flops": _num(raw, "FP8 performance (FLOP/s)"),
            "tdp_w": _num(raw, "TDP (W)"),
            "launch_price_usd": _num(raw, "Release price (USD)"),
            "memory_gb": _num(raw, "Memory size per board (Byte)") / 1e9,
            "source": "Estimate by Epoch AI: ML hardware database",
            "source_url": HARDWARE_SOURCE_URL,
            "source_location": "Epoch AI ML hardware database, row '" + name + "'",
        }
    )
    epoch_notes = _text(raw, "Notes")
    out["notes"] = [
        "Imported from Epoch; peak_bf16_flops = Epoch 'Tensor-FP16/BF16'; memory_gb = bytes / 1e9."
        + (f" Epoch notes: {_truncate(n)}" if n else "")
        for n in epoch_notes
    ]
    dropped = [{"name": name[i], "category": "no hardware key", "reason": UNMAPPED_HARDWARE.get(name[i], "maps to no hardware.csv key")} for i in raw.index[key.isna()]]
    chosen = {}
    for i in raw.index[key.notna()]:
        if key[i] not in chosen or CANONICAL_HARDWARE_ROW.get(key[i]) == name[i]:
            chosen[key[i]] = i
    for i in raw.index[key.notna()]:
        if chosen[key[i]] != i:
            dropped.append({"name": name[i], "category": "duplicate key", "reason": f"'{name[chosen[key[i]]]}' is the Epoch row for {key[i]}"})
    rows = sorted(chosen.values())
    kept, failed = _validate("hardware", out.loc[rows], name[rows])
    dropped = _dropped_frame(dropped + failed, "epoch_hardware")
    missing = sorted(set(HARDWARE_NAME_MAP.values()) - set(kept["hardware"]))
    notes = (f"our keys with no valid Epoch row: {', '.join(missing) or 'none'}.",)
    return ImportResult(None, dropped, _counts(len(raw), len(kept), dropped), notes, hardware=kept)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9.]", "", name.lower())


def match_epoch_models(names, epoch_names) -> dict:
    """Map our release names to Epoch ``Model`` names: alias, then exact, then normalized (unique) match."""
    epoch_names = [n for n in epoch_names if isinstance(n, str)]
    exact = set(epoch_names)
    normed = pd.Series(epoch_names).groupby(pd.Series(epoch_names).map(_norm)).agg(list)
    unique = {k: v[0] for k, v in normed.items() if len(set(v)) == 1}
    out = {}
    for n in names:
        alias = RELEASE_ALIASES.get(n)
        hit = alias if alias in exact else n if n in exact else unique.get(_norm(n))
        if hit:
            out[n] = hit
    return out


#: Words by which a note can be seen to discuss a field.
FIELD_WORDS = {
    "params_total": r"param",
    "train_tokens": r"token",
    "train_flop": r"FLOP|compute",
    "n_chips": r"chips|GPUs|TPUs|n_chips",
    "gpu_hours": r"GPU[- ]hours|chip[- ]hours|gpu_hours",
    "mfu": r"MFU|utili[sz]ation",
    "cost_usd": r"cost|\$",
}


def _explains(notes: str, field: str) -> bool:
    """A note explains a difference when it names Epoch and discusses that field."""
    return bool(re.search(r"\bEpoch\b", notes) and re.search(FIELD_WORDS[field], notes, re.IGNORECASE))


def crosscheck(dataset, epoch_models_path, tolerance: float = 0.10) -> pd.DataFrame:
    """Differences above ``tolerance`` between our releases and Epoch's figures.

    Parameters
    ----------
    dataset : Dataset or dict
        Anything with a ``["releases"]`` table in our schema (e.g. ``load_dataset()``).
    epoch_models_path : str or Path
        Epoch's models CSV.
    tolerance : float, default 0.10
        Largest accepted ``|epoch - ours| / ours``.

    Returns
    -------
    pd.DataFrame
        One row per (release, field) above tolerance: ``release``, ``epoch_model``,
        ``field``, ``ours``, ``epoch``, ``rel_diff`` (signed, relative to ours),
        ``our_source``, ``our_notes``, ``explained`` (our notes name Epoch and
        discuss the field, see :data:`FIELD_WORDS`). ``attrs["unmatched"]`` lists releases with no Epoch row.
    """
    ours = dataset["releases"]
    epoch = epoch_to_releases(read_epoch_csv(epoch_models_path, MODEL_COLUMNS))
    epoch = epoch.drop_duplicates("name").set_index("name")
    matches = match_epoch_models(ours["name"], epoch.index)
    rows = []
    for _, r in ours.iterrows():
        if r["name"] not in matches:
            continue
        e = epoch.loc[matches[r["name"]]]
        notes = r["notes"] if isinstance(r["notes"], str) else ""
        for f in CROSSCHECK_FIELDS:
            a, b = float(r[f]) if pd.notna(r[f]) else np.nan, float(e[f]) if pd.notna(e[f]) else np.nan
            if np.isnan(a) or np.isnan(b) or a == 0:
                continue
            rel = (b - a) / a
            if abs(rel) > tolerance:
                explained = _explains(notes, f)
                rows.append(dict(release=r["name"], epoch_model=matches[r["name"]], field=f, ours=a, epoch=b, rel_diff=rel, our_source=r["source"], our_notes=notes, explained=explained))
    columns = ["release", "epoch_model", "field", "ours", "epoch", "rel_diff", "our_source", "our_notes", "explained"]
    out = pd.DataFrame(rows, columns=columns)
    out.attrs["unmatched"] = [n for n in ours["name"] if n not in matches]
    return out
