"""Robustness of a bottom-up or joint run's headline to the choices a user cannot check against data.

Refit the run's model (same data, same sampling settings) with

- the discrepancy's prior scale halved and doubled, and its centre moved from 0 to seed 002's
  unpublished-innovations median (log 4.4: the belief that the measured factors leave gains out) (joint model
  with a discrepancy), and
- the weakly informative factor priors instead of seed 002's (then no likelihood row is dropped for having
  built a prior),

and report the compute reduction's median and 80% interval under each, with the ratio of its median to the
original run's. The joint model's discrepancy is identified by a single comparison of two routes, so its
prior scale is the assumption most likely to move the headline; this check measures by how much.
"""

from __future__ import annotations

import dataclasses

from effcompute.inference.sampling.settings import DEFAULT_CHAINS, DEFAULT_DRAWS, DEFAULT_TUNE
from effcompute.models.base import Role

#: The headline quantity compared across variants, and the ones shown beside it.
TARGET_ROLE = Role.COMPUTE
SHOWN_ROLES = (Role.COMPUTE, Role.HARDWARE)
ROBUST_MODELS = ("evidence", "joint")


def seed_unpublished_log_median() -> float:
    """log of the median of seed 002's unpublished-innovations factor (1.5x-13x, 80%): its belief in left-out gains."""
    from effcompute.models.priors import seed002_priors

    return float(seed002_priors()["unpublished"].mu)


def variants(config) -> list[tuple[str, dict]]:
    """(name, changed config fields) of every variant that applies to the run's model."""
    out = []
    if config.learned_discrepancy:
        out += [("discrepancy_scale_0.5", {"discrepancy_scale": config.discrepancy_scale * 0.5}),
                ("discrepancy_scale_2", {"discrepancy_scale": config.discrepancy_scale * 2.0}),
                ("discrepancy_centre_seed_unpublished", {"discrepancy_centre": seed_unpublished_log_median()})]
    if config.prior != "weak":
        out.append(("weak_factor_priors", {"prior": "weak", "priors": {}}))
    return out


def run_robustness(path, *, data_dir=None, draws=DEFAULT_DRAWS, tune=DEFAULT_TUNE, chains=DEFAULT_CHAINS, seed=None, quiet=False) -> dict:
    """Refit every variant of the run at ``path``; the JSON-ready result ``check robustness`` prints.

    Returns
    -------
    dict
        ``run``, ``model``, ``target`` (the compared quantity), ``original`` (its headline), ``variants``: a list of
        ``{"name", "changes", "headline", "compute_reduction_ratio", "converged", "failures"}``.

    Raises
    ------
    ValueError
        If the run is not of the evidence or joint model.
    """
    from effcompute import progress
    from effcompute.inference.runs.files import load_run, rebuild_model
    from effcompute.inference.sampling.gate import check_convergence
    from effcompute.inference.sampling.sampler import fit_model
    from effcompute.inference.summary.headline import headline_table, quoted_points
    from effcompute.models.config import ModelConfig
    from effcompute.models.registry import model_class

    _, config, attrs = load_run(path)
    if config.model not in ROBUST_MODELS:
        raise ValueError(f"check robustness needs a run of the {' or '.join(ROBUST_MODELS)} model; {str(path)!r} is a {config.model!r} run")
    original_model = rebuild_model(path, data_dir, loaded=(config, attrs))
    quantities = original_model.headline_quantities()
    target = next(q for q in quantities if q.role == TARGET_ROLE)
    seed = int(attrs.get("seed", 1)) if seed is None else seed
    original = attrs["headline"]
    result = {"run": str(path), "model": config.model, "target": target.headline_key, "original": quoted_points(original, quantities, SHOWN_ROLES), "variants": []}
    for name, changes in variants(config):
        variant_config = ModelConfig(**{**dataclasses.asdict(config), **changes})
        model = model_class(config.model)(original_model.dataset, variant_config)
        with progress.phase(f"refit {name}"):
            fitted, _ = fit_model(model, draws=draws, tune=tune, chains=chains, seed=seed, target_accept=model.target_accept, quiet=quiet, predictive=False)
        conv = check_convergence(fitted, model.gated_variables())
        headline = headline_table(fitted, model.headline_quantities())
        result["variants"].append({
            "name": name, "changes": {k: v for k, v in changes.items() if k != "priors"},
            "headline": quoted_points(headline, model.headline_quantities(), SHOWN_ROLES),
            "compute_reduction_ratio": headline[target.headline_key]["median"] / original[target.headline_key]["median"],
            "converged": conv.converged, "failures": conv.failures,
        })
    return result


def format_robustness(result: dict) -> str:
    """Terminal table of :func:`run_robustness`."""
    key = result["target"]

    def row(label, h, ratio=""):
        q = h[key]
        return f"{label:26s}{q['median']:>10,.1f}x  ({q['lo80']:,.1f}-{q['hi80']:,.1f}){ratio}"

    lines = [f"robustness of {key} ({result['model']} run {result['run']}); median and 80% equal-tailed interval", row("original", result["original"])]
    for v in result["variants"]:
        mark = "" if v["converged"] else "  [did not pass the convergence gate]"
        lines.append(row(v["name"], v["headline"], f"   ratio {v['compute_reduction_ratio']:.2f}{mark}"))
    if result.get("saved"):
        lines.append(f"saved: {result['saved']} (the run's report shows it)")
    return "\n".join(lines)
