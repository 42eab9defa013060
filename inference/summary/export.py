"""Export a run's headline summaries to CSV, JSON or Markdown, the interval kind stated; and posterior draws of its headline quantities."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from effcompute.inference.summary.headline import comparisons
from effcompute.inference.summary.numbers import INTERVAL_KEYS, INTERVAL_KIND, format_sig
from effcompute.models.base import quantities_from_roles

FORMATS = ("csv", "json", "md")
SUMMARY = ["median", "lo80", "hi80", "lo95", "hi95"]
COLUMNS = ["quantity", "label", "unit", *SUMMARY, "p_gt_1000", *(f"prior_{k}" for k in SUMMARY)]


def distinct(headline: dict, roles: dict | None) -> dict:
    """``headline`` without the rows that summarise the same draws as an earlier row (an alias such as trend_v1's
    ``compute_reduction``, or the last element of a by-year series that is the as-of value), so an export has no
    duplicate rows; the run itself keeps every key."""
    seen, keep = set(), {}
    declared = {q.headline_key: q for q in quantities_from_roles(roles or {})}
    for name, row in headline.items():
        q = declared.get(name)
        draws = (q.variable, json.dumps(q.select, sort_keys=True, default=str)) if q else (name, "")
        if draws not in seen:
            seen.add(draws)
            keep[name] = row
    return keep


def headline_frame(headline: dict, roles: dict | None = None) -> pd.DataFrame:
    """One row per quantity: label and unit (from the run's roles), posterior median and intervals, P(>1000x) where
    relevant, the prior's summary beside."""
    declared = {q.headline_key: q for q in quantities_from_roles(roles or {})}
    rows = []
    for name, row in headline.items():
        prior, q = row.get("prior", {}), declared.get(name)
        rows.append({"quantity": name, "label": q.label if q else "", "unit": q.unit if q else "", **{k: row.get(k) for k in SUMMARY},
                     "p_gt_1000": row.get("p_gt_1000"), **{f"prior_{k}": prior.get(k) for k in SUMMARY}})
    return pd.DataFrame(rows, columns=COLUMNS)


def render(attrs: dict, fmt: str) -> str:
    """The export text of a run's attrs (as :func:`effcompute.inference.runs.files.run_attrs` returns them)."""
    if fmt not in FORMATS:
        raise ValueError(f"format={fmt!r} must be one of {FORMATS}")
    headline = distinct(attrs["headline"], attrs.get("roles"))
    meta = {
        "model": attrs["model"], "as_of": attrs.get("as_of"), "data_hash": attrs["data_hash"], "seed": attrs["seed"],
        "converged": attrs["convergence"]["converged"], "interval_kind": INTERVAL_KIND,
        "intervals": INTERVAL_KEYS,
    }
    if fmt == "json":
        units = {q.headline_key: {"label": q.label, "unit": q.unit} for q in quantities_from_roles(attrs.get("roles") or {})}
        rows = {k: {**units.get(k, {}), **v} for k, v in headline.items()}
        return json.dumps({**meta, "headline": rows, "comparisons": comparisons(), "notes": attrs.get("notes", [])}, indent=2) + "\n"
    df = headline_frame(headline, attrs.get("roles"))
    if fmt == "csv":
        for k in ("model", "as_of", "data_hash", "seed", "converged", "interval_kind"):
            df[k] = meta[k]
        return df.to_csv(index=False, float_format="%.6g", lineterminator="\n")
    lines = [
        f"# effcompute run: {meta['model']} model",
        "",
        f"As of {meta['as_of']}; data hash `{meta['data_hash'][:12]}`; seed {meta['seed']}; converged: {meta['converged']}.",
        f"Intervals are {INTERVAL_KIND}: 80% = 10th-90th percentile, 95% = 2.5th-97.5th.",
        "",
        "| quantity | unit | median | 80% interval | 95% interval | P(>1000x) | prior median (80%; 95%) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for _, r in df.iterrows():
        prior = "" if pd.isna(r.prior_median) else (f"{format_sig(r.prior_median)} ({format_sig(r.prior_lo80)} to {format_sig(r.prior_hi80)}; "
                                                    f"{format_sig(r.prior_lo95)} to {format_sig(r.prior_hi95)})")
        p = "" if pd.isna(r.p_gt_1000) else f"{r.p_gt_1000:.1%}"
        lines.append(f"| {r.quantity} | {r.unit} | {format_sig(r['median'])} | {format_sig(r.lo80)} to {format_sig(r.hi80)} | {format_sig(r.lo95)} to {format_sig(r.hi95)} | {p} | {prior} |")
    for note in attrs.get("notes", []):
        lines += ["", f"Note: {note}"]
    return "\n".join(lines) + "\n"


def draws_frame(idata, roles: dict) -> pd.DataFrame:
    """Posterior draws of a run's headline quantities: columns ``chain``, ``draw``, then one per quantity (its headline key).

    Parameters
    ----------
    idata : arviz.InferenceData
        A saved run.
    roles : dict
        The run's stored roles (``attrs["roles"]``), which declare the headline quantities.

    Returns
    -------
    pandas.DataFrame
        One row per posterior draw, in chain then draw order; a quantity that repeats an earlier one's draws (:func:`distinct`) is left out.
    """
    post = idata["posterior"]
    chains, draws = post.sizes["chain"], post.sizes["draw"]
    out = {"chain": np.repeat(post["chain"].values, draws), "draw": np.tile(post["draw"].values, chains)}
    seen = set()
    for q in quantities_from_roles(roles or {}):
        same = (q.variable, json.dumps(q.select, sort_keys=True, default=str))
        if q.variable in post and q.headline_key not in out and same not in seen:
            seen.add(same)
            da = post[q.variable]
            for dim, where in (q.select or {}).items():
                da = da.isel({dim: where}) if isinstance(where, int) else da.sel({dim: where})
            out[q.headline_key] = da.transpose("chain", "draw").values.ravel()
    return pd.DataFrame(out)


def write_draws(frame: pd.DataFrame, path) -> None:
    """``frame`` to ``path``: Parquet for a ``.parquet`` name (needs pyarrow), else CSV."""
    from effcompute.data.io import write_text_atomic

    if str(path).endswith(".parquet"):
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ValueError(f"--draws {str(path)!r}: writing Parquet needs pyarrow (pip install pyarrow), or name a .csv file") from None
        frame.to_parquet(path, index=False)
        return
    write_text_atomic(frame.to_csv(index=False, float_format="%.9g", lineterminator="\n"), path)
