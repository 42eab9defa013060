"""Benchmark: seed 002 prior draws through the PyMC model vs a plain NumPy Monte Carlo.

Run:  python bench/bench_seed_draws.py [--draws N] [--repeats K]

Prints, for each repeat, the wall time of
  - ours:  effcompute's vectorized draw path (graph build + compile + one call),
  - ours (call only): the compiled function called again (compile excluded),
  - numpy: the same six distributions drawn with NumPy/SciPy directly,
  - pymc one-at-a-time: pm.draw on the unresized model (only with --slow-baseline),
and the median ratio ours / numpy. Machines are shared and noisy: read the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from scipy import special

from effcompute import dims
from effcompute.inference.sampling.prior_draws import vectorized_prior_draws
from effcompute.models.priors import seed002_priors
from effcompute.models.seed_factors import build_seed_factors_model


def numpy_monte_carlo(draws: int, seed: int, reading: str = "intervals") -> np.ndarray:
    """Hardware reduction draws with plain NumPy (the seed's method, vectorized)."""
    rng = np.random.default_rng(seed)
    total = np.ones(draws)
    for name, p in seed002_priors(reading).items():
        if p.family == "lognormal":
            x = rng.lognormal(p.mu, p.sigma, draws)
        else:
            lo = -np.inf if p.lower is None else p.lower
            hi = np.inf if p.upper is None else p.upper
            a, b = special.ndtr((lo - p.mu) / p.sigma), special.ndtr((hi - p.mu) / p.sigma)
            x = p.mu + p.sigma * special.ndtri(rng.uniform(a, b, draws))
        total *= np.maximum(x, 1.0)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--slow-baseline", action="store_true", help="also time pm.draw one draw at a time (on 1/10 of the draws, scaled up)")
    args = parser.parse_args()

    model = build_seed_factors_model()
    vectorized_prior_draws(model, 1_000, random_seed=0)  # warm the C cache, as any second run would be
    ours, numpy_times = [], []
    print(f"{args.draws:,} draws, {args.repeats} repeats")
    print(f"{'repeat':>6s} {'ours (s)':>10s} {'numpy (s)':>10s} {'ratio':>7s} {'ours median':>12s} {'numpy median':>13s}")
    for i in range(args.repeats):
        t = time.perf_counter()
        ds = vectorized_prior_draws(model, args.draws, random_seed=i)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        hw = numpy_monte_carlo(args.draws, seed=i)
        numpy_times.append(time.perf_counter() - t)
        print(
            f"{i:>6d} {ours[-1]:>10.3f} {numpy_times[-1]:>10.3f} {ours[-1] / numpy_times[-1]:>7.2f} "
            f"{np.median(ds[dims.HARDWARE_REDUCTION].values):>12.1f} {np.median(hw):>13.1f}"
        )
    med_o, med_n = statistics.median(ours), statistics.median(numpy_times)
    print(f"median: ours {med_o:.3f} s, numpy {med_n:.3f} s, ratio ours/numpy {med_o / med_n:.2f}")
    if args.slow_baseline:
        import pymc as pm

        n = max(args.draws // 10, 1)
        t = time.perf_counter()
        pm.draw(model[dims.HARDWARE_REDUCTION], draws=n, random_seed=0)
        elapsed = (time.perf_counter() - t) * args.draws / n
        print(f"pm.draw one at a time: {elapsed:.1f} s for {args.draws:,} draws (extrapolated from {n:,}); ratio to ours {elapsed / med_o:.0f}x")


if __name__ == "__main__":
    main()
