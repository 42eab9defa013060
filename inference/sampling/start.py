"""Where NUTS starts: at the best of several optimisations of the posterior density, for posteriors with local optima.

A sum of power laws (the perplexity model's loss law) has local optima in
which one term does the other's work. Chains started at the prior's support
point with a U(-1, 1) jitter (PyMC's and nutpie's default) can settle in one
and stay there: its density is far lower, but the valley between is too deep
for NUTS to cross in a few hundred steps (docs/checks.md, perplexity SBC).
Fits of such laws by least squares start from many points and keep the best
(Hoffmann et al. 2022, Approach 3; Besiroglu et al. 2024); this module does
the same for the sampler's starting point:

1. draw ``starts`` points from the prior (unconstrained space);
2. maximise the log posterior density of the unconstrained parameters (the
   density NUTS samples, Jacobian included) from each with L-BFGS for a few
   iterations, and continue the best few to convergence;
3. start every chain at the best optimum, jittered by U(-``jitter``, ``jitter``).

The start depends only on the data and the seed, never on a true parameter,
so SBC of a model fitted this way still tests calibration (it tests the fit as
run, start included).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pymc as pm

#: Half-width of the uniform jitter around the best optimum, in unconstrained units (PyMC's default jitter is 1).
JITTER = 0.1
#: L-BFGS iterations every start runs; how many of the best then continue, and to how many iterations in all.
EXPLORE_ITER, KEEP, MAX_ITER = 150, 4, 1000


@dataclass
class Start:
    """The best optimum found and what the search saw."""

    point: dict  # value-variable name -> array (unconstrained)
    logp: float
    logps: list  # the log density every start reached (nan where the optimiser failed)

    def spread(self, tol: float = 1.0) -> int:
        """How many starts ended within ``tol`` log-density units of the best (how often the search finds it)."""
        return int(np.sum(np.asarray(self.logps) >= self.logp - tol))

    def record(self, seconds: float) -> dict:
        """What a fit's timings and an SBC simulation's log record of the search (JSON-ready)."""
        return {"starts": len(self.logps), "best_logp": float(self.logp), "reached_best": self.spread(), "seconds": float(seconds)}


class StartSearch:
    """Multi-start L-BFGS on one compiled model; :meth:`find` can be called for many data sets (SBC swaps them in).

    Parameters
    ----------
    model : pm.Model
    """

    def __init__(self, model: pm.Model):
        from pymc.initial_point import make_initial_point_fn

        self.model = model
        self.names = [v.name for v in model.value_vars]
        ip = model.initial_point()
        self.shapes = [np.shape(ip[n]) for n in self.names]
        self.sizes = [int(np.prod(s)) for s in self.shapes]
        self._logp_dlogp = model.compile_fn([model.logp(jacobian=True), model.dlogp(jacobian=True)], point_fn=True)
        self._prior_point = make_initial_point_fn(model=model, jitter_rvs=set(), default_strategy="prior", return_transformed=True)

    def flat(self, point: dict) -> np.ndarray:
        """The point as one vector, value variables in model order (the order nutpie and PyMC use)."""
        return np.concatenate([np.ravel(np.asarray(point[n], dtype=float)) for n in self.names])

    def unflat(self, x: np.ndarray) -> dict:
        out, i = {}, 0
        for name, shape, size in zip(self.names, self.shapes, self.sizes):
            out[name] = np.asarray(x[i:i + size]).reshape(shape)
            i += size
        return out

    def _objective(self, x):
        value, grad = self._logp_dlogp(self.unflat(x))
        if not (np.isfinite(value) and np.all(np.isfinite(grad))):
            return 1e300, np.zeros_like(x)
        return -float(value), -np.asarray(grad, dtype=float)

    def _optimise(self, x0, maxiter):
        from scipy.optimize import minimize

        res = minimize(self._objective, x0, jac=True, method="L-BFGS-B", options={"maxiter": maxiter})
        return res.x, (-float(res.fun) if res.fun < 1e299 else np.nan)

    def find(self, starts: int, seed: int, data: dict | None = None, explore: int = EXPLORE_ITER, keep: int = KEEP, maxiter: int = MAX_ITER) -> Start:
        """The best of ``starts`` L-BFGS runs from prior draws, on ``data`` (container name -> values) if given.

        Every start runs ``explore`` iterations; the ``keep`` best continue to ``maxiter`` (a ridge can take L-BFGS
        a thousand iterations; a start in an inferior basin shows it within a hundred).
        """
        if starts < 1:
            raise ValueError(f"starts={starts}: need at least one optimisation")
        if data:
            with self.model:
                pm.set_data(data)
        rng = np.random.default_rng(seed)
        found = [self._optimise(self.flat(self._prior_point(int(rng.integers(2**31)))), explore) for _ in range(starts)]
        logps = np.array([v for _, v in found])
        if not np.any(np.isfinite(logps)):
            raise RuntimeError(f"start search: all {starts} optimisations failed (log density not finite)")
        for i in np.argsort(np.where(np.isfinite(logps), -logps, np.inf))[:keep]:
            found[i] = self._optimise(found[i][0], maxiter)
            logps[i] = found[i][1]
        best = int(np.nanargmax(logps))
        return Start(point=self.unflat(found[best][0]), logp=float(logps[best]), logps=[float(v) for v in logps])

    def chain_starts(self, start: Start, jitter: float = JITTER):
        """f(seed) -> flat starting vector: the best optimum plus U(-jitter, jitter) noise (one call per chain)."""
        centre = self.flat(start.point)

        def initial_point(seed=None):
            return centre + np.random.default_rng(seed).uniform(-jitter, jitter, size=centre.shape)

        return initial_point

    def constrained_starts(self, start: Start, chains: int, seed: int, jitter: float = JITTER) -> list[dict]:
        """One jittered start per chain as free-variable name -> constrained value (PyMC's ``initvals``)."""
        free = {rv.name for rv in self.model.free_RVs}
        constrained_vars = [v for v in self.model.unobserved_value_vars if v.name in free]
        # compiled here, not in __init__: only PyMC's sampler needs it, nutpie and SBC start from the flat vector
        constrained = self.model.compile_fn(constrained_vars, inputs=self.model.value_vars, point_fn=True)
        initial_point = self.chain_starts(start, jitter)
        out = []
        for chain in range(chains):
            values = constrained(self.unflat(initial_point(seed + chain)))
            out.append({v.name: np.asarray(x) for v, x in zip(constrained_vars, values)})
        return out
