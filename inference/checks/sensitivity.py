"""Prior sensitivity by power-scaling (Kallioinen et al. 2023, ArviZ ``psens``).

The prior (or the likelihood) is raised to a power alpha near 1 and the
posterior reweighted by Pareto-smoothed importance sampling, without a refit;
the diagnostic is the cumulative Jensen-Shannon distance of each quantity's
posterior per unit change of log alpha. Following Kallioinen et al., a value
>= 0.05 is sensitive:

- prior-sensitive and likelihood-insensitive: *prior-dominated* (the data say
  little; the answer is mostly the prior),
- sensitive to both: *prior-data conflict*.

The diagnostic is estimated from finite draws, and importance weights move
the weighted ECDF of any quantity a little, even of one the component does
not touch (the unpublished factor in the evidence model and the likelihood).
The noise floor is measured on columns of independent standard-normal noise
appended to the draws (their true sensitivity is 0), and a value counts as
sensitive only above both 0.05 and the 95th percentile of the floor.

The cumulative JS distance is invariant to linear but not to nonlinear
transforms; positive quantities (reductions, multipliers, times) are scaled
on the log scale, where their heavy right tails do not dominate it and a
reduction and its per-year rate (log R / years) get the same value.

Power-scaled priors are the model's top-level priors: the standard-normal
offsets of non-centred hierarchies (``*_z``) are a parameterization, not a
belief, and are left at power 1.
"""

from __future__ import annotations

import numpy as np

from effcompute import progress
from effcompute.inference.summary.headline import format_number

THRESHOLD = 0.05
NOISE_COLUMNS = 40


def add_log_prior_and_likelihood(idata, model):
    """Add ``log_likelihood`` (per observation) and ``log_prior`` (per free variable) groups to a run."""
    import pymc as pm

    if "log_likelihood" not in idata.groups():
        pm.compute_log_likelihood(idata, model=model, extend_inferencedata=True, progressbar=False)
    if "log_prior" not in idata.groups():
        pm.compute_log_prior(idata, model=model, extend_inferencedata=True, progressbar=False)
    return idata


def power_scaling(idata, quantities, nuisance=(), seed: int = 0) -> tuple[dict, dict]:
    """Sensitivities of every headline quantity, and the noise floor of each component.

    ``quantities`` are the model's headline quantities; the priors of its ``nuisance`` offsets are not power-scaled.

    Returns
    -------
    (sensitivities, floor)
        ``sensitivities``: quantity -> (prior, likelihood); ``floor``: component -> 95th
        percentile of the sensitivity of pure-noise columns.
    """
    import arviz as az
    import xarray as xr

    post = idata.posterior
    names = list(dict.fromkeys(q.variable for q in quantities if q.variable in post))
    rng = np.random.default_rng(seed)
    noise = xr.DataArray(rng.standard_normal((post.sizes["chain"], post.sizes["draw"], NOISE_COLUMNS)), dims=("chain", "draw", "noise_column"))
    probe = idata.copy()
    logged = post[names].map(lambda v: np.log(v) if bool((v > 0).all()) else v)
    probe.posterior = logged.assign(noise_reference=noise)
    # psens stacks every likelihood term into one array: per-row labels (release, series, source) cannot come along
    probe.log_likelihood = idata.log_likelihood.reset_coords(drop=True)
    priors = [v for v in idata.log_prior.data_vars if v not in set(nuisance)]
    sens = {
        c: az.psens(probe, component=c, var_names=[*names, "noise_reference"], component_var_names=priors if c == "prior" else None)
        for c in ("prior", "likelihood")
    }
    floor = {c: float(np.quantile(sens[c]["noise_reference"].values, 0.95)) for c in sens}
    out = {}
    for q in quantities:
        if q.variable not in post:
            continue
        prior, lik = sens["prior"][q.variable], sens["likelihood"][q.variable]
        for dim, where in (q.select or {}).items():
            prior, lik = ((x.isel({dim: where}) if isinstance(where, int) else x.sel({dim: where})) for x in (prior, lik))
        out[q.headline_key] = (float(prior), float(lik))
    return out, floor


def diagnose(prior_sens: float, lik_sens: float, floor: dict | None = None) -> str:
    """Kallioinen et al.'s reading of the two sensitivities, each against max(0.05, its noise floor)."""
    floor = floor or {}
    prior_hit = prior_sens >= max(THRESHOLD, floor.get("prior", 0.0))
    lik_hit = lik_sens >= max(THRESHOLD, floor.get("likelihood", 0.0))
    if prior_hit and lik_hit:
        return "prior-data conflict"
    if prior_hit:
        return "prior-dominated"
    return ""


def run_sensitivity(path, *, data_dir=None, against=None) -> dict:
    """Power-scaling sensitivity of a saved run; optionally its headline beside another run's (other priors).

    Returns
    -------
    dict
        ``model``, ``prior``, ``threshold``, ``quantities`` (name -> prior, likelihood,
        diagnosis), ``flagged`` (names with a diagnosis) and, with ``against``,
        ``comparison`` (name -> medians and 80% intervals under both runs' priors).
    """
    from effcompute.inference.runs.files import load_run, rebuild_model

    with progress.phase("load the run and rebuild its model"):
        idata, config, attrs = load_run(path)
        model = rebuild_model(path, data_dir, loaded=(config, attrs))
    with progress.phase("log prior and log-likelihood of every draw"):
        add_log_prior_and_likelihood(idata, model.model)
    with progress.phase("power-scaling", detail="prior and likelihood"):
        sens, floor = power_scaling(idata, model.headline_quantities(), model.nuisance)
    rows = {name: {"prior": p, "likelihood": lk, "diagnosis": diagnose(p, lk, floor)} for name, (p, lk) in sens.items()}
    result = {
        "model": config.model, "prior": config.prior, "run": str(path), "threshold": THRESHOLD, "noise_floor": floor,
        "quantities": rows, "flagged": {k: v["diagnosis"] for k, v in rows.items() if v["diagnosis"]},
    }
    if against is not None:
        _, other_config, other_attrs = load_run(against)
        if other_config.model != config.model:
            raise ValueError(f"--against must be a run of the same model ({config.model!r}), got {other_config.model!r}")
        result["comparison"] = compare_headlines(attrs["headline"], other_attrs["headline"], config.prior, other_config.prior)
    return result


def compare_headlines(first: dict, second: dict, first_label: str, second_label: str) -> dict:
    """Median and 80% interval of each headline quantity under two runs."""
    keep = ("median", "lo80", "hi80")
    return {name: {first_label: {k: first[name][k] for k in keep}, second_label: {k: second[name][k] for k in keep}} for name in first if name in second}


def format_sensitivity(result: dict) -> str:
    """Terminal table of :func:`run_sensitivity`."""
    lines = [
        f"Power-scaling sensitivity, {result['model']} model under {result['prior']} priors ({result['run']})",
        f"cumulative JS distance per unit log power; sensitive when >= {result['threshold']} and above the noise floor "
        f"(prior {result['noise_floor']['prior']:.3f}, likelihood {result['noise_floor']['likelihood']:.3f})",
        "",
        f"{'quantity':36s}{'prior':>8s}{'likelihood':>12s}  diagnosis",
    ]
    for name, row in result["quantities"].items():
        lines.append(f"{name:36s}{row['prior']:8.3f}{row['likelihood']:12.3f}  {row['diagnosis']}")
    if "comparison" in result:
        labels = list(next(iter(result["comparison"].values())))
        lines += ["", f"{'quantity':36s}" + "".join(f"{lab + ' priors: median (80%)':>34s}" for lab in labels)]
        for name, row in result["comparison"].items():
            cells = "".join(f"{format_number(row[lab]['median']) + ' (' + format_number(row[lab]['lo80']) + ' to ' + format_number(row[lab]['hi80']) + ')':>34s}" for lab in labels)
            lines.append(f"{name:36s}{cells}")
    return "\n".join(lines)

