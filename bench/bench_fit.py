"""Benchmark: fit each model with nutpie and with PyMC's default NUTS, side by side.

Run:  python bench/bench_fit.py [--models evidence trend joint] [--repeats 3] [--cold]

Each fit runs in a fresh Python process (so import, compile and sampling are
timed as a user meets them) and prints one line: model, sampler, repeat,
import s, build s, compile s, sampling s, min bulk ESS of the headline
quantities, ESS per sampling second, total s. ``--cold`` gives every process
empty PyTensor and Numba caches. Then a summary: per model, the medians and
the ratios nutpie / PyMC. Machines are shared and noisy: read the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

CHILD = r"""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
t0 = time.perf_counter()
import pymc  # noqa
from effcompute.data.load import load_dataset
from effcompute.inference.sampling.gate import check_convergence
from effcompute.inference.sampling.sampler import sample_model
from effcompute.models import build_model
from effcompute.models.config import ModelConfig
t1 = time.perf_counter()
model = build_model(load_dataset(), ModelConfig(model=sys.argv[1]))
t2 = time.perf_counter()
idata, timings = sample_model(model.model, sampler=sys.argv[2], seed=int(sys.argv[3]), quiet=True, progress=False)
t3 = time.perf_counter()
conv = check_convergence(idata, model.gated_variables())
sample_s = timings.sample_s
compile_s = timings.compile_s
print(json.dumps(dict(import_s=t1 - t0, build_s=t2 - t1, compile_s=compile_s, sample_s=sample_s,
                      min_ess_bulk=conv.min_ess_bulk, divergences=conv.divergences, total_s=t3 - t0)))
"""


def run_child(model: str, sampler: str, seed: int, env: dict) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, model, sampler, str(seed)], capture_output=True, text=True, env=env)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=["evidence", "trend", "joint"])
    parser.add_argument("--samplers", nargs="+", default=["nutpie", "pymc"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="empty compile caches for every process")
    args = parser.parse_args()

    results = {}
    print(f"{'model':9s} {'sampler':7s} {'rep':>3s} {'import':>7s} {'build':>6s} {'compile':>8s} {'sample':>7s} {'minESS':>7s} {'ESS/s':>7s} {'div':>4s} {'total':>7s}", flush=True)
    for model in args.models:
        for rep in range(args.repeats):
            for sampler in args.samplers:  # interleaved, so load drifts hit both alike
                env = dict(os.environ)
                if args.cold:
                    env["PYTENSOR_FLAGS"] = f"compiledir={tempfile.mkdtemp(prefix='pt-')}"
                    env["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="nb-")
                r = run_child(model, sampler, seed=rep + 1, env=env)
                r["ess_per_s"] = r["min_ess_bulk"] / r["sample_s"]
                results.setdefault((model, sampler), []).append(r)
                print(
                    f"{model:9s} {sampler:7s} {rep:>3d} {r['import_s']:>7.1f} {r['build_s']:>6.1f} {r['compile_s']:>8.1f} {r['sample_s']:>7.1f} "
                    f"{r['min_ess_bulk']:>7.0f} {r['ess_per_s']:>7.0f} {r['divergences']:>4d} {r['total_s']:>7.1f}",
                    flush=True,
                )
    print("\nmedians, and nutpie / pymc ratios (ESS/s: higher is better; total: lower is better)")
    for model in args.models:
        med = {s: {k: statistics.median(r[k] for r in results[(model, s)]) for k in ("compile_s", "sample_s", "ess_per_s", "total_s")} for s in args.samplers if (model, s) in results}
        line = f"{model:9s} " + "  ".join(f"{s}: total {m['total_s']:.1f}s, sample {m['sample_s']:.1f}s, ESS/s {m['ess_per_s']:.0f}" for s, m in med.items())
        if {"nutpie", "pymc"} <= set(med):
            line += f"  | ESS/s x{med['nutpie']['ess_per_s'] / med['pymc']['ess_per_s']:.1f}, whole fit x{med['pymc']['total_s'] / med['nutpie']['total_s']:.2f} faster"
        print(line)


if __name__ == "__main__":
    main()
