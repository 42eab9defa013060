"""Refit the trend v2 SBC simulations whose MMLU-rate ranks were highest with 4 chains (another seed, 1,000 tuning
steps): do several chains agree (R-hat), and where does the truth fall in their posterior? Output: probe.txt.

    python docs/sbc/trend_v2_probe/probe.py docs/sbc/trend_v2_1000/sbc_trend_sims.jsonl 6   (the per-simulation log, kept beside a run; not in git)
"""
import json
import sys

import arviz as az
import numpy as np

from effcompute.data.load import load_dataset
from effcompute.inference.checks.sbc import draw_simulations
from effcompute.inference.sampling.sampler import compile_for_nutpie, sample_compiled
from effcompute.models import build_model
from effcompute.models.config import ModelConfig

log, count = sys.argv[1], int(sys.argv[2])
rows = [json.loads(line) for line in open(log)]
worst = sorted(rows, key=lambda r: -r["ranks"]["g_oom_per_year_mmlu"])[:count]
m = build_model(load_dataset(), ModelConfig(model="trend"))
truth, data = draw_simulations(m, max(r["sim"] for r in rows) + 1, 1)
compiled = compile_for_nutpie(m.model)
names = ["g_oom_per_year_mmlu", "g_oom_per_year", "g_series_sd", "release_sd", "org_sd", "law_weight", "compute_reduction_topdown"]
for r in worst:
    i = r["sim"]
    idata = sample_compiled(compiled.with_data(**data[i]), draws=500, tune=1000, chains=4, seed=10_000 + i, cores=2, target_accept=0.9)
    print(f"sim {i}: short-run rank of the MMLU rate {r['ranks']['g_oom_per_year_mmlu']}/100; divergences {int(idata.sample_stats.diverging.sum())}", flush=True)
    for v in names:
        x = idata.posterior[v]
        t = float(np.asarray(truth[v])[i])
        q = float(np.mean(x.values.ravel() < t))
        rhat = float(az.rhat(x.to_dataset(name=v))[v].values)
        chains = " ".join(f"{c:.3g}" for c in x.mean("draw").values)
        print(f"  {v:28s} truth {t:9.4g}  posterior median {float(np.median(x.values)):9.4g}  share of draws below truth {q:.2f}  "
              f"R-hat {rhat:.3f}  chain means {chains}", flush=True)
