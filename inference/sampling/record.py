"""A fit's InferenceData in ArviZ's conventions, so a saved run describes itself.

After sampling, :func:`complete_record` adds the prior (at least
:data:`PRIOR_DRAWS` draws), the prior and posterior predictive, a
``log_likelihood`` group (one variable per likelihood term, pseudo-observations
left out), the observed and constant data, and every observation's labels as
coordinates (a score carries its release and series). It keeps only the
constrained variables in the posterior.
"""

from __future__ import annotations

import json

import pymc as pm

from effcompute import progress
from effcompute.models.base import quantities_from_roles

#: Prior draws stored with every run (smooth prior histograms and stable prior summaries).
PRIOR_DRAWS = 2000
#: Posterior attribute holding the model's variable roles (:meth:`~effcompute.models.base.EffModel.roles`).
ROLES_ATTR = "effcompute_roles"
#: Groups whose variables are observations (or their predictions).
OBSERVATION_GROUPS = ("observed_data", "posterior_predictive", "prior_predictive", "log_likelihood")


def _without(ds, names):
    """``ds`` without the variables ``names`` and without the dims only they used."""
    ds = ds.drop_vars(names)
    used = {d for v in ds.data_vars.values() for d in v.dims}
    stale = [d for d in ds.dims if d not in used]
    return ds.drop_dims(stale) if stale else ds


def constrained_only(idata) -> None:
    """Drop the sampler's unconstrained copies (``*_log__``, ``*_interval__``) from the posterior."""
    unconstrained = [v for v in idata["posterior"].data_vars if str(v).endswith("__")]
    if unconstrained:
        idata.posterior = _without(idata["posterior"], unconstrained)


def drop_pseudo_observations(idata, effmodel) -> None:
    """Pseudo-observations (the joint model's link) are not data: out of every observation group."""
    pseudo = set(effmodel.pseudo_observations)
    containers = {f"{p}_y" for p in pseudo}
    for group in (*OBSERVATION_GROUPS, "constant_data"):
        if group in idata.groups():
            names = [v for v in idata[group].data_vars if v in pseudo or v in containers]
            if names:
                setattr(idata, group, _without(idata[group], names))


def label_observations(idata, effmodel) -> None:
    """Attach each likelihood term's extra coordinates (release, series, source) along its dim in every group that has it."""
    for obs in effmodel.observations():
        coords = dict(obs.coords)
        if obs.sources:
            coords[source_coord(obs.dim)] = obs.sources
        for group in (*OBSERVATION_GROUPS, "constant_data"):
            if group in idata.groups() and obs.dim in idata[group].dims:
                ds = idata[group]
                # a label named like one of the group's dims (a score's release, where constant data has a release dim) stays out of that group
                setattr(idata, group, ds.assign_coords({k: (obs.dim, list(v)) for k, v in coords.items() if k not in ds.dims}))


def source_coord(dim: str) -> str:
    """Name of the coordinate holding each row's source along an observation dim."""
    return f"{dim}_source"


def complete_record(idata, effmodel, seed: int, predictive: bool = True):
    """Add prior, predictive, log-likelihood and data groups to a posterior, in place; returns ``idata``."""
    model = effmodel.model
    constrained_only(idata)
    observed = [o.variable for o in effmodel.observations()]
    with model:
        with progress.phase("prior draws", detail=f"{PRIOR_DRAWS:,}"):
            idata.extend(pm.sample_prior_predictive(draws=PRIOR_DRAWS, random_seed=seed), join="right")
        if predictive and model.observed_RVs:
            with progress.phase("posterior predictive"):
                pm.sample_posterior_predictive(idata, random_seed=seed, extend_inferencedata=True, progressbar=False)
        if observed:
            with progress.phase("log-likelihood (for LOO)"):
                pm.compute_log_likelihood(idata, var_names=observed, extend_inferencedata=True, progressbar=False)
    drop_pseudo_observations(idata, effmodel)
    label_observations(idata, effmodel)
    idata["posterior"].attrs[ROLES_ATTR] = json.dumps(effmodel.roles())
    return idata


def _posterior(run):
    """The posterior group of an InferenceData, or ``run`` itself when it is already a posterior Dataset."""
    return run["posterior"] if hasattr(run, "groups") else run


def run_roles(run) -> dict:
    """The variable roles a run stores (``run``: InferenceData or its posterior); empty when it has none."""
    raw = _posterior(run).attrs.get(ROLES_ATTR)
    return json.loads(raw) if raw else {}


def run_quantities(run) -> list:
    """The run's headline quantities (:class:`~effcompute.models.base.Quantity`)."""
    return quantities_from_roles(run_roles(run))


def role_quantities(run, role: str) -> list:
    """The run's headline quantities with ``role`` (a :class:`~effcompute.models.base.Role`), present in its posterior."""
    post = _posterior(run)
    return [q for q in run_quantities(run) if q.role == role and q.variable in post]


def role_variable(run, role: str) -> str | None:
    """The posterior variable of the run's quantity with ``role``, or None."""
    found = role_quantities(run, role)
    return found[0].variable if found else None


def role_draws(run, role: str, refusal: str):
    """Flat posterior draws of the run's first quantity with ``role``; ValueError(``refusal``) if it has none."""
    from effcompute.inference.summary.headline import quantity_draws

    found = role_quantities(run, role)
    if not found:
        raise ValueError(refusal)
    return quantity_draws(_posterior(run), found[0])


def key_variables(run) -> list[str]:
    """Variables to show first in trace and rank plots, present in the posterior."""
    return [v for v in run_roles(run).get("key_variables", []) if v in _posterior(run)]


def observed_terms(run) -> dict:
    """Likelihood term -> its stored spec (dim, table, pointwise, kind, natural)."""
    return run_roles(run).get("observed", {})


def pointwise_terms(run) -> list[str]:
    """Likelihood terms whose rows are exchangeable observations (per-observation LOO)."""
    return [v for v, spec in observed_terms(run).items() if spec.get("pointwise", True)]


def term_of_kind(run, kind: str) -> str | None:
    """The likelihood term whose data are of ``kind`` ("matched pairs", "MFU", "costs", "scores"), or None."""
    return next((v for v, spec in observed_terms(run).items() if spec.get("kind") == kind), None)
