"""The headline table: posterior (and prior) summaries of the quantities people quote.

Intervals are equal-tailed (quantile) intervals of stated mass: ``lo80``/``hi80``
are the 10th/90th percentiles, ``lo95``/``hi95`` the 2.5th/97.5th.
"""

from __future__ import annotations

import numpy as np

from effcompute import dims
from effcompute.inference.summary.numbers import INTERVAL_KIND, format_number, summarize_draws  # noqa: F401  (re-exported)
from effcompute.inference.summary.seed_mc import (
    epoch_interactive_comparison,
    seed_reported,
)
from effcompute.literature import HO_ET_AL_2024_HALVING_MONTHS, HO_ET_AL_2024_VERSIONS
from effcompute.models.base import Quantity


def quantity_draws(group, quantity: Quantity) -> np.ndarray:
    """1-D draws of one headline quantity from a posterior or prior group."""
    da = group[quantity.variable]
    for dim, where in (quantity.select or {}).items():
        da = da.isel({dim: where}) if isinstance(where, int) else da.sel({dim: where})
    return da.values.ravel()


def headline_draws(group, quantities) -> dict:
    """Headline key -> 1-D draws, for every declared quantity present in the group."""
    return {q.headline_key: quantity_draws(group, q) for q in quantities if q.variable in group}


def headline_dataset(group, quantities):
    """Headline key -> its (chain, draw) draws, as one :class:`xarray.Dataset`, for every declared quantity in the group."""
    import xarray as xr

    selected = {}
    for q in quantities:
        if q.variable in group:
            da = group[q.variable]
            for dim, where in (q.select or {}).items():
                da = da.isel({dim: where}) if isinstance(where, int) else da.sel({dim: where})
            selected[q.headline_key] = da.reset_coords(drop=True)
    return xr.Dataset(selected)


def summarize_group(group, quantities) -> dict:
    """Median and 80%/95% equal-tailed intervals of every declared quantity in ``group``, from ArviZ's
    ``az.summary(stat_focus="median")`` (its ``eti`` columns are these quantiles); keys as :func:`summarize_draws`'s."""
    import arviz as az

    ds = headline_dataset(group, quantities)
    if not ds.data_vars:
        return {}
    rows = {name: {} for name in ds.data_vars}
    for mass, lo, hi in ((0.8, "lo80", "hi80"), (0.95, "lo95", "hi95")):
        s = az.summary(ds, kind="stats", stat_focus="median", hdi_prob=mass, round_to="none")
        lower, upper = [c for c in s.columns if c.startswith("eti_")]
        for name, row in rows.items():
            row.setdefault("median", float(s.loc[name, "median"]))
            row[lo], row[hi] = float(s.loc[name, lower]), float(s.loc[name, upper])
    return rows


#: The headline's quoted points: key -> the quantile it is (``lo80``/``hi80`` the 10th/90th percentiles).
QUOTED_QUANTILES = {"median": 0.5, "lo80": 0.1, "hi80": 0.9}


def quoted_points(headline: dict, quantities, roles) -> dict:
    """The quoted points (:data:`QUOTED_QUANTILES`) of each quantity with one of ``roles`` that ``headline`` holds."""
    return {q.headline_key: {k: headline[q.headline_key][k] for k in QUOTED_QUANTILES} for q in quantities if q.role in roles and q.headline_key in headline}


def headline_mcse(group, quantities) -> dict:
    """Monte Carlo standard error of each quantity's median and 80% interval ends in ``group``.

    ArviZ's quantile MCSE (``az.mcse(method="quantile")``, from the effective sample size of the quantile's
    indicator); keys as :data:`QUOTED_QUANTILES`. It says how far two runs with other random streams, such as the
    same seed on a CPU whose compiled code differs in its last bits, may put the quoted figures apart.
    """
    import arviz as az

    ds = headline_dataset(group, quantities)
    rows = {name: {} for name in ds.data_vars}
    for key, prob in QUOTED_QUANTILES.items():
        se = az.mcse(ds, method="quantile", prob=prob)
        for name in rows:
            rows[name][key] = float(se[name])
    return rows


def headline_table(idata, quantities) -> dict:
    """Posterior summaries of the declared quantities, with the prior's beside them where the run has a prior group."""
    post = summarize_group(idata["posterior"], quantities)
    prior = summarize_group(idata["prior"], quantities) if "prior" in idata.groups() else {}
    table = {}
    for q in quantities:
        name = q.headline_key
        if name not in post or name in table:
            continue
        row = post[name]
        if q.tail_threshold:
            row[f"p_gt_{q.tail_threshold:g}"] = float(np.mean(quantity_draws(idata["posterior"], q) > q.tail_threshold))
        if name in prior:
            row["prior"] = prior[name]
        table[name] = row
    return table


def comparisons() -> dict:
    """Published figures to set beside ours (seed 002, Epoch as the seed quotes it, Ho et al. 2024)."""
    s = seed_reported()
    e = epoch_interactive_comparison()
    return {
        "seed_002": {dims.HARDWARE_REDUCTION: s["hardware_reduction_median"], dims.COMPUTE_REDUCTION: s["compute_reduction_median"], "period": "2020-05 to ~2024 (4 years)"},
        "epoch_interactive_as_quoted": {dims.HARDWARE_REDUCTION: e[dims.HARDWARE_REDUCTION], dims.COMPUTE_REDUCTION: e[dims.COMPUTE_REDUCTION], "period": f"{e['years']} years"},
        "ho_et_al_2024_halving_time_months": HO_ET_AL_2024_HALVING_MONTHS,
    }


def format_headline_text(result: dict, saved: bool = True) -> str:
    """Terminal table of a fit's headline, diagnostics and comparison rows.

    Parameters
    ----------
    result : dict
        What ``fit`` returns (or ``summary`` reads back from a run).
    saved : bool
        True when the command just wrote ``result['path']`` ("Saved: ..."); False when it only read it ("Run: ...").
    """
    h = result["headline"]
    loss_matched = result["model"] == "perplexity"  # Ho et al.'s estimand on their data, not GPT-3's since 2020
    period = (f"perplexities published to {result.get('as_of')}, loss-matched" if loss_matched
              else f"GPT-3's training (2020-05) to {result.get('as_of') or 'the seed date'}")
    lines = [
        f"effcompute {result['model']} model, {period}",
        f"Intervals: {INTERVAL_KIND}; 80% = 10th-90th, 95% = 2.5th-97.5th percentile.",
        "",
        f"{'quantity':34s}{'median':>10s}{'80% interval':>22s}{'95% interval':>22s}{'P(>1000x)':>10s}{'prior median':>14s}",
    ]
    for name, row in h.items():
        p = f"{row['p_gt_1000']:.1%}" if "p_gt_1000" in row else ""
        prior = format_number(row["prior"]["median"]) if "prior" in row else ""
        lines.append(
            f"{name:34s}{format_number(row['median']):>10s}{format_number(row['lo80']) + ' - ' + format_number(row['hi80']):>22s}"
            f"{format_number(row['lo95']) + ' - ' + format_number(row['hi95']):>22s}{p:>10s}{prior:>14s}"
        )
    c = result.get("comparisons", comparisons())
    if loss_matched:
        lines += ["", "Published figures for comparison (Ho et al. 2024, compute halving time, months):"]
        lines += [f"  {v['label']}: {v['median']:g} [{v['lo']:g}, {v['hi']:g}]" for v in HO_ET_AL_2024_VERSIONS]
    else:
        ho = c["ho_et_al_2024_halving_time_months"]
        lines += [
            "",
            "Published figures for comparison:",
            f"  seed 002: hardware {c['seed_002'][dims.HARDWARE_REDUCTION]}x, compute {c['seed_002'][dims.COMPUTE_REDUCTION]}x ({c['seed_002']['period']})",
            f"  Epoch interactive model as the seed quotes it: hardware {c['epoch_interactive_as_quoted'][dims.HARDWARE_REDUCTION]:.0f}x, "
            f"compute {c['epoch_interactive_as_quoted'][dims.COMPUTE_REDUCTION]:.0f}x ({c['epoch_interactive_as_quoted']['period']})",
            f"  Ho et al. 2024 halving time: {ho['median']} months (95% CI {ho['lo95']}-{ho['hi95']}; perplexity-matched, not benchmark-matched)",
        ]
    if result.get("tension") and result["tension"].get("label", "").startswith("Discrepancy"):
        t = result["tension"]["log_ratio"]
        lines += [
            "",
            f"{result['tension']['label']}: median {t['median']:.2f} (80%: {t['lo80']:.2f} to {t['hi80']:.2f}), i.e. R_compute is "
            f"{np.exp(t['median']):.2g}x (80%: {np.exp(t['lo80']):.2g}x to {np.exp(t['hi80']):.2g}x) what the measured factors explain; "
            "their product is a route diagnostic, not the estimate",
        ]
    elif result.get("tension"):
        t = result["tension"]["log_ratio"]
        lines += [
            "",
            f"Tension, log(R_compute top-down / bottom-up): median {t['median']:.2f} (80%: {t['lo80']:.2f} to {t['hi80']:.2f}), "
            f"i.e. the benchmark trend implies {np.exp(t['median']):.2g}x the bottom-up reduction; "
            f"P(top-down below bottom-up) = {result['tension']['p_topdown_below']:.0%}",
        ]
    d = result["diagnostics"]
    lines += [
        "",
        f"Diagnostics: max R-hat {d['max_rhat']:.4f}, min ESS bulk {d['min_ess_bulk']:.0f} / tail {d['min_ess_tail']:.0f}, "
        f"divergences {d['divergences']}, min E-BFMI {d['min_bfmi']:.2f}: {'converged' if result['converged'] else 'NOT CONVERGED'}",
    ]
    lines += [f"  - {f}" for f in result.get("failures", [])]
    lines += [f"Note: {n}" for n in result.get("notes", [])]
    if result.get("excluded"):
        lines.append(f"{len(result['excluded'])} data row(s) not used by this model (see --json 'excluded' for which and why).")
    if "path" in result:
        lines.append(f"{'Saved' if saved else 'Run'}: {result['path']}")
    return "\n".join(lines)
