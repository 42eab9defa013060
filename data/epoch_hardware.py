"""Epoch AI's hardware names mapped to our hardware keys, and Epoch's ``ml_hardware.csv`` imported into ``hardware.csv``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from effcompute.data.epoch import ImportResult

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

HARDWARE_SOURCE_URL = "https://epoch.ai/data/machine-learning-hardware"
#: Columns an Epoch hardware file must have.
HARDWARE_COLUMNS = ("Hardware name", "Manufacturer", "Release date", "Tensor-FP16/BF16 performance (FLOP/s)")


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
    from effcompute.data.epoch import ImportResult, _counts, _dropped_frame, _num, _text, _truncate, _validate, read_epoch_csv

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
