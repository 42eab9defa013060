"""Refit SBC simulations whose ranks were off (perplexity, ho7, seed 1) with 4 chains x 1,000 draws: R-hat and chain means show stuck or multimodal fits. Output: sbc_probe.txt."""
import arviz as az
from effcompute.inference.checks.sbc import draw_simulations
from effcompute.inference.sampling.sampler import compile_for_nutpie, sample_compiled
from effcompute.models import build_model
from effcompute.models.config import ModelConfig
from effcompute.data.load import load_dataset
m = build_model(load_dataset(), ModelConfig(model="perplexity"))
truth, data = draw_simulations(m, 200, 1)
compiled = compile_for_nutpie(m.model)
for i in (25, 48, 33, 18):
    idata = sample_compiled(compiled.with_data(**data[i]), draws=1000, tune=1000, chains=4, seed=i, cores=2)
    s = az.summary(idata, var_names=["alpha_param", "beta_data", "alpha_year", "beta_year", "sigma", "nu"])
    print("sim", i, "divergences", int(idata.sample_stats.diverging.sum()), flush=True)
    for v in ["alpha_param", "beta_data", "alpha_year", "beta_year", "sigma", "nu"]:
        print(f"  {v}: truth {float(truth[v][i]):.3f}  post mean {s.loc[v,'mean']:.3f} sd {s.loc[v,'sd']:.3f} rhat {s.loc[v,'r_hat']} ess {s.loc[v,'ess_bulk']}", flush=True)
    print("  chain means alpha_param", idata.posterior.alpha_param.mean("draw").values.round(3), "sigma", idata.posterior.sigma.mean("draw").values.round(3), flush=True)
