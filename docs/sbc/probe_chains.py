"""Refit the SBC simulations whose MMLU-rate ranks were highest (among fits without divergences) with 4 chains
(another seed, 1,000 tuning steps): do several chains agree (R-hat), and where does the truth fall in their posterior?

    python docs/sbc/probe_chains.py trend docs/sbc/trend_v2_1000/sbc_trend_sims.jsonl 6 > docs/sbc/trend_v2_probe/probe.txt
    python docs/sbc/probe_chains.py joint docs/sbc/joint_v2_1000/sbc_joint_sims.jsonl 4 > docs/sbc/joint_v2_probe/probe.txt

(the per-simulation logs are kept beside their runs, not in git). The trend's probe.txt was made before the
divergence filter was added; none of its six simulations had diverged.
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

NAMES = ["g_oom_per_year_mmlu", "g_oom_per_year", "g_series_sd", "release_sd", "org_sd", "law_weight", "compute_reduction_topdown",
         "compute_reduction", "discrepancy"]

model, log, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = [json.loads(line) for line in open(log)]
worst = sorted((r for r in rows if r["divergences"] == 0), key=lambda r: -r["ranks"]["g_oom_per_year_mmlu"])[:count]
m = build_model(load_dataset(), ModelConfig(model=model))
truth, data = draw_simulations(m, max(r["sim"] for r in rows) + 1, 1)
compiled = compile_for_nutpie(m.model)
for r in worst:
    i = r["sim"]
    idata = sample_compiled(compiled.with_data(**data[i]), draws=500, tune=1000, chains=4, seed=10_000 + i, cores=2, target_accept=m.target_accept)
    print(f"sim {i}: short-run rank of the MMLU rate {r['ranks']['g_oom_per_year_mmlu']}/100; divergences {int(idata.sample_stats.diverging.sum())}", flush=True)
    for v in [n for n in NAMES if n in idata.posterior and n in truth]:
        x = idata.posterior[v]
        t = float(np.asarray(truth[v])[i])
        q = float(np.mean(x.values.ravel() < t))
        rhat = float(az.rhat(x.to_dataset(name=v))[v].values)
        chains = " ".join(f"{c:.3g}" for c in x.mean("draw").values)
        print(f"  {v:28s} truth {t:9.4g}  posterior median {float(np.median(x.values)):9.4g}  share of draws below truth {q:.2f}  "
              f"R-hat {rhat:.3f}  chain means {chains}", flush=True)
