"""Epoch AI's language-model perplexity dataset (Ho et al. 2024): loading, schema check, import and the fitting sample.

The file is bundled unchanged (``lm_perplexity_benchmark_data.csv``, CC BY 4.0,
see data/README.md). It is kept apart from the six curated tables: it is
Epoch's data, the subject of a re-analysis, not our curation, so
:func:`effcompute.data.load.load_dataset` and its data hash do not read it.

:func:`fitting_sample` turns the wide file (one row per system, one column per
corpus) into the long sample the perplexity model fits (one row per system and
corpus), by the documented rule in data/README.md, and says why every dropped
row was dropped.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from effcompute.data.load import bundled_data_dir, read_csv, resolve_data_dir
from effcompute.data.schema import DATE_CHECK, NONEMPTY, DataValidationError, check_frame
from effcompute.dates import decimal_year

PERPLEXITY_FILE = "lm_perplexity_benchmark_data.csv"
#: Corpus code -> the file's perplexity column (WikiText-103, WikiText-2, Penn Treebank).
CORPORA = {"WT103": "Perplexity (WT103)", "WT2": "Perplexity (WT2)", "PTB": "Perplexity (PTB)"}
#: Systems Ho et al.'s code drops by name (section3.ipynb, step 6 of docs/literature_notes.md 2.6), plus every LoRA fine-tune.
DROPPED_SYSTEMS = ("GPT3-6.7B + muP",)
DROPPED_SUFFIX = "(LoRA finetuned)"
#: Rows kept per paper (``Reference``): its lowest perplexities (Ho et al. keep three).
ROWS_PER_PAPER = 3
#: ``paper``: also apply the exclusions of Ho et al.'s App. E.5 the file can express (cache models, architecture search);
#: ``code``: only the filters of their code.
EXCLUSION_RULES = ("paper", "code")

_PPL = pa.Check(lambda s: (s == 0) | (s >= 1), error="is not a perplexity (>= 1; 0 = not reported)")
_FLAG = pa.Check.isin([0.0, 1.0], error="is not 0 or 1")
SCHEMA = pa.DataFrameSchema(
    {
        "System": pa.Column(str, NONEMPTY),
        "Reference": pa.Column(str, NONEMPTY),
        "Publication date": pa.Column(str, DATE_CHECK),
        "Parameters": pa.Column(float, pa.Check.ge(0, error="is negative"), nullable=True, coerce=True),
        "Dataset Size": pa.Column(float, pa.Check.ge(0, error="is negative"), nullable=True, coerce=True),
        **{col: pa.Column(float, _PPL, nullable=True, coerce=True) for col in CORPORA.values()},
        "uncertain": pa.Column(float, _FLAG, nullable=True, coerce=True),
        "Uses Cache": pa.Column(float, _FLAG, nullable=True, coerce=True),
        "Architecture": pa.Column(str, nullable=True),
    }
)


def perplexity_path(data_dir=None) -> Path:
    """The perplexity file of a data folder (``--data``, ``$EFFCOMPUTE_DATA`` or a workspace) if it has one, else the bundled file."""
    own = resolve_data_dir(data_dir) / PERPLEXITY_FILE
    return own if own.is_file() else bundled_data_dir() / PERPLEXITY_FILE


def read_perplexity(path) -> pd.DataFrame:
    """Read and check a perplexity file in Epoch's format (columns beyond the schema's are kept unchecked).

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a file.
    DataValidationError
        Listing every problem (file, line, column, value).
    """
    path = Path(path)
    df, issues = check_frame(SCHEMA, read_csv(path, one_line_cells=False), file=path.name, allow_extra=True)
    if issues:
        raise DataValidationError(issues)
    return df


def load_perplexity(data_dir=None) -> pd.DataFrame:
    """The checked perplexity table of a data folder, else the bundled one (see :func:`perplexity_path`)."""
    return read_perplexity(perplexity_path(data_dir))


def file_sha256(path) -> str:
    """SHA-256 of a file's bytes (the perplexity data's provenance; not part of the curated tables' hash)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def import_perplexity(path, dest_dir=None) -> dict:
    """Check a newer download of Epoch's perplexity file and copy it, byte for byte, into a data folder.

    Parameters
    ----------
    path : path-like
        The download (same format: Epoch's Airtable export with at least the columns of :data:`SCHEMA`).
    dest_dir : path-like, optional
        Folder to write ``lm_perplexity_benchmark_data.csv`` into (default: the bundled data folder).

    Returns
    -------
    dict
        ``path`` written, ``rows``, ``first_date``, ``last_date``, ``sha256``, ``new_systems`` and ``dropped_systems``
        (systems not in / no longer in the file replaced).

    Raises
    ------
    DataValidationError
        If the download breaks the schema; nothing is written then.
    """
    new = read_perplexity(path)
    dest = Path(dest_dir) if dest_dir is not None else bundled_data_dir()
    target = dest / PERPLEXITY_FILE
    old = set(read_perplexity(target).System) if target.is_file() else set()
    with tempfile.NamedTemporaryFile(dir=dest, prefix=f".{PERPLEXITY_FILE}.", suffix=".tmp", delete=False) as tmp:
        shutil.copyfile(path, tmp.name)
    Path(tmp.name).replace(target)
    return {
        "path": str(target), "rows": len(new), "first_date": new["Publication date"].min(), "last_date": new["Publication date"].max(),
        "sha256": file_sha256(target), "new_systems": sorted(set(new.System) - old), "dropped_systems": sorted(old - set(new.System)),
    }


def _drop(df: pd.DataFrame, mask, reason: str, excluded: list) -> pd.DataFrame:
    excluded += [("perplexity", name, reason) for name in df.loc[mask, "label"]]
    return df[~mask]


def fitting_sample(raw: pd.DataFrame, exclusions: str = "paper", per_paper: int = ROWS_PER_PAPER) -> tuple[pd.DataFrame, list]:
    """The long fitting sample (one row per system and corpus) and the rows left out, with why.

    Returns
    -------
    (pd.DataFrame, list of (table, row, reason))
        Columns ``label`` ("system [corpus]"), ``system``, ``reference``, ``corpus``, ``year`` (decimal),
        ``params``, ``data_tokens``, ``ppl``, ``log_ppl``, ``architecture``, ``date`` (publication, YYYY-MM-DD); sorted by
        reference and perplexity.
    """
    if exclusions not in EXCLUSION_RULES:
        raise ValueError(f"exclusions={exclusions!r} must be one of {EXCLUSION_RULES}")
    long = pd.concat(
        [raw.assign(corpus=code, ppl=raw[col]) for code, col in CORPORA.items()], ignore_index=True
    )
    long["label"] = long.System + " [" + long.corpus + "]"
    excluded: list = []
    long = long[long.ppl.fillna(0) > 0]  # one row per reported perplexity (0 = not reported)
    long = _drop(long, long.uncertain.fillna(0) == 1, "flagged uncertain by Epoch", excluded)
    long = _drop(long, ~(long.Parameters.fillna(0) > 0), "no parameter count", excluded)
    long = _drop(long, ~(long["Dataset Size"].fillna(0) > 0), "no dataset size", excluded)
    named = long.System.isin(DROPPED_SYSTEMS) | long.System.str.endswith(DROPPED_SUFFIX)
    long = _drop(long, named, "dropped by name as in Ho et al.'s code (muP / LoRA fine-tune)", excluded)
    if exclusions == "paper":
        long = _drop(long, long["Uses Cache"].fillna(0) == 1, "cache model (Ho et al. App. E.5)", excluded)
        long = _drop(long, long.Architecture.fillna("") == "NAS", "architecture search (Ho et al. App. E.5)", excluded)
    long = long.sort_values(["Reference", "ppl", "label"], kind="mergesort")
    rank = long.groupby("Reference").cumcount()
    long = _drop(long, rank >= per_paper, f"not among its paper's {per_paper} lowest perplexities", excluded)
    # a system name can repeat (two papers, one name): number the repeats so every label is unique
    dup = long.groupby("label").cumcount()
    long["label"] = long.label.where(dup == 0, long.label + " #" + (dup + 1).astype(str))
    out = pd.DataFrame({
        "label": long.label, "system": long.System, "reference": long.Reference, "corpus": long.corpus,
        "year": decimal_year(long["Publication date"]), "params": long.Parameters, "data_tokens": long["Dataset Size"],
        "ppl": long.ppl, "log_ppl": np.log(long.ppl), "architecture": long.Architecture.fillna("unknown"), "date": long["Publication date"],
    }).reset_index(drop=True)
    return out, excluded
