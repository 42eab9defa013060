"""Refit a workspace after an addition and report what moved (``effcompute add-release``).

Runs live in ``WORKSPACE/runs/<version>/``, so the fit on the data before an
addition is found (not refitted) when it exists.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from effcompute import progress
from effcompute.data.load import load_dataset
from effcompute.inference.runs.files import load_run
from effcompute.inference.runs.fit_workflow import run_fit
from effcompute.inference.sampling.settings import DEFAULT_CHAINS, DEFAULT_DRAWS, DEFAULT_TUNE
from effcompute.inference.summary.headline import format_number
from effcompute.inference.updating.carry import (
    approximate_update,
    carry_posterior,
    surprise_of_additions,
    thin,
    what_moved,
)
from effcompute.models import build_model
from effcompute.models.base import Role

#: Posterior draws of the fit before an addition that are carried onto the grown model.
CARRIED_DRAWS = 4000


def find_run(folder: Path, model: str, seed: int) -> Path | None:
    """The run of ``model`` with ``seed`` in ``folder`` (converged preferred), or None."""
    for stem in (f"{model}_seed{seed}", f"{model}_seed{seed}_UNCONVERGED"):
        path = Path(folder) / f"{stem}.nc"
        if path.is_file():
            return path
    return None


def refit_after_addition(
    workspace, previous: str, new_releases, *, model="joint", draws=DEFAULT_DRAWS, tune=DEFAULT_TUNE, chains=DEFAULT_CHAINS, seed=1, sampler="auto", quiet=False,
    approximate=True, exact=True,
) -> dict:
    """Fit the data after an addition and compare with the fit before it.

    Parameters
    ----------
    workspace : effcompute.data.workspace.Workspace
    previous : str
        The version before the addition (its run is reused, or fitted first).
    new_releases : list of str
        Names of the added releases, whose surprise is reported.
    approximate, exact : bool
        Run the importance-reweighted update, the exact refit, or both (at
        least one). Without the exact refit, 'after' is the approximation.

    Returns
    -------
    dict
        ``before`` and ``after`` (run results), ``moved`` (:func:`what_moved`),
        ``surprise`` (per new observation), ``approximate`` (the importance-
        reweighted update and how it compares with the exact refit) and
        ``timings`` (seconds).
    """
    if not (approximate or exact):
        raise ValueError("approximate=False and exact=False: nothing to update with")
    timings = {}
    before_dir = workspace.root / "versions" / previous
    before_runs = workspace.runs_dir / previous
    fit_args = dict(draws=draws, tune=tune, chains=chains, seed=seed, sampler=sampler, quiet=quiet)
    before_path = find_run(before_runs, model, seed)
    if before_path is None:
        t = time.perf_counter()
        with progress.phase(f"fit {model} on the data before the addition", detail=f"no run on version {previous} yet"):
            before_path = Path(run_fit(model, data_dir=before_dir, out_dir=before_runs, **fit_args)["path"])
        timings["fit_before_s"] = time.perf_counter() - t
    before_idata, config, before_attrs = load_run(before_path)
    before_ds, after_ds = load_dataset(before_dir), load_dataset(workspace.data_dir)
    if before_ds.data_hash() != before_attrs["data_hash"]:
        raise ValueError(f"run {str(before_path)!r} does not match the tables of version {previous}; delete it to refit")
    grown = build_model(after_ds, config)
    after_model = grown.model

    result = {"model": model, "before_run": str(before_path)}
    t = time.perf_counter()
    before = thin(before_idata.posterior, CARRIED_DRAWS)
    carried = carry_posterior(before, after_model, seed=seed)
    timings["carry_s"] = time.perf_counter() - t
    t = time.perf_counter()
    result["surprise"] = surprise_of_additions(carried, grown, new_releases, seed=seed)
    timings["surprise_s"] = time.perf_counter() - t
    if approximate:
        t = time.perf_counter()
        with progress.silenced(quiet), progress.phase("approximate update", detail="reweighting the previous posterior by the new data"):
            approx = approximate_update(before, carried, build_model(before_ds, config).model, after_model, grown.headline_quantities())
        timings["approximate_s"] = time.perf_counter() - t
    result["before"] = {"path": str(before_path), "as_of": before_attrs.get("as_of"), "headline": before_attrs["headline"]}
    if exact:
        t = time.perf_counter()
        with progress.silenced(quiet), progress.phase("refit on the data after the addition"):
            after = run_fit(model, data_dir=workspace.data_dir, out_dir=workspace.runs_dir / workspace.head, **fit_args)
        timings["refit_s"] = time.perf_counter() - t
        result["after"] = {k: after[k] for k in ("path", "converged", "diagnostics", "as_of", "headline")}
    else:
        result["after"] = {"path": None, "converged": None, "as_of": grown.as_of.isoformat(), "headline": approx["headline"], "approximate": True}
    roles = {q.headline_key: q.role for q in grown.headline_quantities()}
    result["moved"] = what_moved(before_attrs["headline"], result["after"]["headline"], roles=roles)
    quoted = (Role.COMPUTE, Role.COMPUTE_TOPDOWN, Role.HARDWARE, Role.HALVING_TOPDOWN)
    result["quoted"] = [k for role in quoted for k, r in roles.items() if r == role]
    if approximate:
        if exact:
            approx["versus_exact"] = compare_with_exact(approx["headline"], result["after"]["headline"])
        result["approximate"] = approx
    result["timings"] = timings
    return result


def compare_with_exact(approx: dict, exact: dict) -> dict:
    """Per quantity: approximate and exact medians, their ratio, and the ratio of 80% widths."""
    out = {}
    for name, a in approx.items():
        e = exact.get(name)
        if not e or e["median"] == 0:
            continue
        positive = min(a["lo80"], e["lo80"]) > 0
        width = (lambda r: np.log(r["hi80"] / r["lo80"])) if positive else (lambda r: r["hi80"] - r["lo80"])
        out[name] = {
            "approx_median": a["median"], "exact_median": e["median"], "median_ratio": float(a["median"] / e["median"]),
            "width_ratio": float(width(a) / width(e)) if width(e) else None,
        }
    return out


def format_update_report(result: dict) -> str:
    """Terminal report of :func:`refit_after_addition`."""
    how = "approximate update, no refit" if result["after"].get("approximate") else "exact refit"
    lines = [f"What moved ({result['model']} model, {how}; before: {result['before']['as_of']}, after: {result['after']['as_of']})", ""]
    lines.append(f"{'quantity':34s}{'before (80%)':>28s}{'after (80%)':>28s}{'x':>8s}{'shift':>8s}")
    rows = result["moved"]["rows"]
    for name, r in rows.items():
        b, a = r["before"], r["after"]
        lines.append(
            f"{name:34s}{format_number(b['median']) + ' (' + format_number(b['lo80']) + '-' + format_number(b['hi80']) + ')':>28s}"
            f"{format_number(a['median']) + ' (' + format_number(a['lo80']) + '-' + format_number(a['hi80']) + ')':>28s}{format_number(r['ratio']):>8s}{r['shift']:>8.2f}"
        )
    lines += ["", "shift: change of the median in units of the before 80% interval's half-width (log scale for multipliers).",
              f"{result['moved']['ranked'].capitalize()} that moved most: " + ", ".join(f"{n} ({rows[n]['shift']:+.2f})" for n in result["moved"]["most_moved"])]
    lines += ["", "How surprising each new observation was before it was added (posterior predictive percentile):"]
    if not result["surprise"]:
        lines.append("  (the new releases have no observations this model uses)")
    for s in result["surprise"]:
        p = s["predicted"]
        flag = "  <-- outside the 95% predictive interval" if s["outside95"] else ""
        lines.append(f"  {s['release']}: {s['what']}: observed {format_number(s['observed'])}, predicted {format_number(p['median'])} "
                     f"(95%: {format_number(p['lo95'])}-{format_number(p['hi95'])}), percentile {s['percentile']:.1f}{flag}")
    if "approximate" in result:
        ap = result["approximate"]
        verdict = "safe" if ap["safe"] else "NOT safe: use the exact refit"
        lines += ["", f"Approximate update (importance reweighting of the previous posterior): Pareto k {ap['pareto_k']:.2f} ({verdict}), "
                      f"ESS {ap['ess']:.0f} of {ap['draws']} draws"]
        for name in result.get("quoted", []):
            c = ap.get("versus_exact", {}).get(name)
            if c:
                lines.append(f"  {name}: approximate {format_number(c['approx_median'])} vs exact {format_number(c['exact_median'])} (ratio {c['median_ratio']:.3f})")
    t = result["timings"]
    lines += ["", "Timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in t.items())]
    if result["after"]["path"]:
        lines.append(f"Saved: {result['after']['path']}")
    return "\n".join(lines)
