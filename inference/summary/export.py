"""Export a run's headline summaries to CSV, JSON or Markdown, the interval kind stated."""

from __future__ import annotations

import json

import pandas as pd

from effcompute.inference.summary.headline import comparisons
from effcompute.inference.summary.numbers import INTERVAL_KEYS, INTERVAL_KIND, format_sig

FORMATS = ("csv", "json", "md")
COLUMNS = ["quantity", "median", "lo80", "hi80", "lo95", "hi95", "p_gt_1000", "prior_median", "prior_lo80", "prior_hi80"]


def headline_frame(headline: dict) -> pd.DataFrame:
    """One row per quantity: posterior median and intervals, P(>1000x) where relevant, the prior beside."""
    rows = []
    for name, row in headline.items():
        prior = row.get("prior", {})
        rows.append({"quantity": name, **{k: row.get(k) for k in COLUMNS[1:7]}, "prior_median": prior.get("median"), "prior_lo80": prior.get("lo80"), "prior_hi80": prior.get("hi80")})
    return pd.DataFrame(rows, columns=COLUMNS)


def render(attrs: dict, fmt: str) -> str:
    """The export text of a run's attrs (as :func:`effcompute.inference.runs.files.run_attrs` returns them)."""
    if fmt not in FORMATS:
        raise ValueError(f"format={fmt!r} must be one of {FORMATS}")
    headline = attrs["headline"]
    meta = {
        "model": attrs["model"], "as_of": attrs.get("as_of"), "data_hash": attrs["data_hash"], "seed": attrs["seed"],
        "converged": attrs["convergence"]["converged"], "interval_kind": INTERVAL_KIND,
        "intervals": INTERVAL_KEYS,
    }
    if fmt == "json":
        return json.dumps({**meta, "headline": headline, "comparisons": comparisons(), "notes": attrs.get("notes", [])}, indent=2) + "\n"
    df = headline_frame(headline)
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
        "| quantity | median | 80% interval | 95% interval | P(>1000x) | prior median (80%) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for _, r in df.iterrows():
        prior = "" if pd.isna(r.prior_median) else f"{format_sig(r.prior_median)} ({format_sig(r.prior_lo80)} to {format_sig(r.prior_hi80)})"
        p = "" if pd.isna(r.p_gt_1000) else f"{r.p_gt_1000:.1%}"
        lines.append(f"| {r.quantity} | {format_sig(r['median'])} | {format_sig(r.lo80)} to {format_sig(r.hi80)} | {format_sig(r.lo95)} to {format_sig(r.hi95)} | {p} | {prior} |")
    for note in attrs.get("notes", []):
        lines += ["", f"Note: {note}"]
    return "\n".join(lines) + "\n"
