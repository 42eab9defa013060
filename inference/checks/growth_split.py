"""Time-split check of the growth model: fit on rows up to a cutoff, predict the frontier models published after it."""

from __future__ import annotations

import datetime as dt

import numpy as np

from effcompute.inference.summary.numbers import INTERVAL_KIND


def run_growth_split(cutoff: dt.date, *, data_dir=None, out_dir="runs/growth_split", draws=2000, tune=1000, chains=4, seed=1, target_accept=0.98,
                     growth=None) -> dict:
    """Fit the growth model (settings ``growth``) with ``as_of=cutoff`` and score its predictions of every later frontier model's training compute.

    Returns
    -------
    dict
        ``cutoff``, ``converged``, ``rows`` (model, date, observed and predicted log10 FLOP, inside80/inside95),
        ``coverage80``, ``coverage95``, ``n`` and the run ``path``.
    """
    from effcompute.data.growth_data import load_growth_data
    from effcompute.inference.runs.fit_workflow import run_fit
    from effcompute.inference.summary.growth_forecast import predict_from_run

    tables = load_growth_data(data_dir)
    fit = run_fit("growth", dataset=tables, out_dir=out_dir, draws=draws, tune=tune, chains=chains, seed=seed, as_of=cutoff, target_accept=target_accept, quiet=True,
                  growth=growth)
    later = tables.frontier[tables.frontier.publication_date > np.datetime64(cutoff)]
    preds = predict_from_run(fit["path"], [d.date() for d in later.publication_date], seed=seed)
    rows = []
    for (_, r), p in zip(later.iterrows(), preds):
        y, s = float(np.log10(r.training_compute_flop)), p["log10_flop"]
        rows.append({"model": r.model, "date": p["date"], "observed": y, **{k: s[k] for k in ("median", "lo80", "hi80", "lo95", "hi95")},
                     "inside80": bool(s["lo80"] <= y <= s["hi80"]), "inside95": bool(s["lo95"] <= y <= s["hi95"])})
    n = len(rows)
    return {
        "cutoff": str(cutoff), "converged": fit["converged"], "diagnostics": fit["diagnostics"], "path": fit["path"], "n": n, "rows": rows,
        "coverage80": float(np.mean([r["inside80"] for r in rows])) if n else None,
        "coverage95": float(np.mean([r["inside95"] for r in rows])) if n else None,
        "interval_kind": INTERVAL_KIND,
    }


def format_growth_split(result: dict) -> str:
    """Terminal table of the time-split check."""
    lines = [f"Growth model fitted on data to {result['cutoff']} ({'passed' if result['converged'] else 'FAILED'} the gate); "
             f"{result['n']} later frontier models, log10 training FLOP:",
             f"{'model':40s}{'date':>12s}{'observed':>10s}{'median':>8s}{'80% interval':>16s}{'in 80%':>8s}"]
    for r in result["rows"]:
        lines.append(f"{r['model'][:39]:40s}{r['date']:>12s}{r['observed']:10.2f}{r['median']:8.2f}{r['lo80']:8.2f}-{r['hi80']:.2f}{'yes' if r['inside80'] else 'no':>8s}")
    if result["n"]:
        lines.append(f"coverage: 80% intervals {result['coverage80']:.2f} (target band 0.7-0.9), 95% intervals {result['coverage95']:.2f}")
    return "\n".join(lines)
