"""PSIS-LOO comparison of saved perplexity runs (az.compare, stacking weights), as a Markdown table and JSON.

Usage: ``python docs/perplexity/compare.py OUT_STEM NAME=RUN.nc [NAME=RUN.nc ...]``. All runs must share
one fitting sample (same rows): LOO compares models of the same data only.
"""

from __future__ import annotations

import json
import sys

import arviz as az
import numpy as np

from effcompute.inference.runs.files import load_run


def compare(runs: dict) -> tuple[str, dict]:
    """Markdown table and JSON rows of az.compare over ``{name: path}`` (stacking weights; elpd on the log scale)."""
    loaded = {name: load_run(path)[0] for name, path in runs.items()}
    labels = {name: list(i.log_likelihood["log_ppl"].coords["perplexity_obs"].values) for name, i in loaded.items()}
    first = next(iter(labels.values()))
    if any(v != first for v in labels.values()):
        raise ValueError("runs were fitted to different rows; LOO cannot compare them")
    table = az.compare(loaded, ic="loo", method="stacking", var_name="log_ppl")
    ks = {name: float(np.max(az.loo(i, var_name="log_ppl", pointwise=True).pareto_k)) for name, i in loaded.items()}
    halving = {name: float(i.posterior["halving_time_months"].median()) for name, i in loaded.items()}
    lines = ["| variant | rank | elpd_loo | SE | elpd diff | SE diff | p_loo | stacking weight | max Pareto k | halving median (months) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    rows = {}
    for name, r in table.iterrows():
        rows[name] = {"rank": int(r["rank"]), "elpd_loo": float(r["elpd_loo"]), "se": float(r["se"]), "elpd_diff": float(r["elpd_diff"]),
                      "dse": float(r["dse"]), "p_loo": float(r["p_loo"]), "weight": float(r["weight"]), "max_pareto_k": ks[name], "halving_median": halving[name]}
        x = rows[name]
        lines.append(f"| {name} | {x['rank']} | {x['elpd_loo']:.1f} | {x['se']:.1f} | {x['elpd_diff']:.1f} | {x['dse']:.1f} | {x['p_loo']:.1f} | "
                     f"{x['weight']:.2f} | {x['max_pareto_k']:.2f} | {x['halving_median']:.1f} |")
    return "\n".join(lines), rows


if __name__ == "__main__":
    stem, pairs = sys.argv[1], dict(a.split("=", 1) for a in sys.argv[2:])
    md, rows = compare(pairs)
    open(f"{stem}.md", "w").write(md + "\n")
    json.dump(rows, open(f"{stem}.json", "w"), indent=1)
    print(md)
