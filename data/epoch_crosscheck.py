"""Our releases against Epoch AI's figures: which of ours is which of theirs, and every difference above a tolerance."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from effcompute.data.epoch import MODEL_COLUMNS, epoch_to_releases, read_epoch_csv

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

CROSSCHECK_FIELDS = ("params_total", "train_tokens", "train_flop", "n_chips", "gpu_hours", "mfu", "cost_usd")


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
