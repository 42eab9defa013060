"""One fit path for every model: pick the sampler, sample, add prior and predictive groups."""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from dataclasses import dataclass, field

import pymc as pm

from effcompute import progress as shown
from effcompute.quiet import quiet_pymc_logs  # noqa: F401  (re-exported: inference code imports it from here)

SAMPLERS = ("auto", "nutpie", "pymc")
#: Set to 1 to shrink every fit (notebooks and smoke runs in CI); the convergence gate still applies.
QUICK_ENV = "EFFCOMPUTE_QUICK"
#: Upper bounds on draws, tuning steps and chains in quick mode.
QUICK_LIMITS = {"draws": 150, "tune": 150, "chains": 2}


def quick_mode() -> bool:
    """True when ``$EFFCOMPUTE_QUICK`` is set to anything but empty, 0, false or no."""
    return os.environ.get(QUICK_ENV, "").strip().lower() not in ("", "0", "false", "no")


def sampling_sizes(draws: int, tune: int, chains: int) -> tuple[int, int, int]:
    """(draws, tune, chains) as requested, or capped by :data:`QUICK_LIMITS` in quick mode."""
    if not quick_mode():
        return draws, tune, chains
    return min(draws, QUICK_LIMITS["draws"]), min(tune, QUICK_LIMITS["tune"]), min(chains, QUICK_LIMITS["chains"])


def nutpie_available() -> bool:
    """True when nutpie imports (it is an optional, faster sampler)."""
    try:
        import nutpie  # noqa: F401
    except Exception:  # an import can fail on more than ImportError (binary mismatch)
        return False
    return True


def resolve_sampler(sampler: str) -> str:
    """``auto`` means nutpie when installed (measured faster, bench/bench_fit.py), else PyMC's NUTS."""
    if sampler not in SAMPLERS:
        raise ValueError(f"sampler={sampler!r} must be one of {SAMPLERS}")
    if sampler == "auto":
        return "nutpie" if nutpie_available() else "pymc"
    if sampler == "nutpie" and not nutpie_available():
        raise ValueError("sampler='nutpie' but nutpie is not installed (pip install nutpie)")
    return sampler


@dataclass
class FitTimings:
    """Wall seconds of each phase of a fit."""

    compile_s: float = 0.0
    sample_s: float = 0.0
    extras_s: float = 0.0
    sampler: str = ""
    extra: dict = field(default_factory=dict)


def compile_for_nutpie(model: pm.Model):
    """Compile ``model`` for nutpie once; ``compiled.with_data(name=values)`` then swaps its pm.Data without recompiling."""
    import nutpie

    return nutpie.compile_pymc_model(model)


def started_at(compiled, initial_point):
    """``compiled`` with its chains started at ``initial_point(seed)`` (a flat unconstrained vector, value variables in
    model order) instead of the model's support point plus jitter: nutpie calls the compiled model's
    ``initial_point_func`` once per chain."""
    return dataclasses.replace(compiled, initial_point_func=initial_point)


def sample_compiled(compiled, *, draws=1000, tune=1000, chains=4, seed=1, target_accept=0.9, progress=False, cores=None):
    """NUTS draws from a model compiled by :func:`compile_for_nutpie` (posterior and sample stats)."""
    import nutpie

    kwargs = {} if cores is None else {"cores": cores}
    return nutpie.sample(
        compiled, draws=draws, tune=tune, chains=chains, seed=seed, progress_bar=progress, save_warmup=False, target_accept=target_accept, **kwargs
    )


def sample_model(model: pm.Model, *, draws=1000, tune=1000, chains=4, seed=1, sampler="auto", target_accept=0.9, progress=None, quiet=False,
                 starts=0):
    """Sample the posterior of ``model`` with NUTS.

    Parameters
    ----------
    model : pm.Model
    draws, tune, chains : int
        Posterior draws and tuning steps per chain, and chains; capped in
        quick mode (:func:`quick_mode`).
    seed : int
        Random seed; the same seed gives the same draws for the same sampler.
    sampler : {"auto", "nutpie", "pymc"}
    target_accept : float
    progress : bool, optional
        The sampler library's own progress bar; default: when stderr is a terminal and
        :mod:`effcompute.progress` shows nothing there.
    quiet : bool
        Report no phases to :mod:`effcompute.progress` (inner fits of a check).
    starts : int
        If above 0, start every chain at the best of this many optimisations of the posterior density
        (:mod:`effcompute.inference.sampling.start`); else at the support point with PyMC's jitter.

    Returns
    -------
    (az.InferenceData, FitTimings)
        Posterior and sample stats only; see :func:`fit_model` for the full record. With ``starts``,
        ``timings.extra["start_search"]`` says what the search found.
    """
    which = resolve_sampler(sampler)
    draws, tune, chains = sampling_sizes(draws, tune, chains)
    if progress is None:  # the library's own bar, unless ours is showing (or stderr is no terminal)
        progress = sys.stderr.isatty() and not shown.active()
    timings = FitTimings(sampler=which)
    sizes = f"{chains} chains x {draws} draws after {tune} tuning steps"
    search = None
    if starts:
        with shown.silenced(quiet), shown.phase("start search", detail=f"best of {starts} optimisations of the posterior density"):
            search, start = best_start(model, starts, seed, timings)
    with shown.silenced(quiet), shown.phase("compile", detail=f"{which}, {len(model.free_RVs)} free variables"):
        t = time.perf_counter()
        if which == "nutpie":
            compiled = compile_for_nutpie(model)
            if search:
                compiled = started_at(compiled, search.chain_starts(start))
        else:  # what pm.sample does by default (no jitter around a searched start), split out so compile and sampling are timed apart
            init = dict(init="adapt_diag", initvals=search.constrained_starts(start, chains, seed)) if search else dict(init="jitter+adapt_diag")
            initial_points, step = pm.init_nuts(**init, chains=chains, random_seed=seed, model=model, target_accept=target_accept, progressbar=False)
        timings.compile_s = time.perf_counter() - t
    with shown.silenced(quiet), shown.phase("sample", detail=sizes):
        t = time.perf_counter()
        if which == "nutpie":
            idata = sample_compiled(compiled, draws=draws, tune=tune, chains=chains, seed=seed, target_accept=target_accept, progress=progress)
        else:
            idata = pm.sample(
                draws=draws, tune=tune, chains=chains, cores=min(chains, 2), random_seed=seed, model=model, step=step,
                initvals=initial_points, progressbar=progress, compute_convergence_checks=False,
            )
        timings.sample_s = time.perf_counter() - t
    return idata, timings


def best_start(model: pm.Model, starts: int, seed: int, timings: FitTimings):
    """Run the start search on ``model``'s data; record its outcome in ``timings.extra["start_search"]``."""
    from effcompute.inference.sampling.start import StartSearch

    t = time.perf_counter()
    search = StartSearch(model)
    start = search.find(starts, seed)
    timings.extra["start_search"] = start.record(time.perf_counter() - t)
    return search, start


def fit_model(effmodel, *, draws=1000, tune=1000, chains=4, seed=1, sampler="auto", target_accept=0.9, progress=None, quiet=False, predictive=True):
    """Sample an :class:`~effcompute.models.base.EffModel`, then complete its record (prior, predictive, log-likelihood, data).

    Returns
    -------
    (az.InferenceData, FitTimings)
        See :func:`effcompute.inference.sampling.record.complete_record` for the groups.
    """
    from effcompute.inference.sampling.record import complete_record

    with quiet_pymc_logs():
        idata, timings = sample_model(effmodel.model, draws=draws, tune=tune, chains=chains, seed=seed, sampler=sampler, target_accept=target_accept, progress=progress,
                                      quiet=quiet, starts=effmodel.start_search)
    t = time.perf_counter()
    with quiet_pymc_logs(), shown.silenced(quiet):
        complete_record(idata, effmodel, seed, predictive=predictive)
    timings.extras_s = time.perf_counter() - t
    return idata, timings
