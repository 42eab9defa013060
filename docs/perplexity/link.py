"""Issue 13, item 4: the perplexity route as an informative prior for the trend's pooled rate, measured.

Usage: ``python docs/perplexity/link.py PERPLEXITY_RUN.nc OUT_DIR [--draws N]``.

Fits the trend model with its default rate prior and with the prior made from the perplexity run at three
discrepancy sds (0.075, 0.15, 0.3 OOM/year), then prints and writes (OUT_DIR/link.json, OUT_DIR/link.md) for each:
the prior, the pooled rate g and the MMLU 5-shot halving time (median, 80% interval), the compute reduction, the
convergence gate, PSIS-LOO of the scores against the default (same data, so elpd is comparable) and the
power-scaling prior and likelihood sensitivity of g and the headline (Kallioinen et al. 2023).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import arviz as az

from effcompute.inference.checks.sensitivity import run_sensitivity
from effcompute.inference.runs.fit_workflow import run_fit
from effcompute.inference.runs.files import load_run
from effcompute.inference.summary.rate_prior import rate_prior_from_perplexity_run
from effcompute.models.trend import DEFAULT_RATE_PRIOR

TAUS = (0.075, 0.15, 0.3)
REPORTED = ("g_oom_per_year", "halving_time_months", "compute_reduction_topdown")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("perplexity_run")
    p.add_argument("out")
    p.add_argument("--draws", type=int, default=2000)
    args = p.parse_args(argv)
    out = Path(args.out)
    priors = {"default": DEFAULT_RATE_PRIOR, **{f"perplexity_tau_{t:g}": rate_prior_from_perplexity_run(args.perplexity_run, t) for t in TAUS}}
    rows, runs = {}, {}
    for name, prior in priors.items():
        fields = {} if name == "default" else {"rate_prior": prior}
        result = run_fit("trend", out_dir=out / name, draws=args.draws, config_fields=fields, quiet=True)
        runs[name] = load_run(result["path"])[0]
        sens = run_sensitivity(result["path"])["quantities"]
        rows[name] = {
            "prior": {"mu": prior["mu"], "sd": prior["sd"]}, "converged": result["converged"], "diagnostics": result["diagnostics"],
            "headline": {k: {q: result["headline"][k][q] for q in ("median", "lo80", "hi80")} for k in REPORTED if k in result["headline"]},
            "sensitivity": {k: sens[k] for k in REPORTED if k in sens},
        }
    table = az.compare(runs, ic="loo", var_name="score_logit")
    for name, r in table.iterrows():
        rows[name]["loo"] = {"elpd_loo": float(r["elpd_loo"]), "se": float(r["se"]), "elpd_diff": float(r["elpd_diff"]), "dse": float(r["dse"])}
    (out / "link.json").write_text(json.dumps({"perplexity_run": str(args.perplexity_run), "rows": rows}, indent=1) + "\n")
    lines = ["| rate prior (OOM/year) | g pooled | MMLU halving (months) | compute reduction | elpd_loo (diff, SE) | prior / lik. sensitivity of g | gate |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, x in rows.items():
        h, s, lo = x["headline"], x["sensitivity"].get("g_oom_per_year", {}), x["loo"]

        def q(k, fmt):
            return f"{h[k]['median']:{fmt}} ({h[k]['lo80']:{fmt}}-{h[k]['hi80']:{fmt}})" if k in h else "-"

        lines.append(f"| {name}: N({x['prior']['mu']:.3f}, {x['prior']['sd']:.3f}) | {q('g_oom_per_year', '.3f')} | {q('halving_time_months', '.1f')} | "
                     f"{q('compute_reduction_topdown', '.0f')} | {lo['elpd_loo']:.1f} ({lo['elpd_diff']:.1f}, {lo['dse']:.1f}) | "
                     f"{s.get('prior', float('nan')):.3f} / {s.get('likelihood', float('nan')):.3f} | {'passed' if x['converged'] else 'FAILED'} |")
    (out / "link.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
