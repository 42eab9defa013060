"""Benchmark: PyMC's own ``pm.TruncatedNormal`` against the custom distribution it replaced (issue 16, item 10).

Run:  python bench/bench_truncated_normal.py [--draws N] [--repeats K]

The custom distribution (a ``pm.CustomDist`` drawing by inverse CDF, kept here only as the alternative measured)
and ``pm.TruncatedNormal`` have the same density. For each, in one run and interleaved, this prints
  - the wall time of seed 002's prior Monte Carlo (the seed model's vectorized draw path, compile excluded),
  - the median and 80% interval of the hardware reduction those draws give,
  - the log-density and its gradient at one point of the joint model, and their difference.
Machines are shared and noisy: read the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time
from contextlib import contextmanager

import numpy as np
import pymc as pm
import pytensor.tensor as pt
from pymc.distributions.shape_utils import rv_size_is_none
from pymc.distributions.transforms import Interval
from scipy import special

from effcompute import dims
from effcompute.inference.sampling.prior_draws import vectorized_prior_draws
from effcompute.models import priors


def _custom_random(mu, sigma, lower, upper, rng=None, size=None):
    a = special.ndtr((lower - mu) / sigma)
    b = special.ndtr((upper - mu) / sigma)
    return mu + sigma * special.ndtri(rng.uniform(a, b, size=size))


def _custom_logp(value, mu, sigma, lower, upper):
    normal = pm.Normal.dist(mu, sigma)
    log_mass = pt.log(pt.exp(pm.logcdf(normal, upper)) - pt.exp(pm.logcdf(normal, lower)))
    inside = (value >= lower) & (value <= upper)
    return pt.switch(inside, pm.logp(normal, value) - log_mass, -np.inf)


def _custom_support_point(rv, size, mu, sigma, lower, upper):
    point = pt.clip(mu, lower + 1e-3 * sigma, upper - 1e-3 * sigma)
    return point if rv_size_is_none(size) else pt.full(size, point)


def custom_truncated_normal(name, mu, sigma, lower, upper, **kwargs):
    """The replaced implementation, as it was in models/priors.py."""
    lo = -np.inf if lower is None else float(lower)
    hi = np.inf if upper is None else float(upper)
    return pm.CustomDist(
        name, mu, sigma, lo, hi, random=_custom_random, logp=_custom_logp, support_point=_custom_support_point,
        transform=Interval(lower, upper) if (lower is not None or upper is not None) else None,
        signature="(),(),(),()->()", **kwargs,
    )


IMPLEMENTATIONS = {"pm.TruncatedNormal": priors.truncated_normal, "custom (replaced)": custom_truncated_normal}


@contextmanager
def using(name: str):
    original = priors.truncated_normal
    priors.truncated_normal = IMPLEMENTATIONS[name]
    try:
        yield
    finally:
        priors.truncated_normal = original


def seed_draws(draws: int, seed: int) -> tuple[float, np.ndarray]:
    from effcompute.models.seed_factors import build_seed_factors_model

    model = build_seed_factors_model()
    vectorized_prior_draws(model, 1_000, random_seed=0)  # compile and warm the cache outside the timing
    t = time.perf_counter()
    ds = vectorized_prior_draws(model, draws, random_seed=seed)
    return time.perf_counter() - t, np.asarray(ds[dims.HARDWARE_REDUCTION]).ravel()


def joint_model():
    from effcompute.data.load import load_dataset
    from effcompute.models import build_model
    from effcompute.models.config import ModelConfig

    return build_model(load_dataset(), ModelConfig(model="joint")).model


def joint_logp(model, point: dict) -> tuple[float, np.ndarray]:
    """Log-density and gradient at ``point`` (unconstrained values, the same for both implementations)."""
    return float(model.compile_logp()(point)), np.asarray(model.compile_dlogp()(point))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    times = {name: [] for name in IMPLEMENTATIONS}
    print(f"seed 002 prior Monte Carlo, {args.draws:,} draws, {args.repeats} repeats (interleaved)")
    print(f"{'repeat':>6s} {'implementation':>20s} {'seconds':>9s} {'hw median':>10s} {'hw 80%':>16s}")
    for i in range(args.repeats):
        for name in IMPLEMENTATIONS:
            with using(name):
                seconds, hw = seed_draws(args.draws, seed=i)
            times[name].append(seconds)
            lo, med, hi = np.quantile(hw, [0.1, 0.5, 0.9])
            print(f"{i:>6d} {name:>20s} {seconds:9.3f} {med:10.1f} {f'{lo:.1f}-{hi:.1f}':>16s}")
    new, old = (statistics.median(times[n]) for n in IMPLEMENTATIONS)
    print(f"median: pm.TruncatedNormal {new:.3f} s, custom {old:.3f} s, ratio new/custom {new / old:.2f}")

    models = {}
    for name in IMPLEMENTATIONS:
        with using(name):
            models[name] = joint_model()
    rng = np.random.default_rng(0)
    start = models["custom (replaced)"].initial_point(random_seed=0)
    if set(start) != set(models["pm.TruncatedNormal"].initial_point(random_seed=0)):
        raise SystemExit("the two joint models' unconstrained variables differ; cannot compare their densities at one point")
    worst_lp = worst_grad = 0.0
    for _ in range(5):  # random unconstrained points near the custom model's start
        point = {k: v + rng.normal(0, 0.3, np.shape(v)) for k, v in start.items()}
        (lp_new, g_new), (lp_old, g_old) = (joint_logp(models[n], point) for n in IMPLEMENTATIONS)
        worst_lp = max(worst_lp, abs(lp_new - lp_old))
        worst_grad = max(worst_grad, float(np.max(np.abs(g_new - g_old))))
    print(f"joint model log-density at 5 unconstrained points: max |difference| {worst_lp:.2e}; "
          f"max |gradient difference| {worst_grad:.2e}")


if __name__ == "__main__":
    main()
