"""The figure, check, diagnostics and provenance sections of a run's report (see :mod:`effcompute.inference.report.build`)."""

from __future__ import annotations

from effcompute import dims
from effcompute.inference.plots import diagnostics as diag
from effcompute.inference.plots import factors, trend
from effcompute.inference.plots.style import figure_png
from effcompute.inference.report.blocks import Figure, Section, Table
from effcompute.inference.sampling.gate import MAX_RHAT, MIN_BFMI, MIN_ESS, PARETO_K_MAX
from effcompute.inference.sampling.record import role_variable, term_of_kind
from effcompute.inference.summary.seed_mc import seed_reported
from effcompute.literature import HO_ET_AL_2024_CITATION
from effcompute.models.base import Role

#: Influential observations listed under the Pareto k figure.
TOP_INFLUENTIAL = 8


def _figure(name, title, caption, fig) -> Figure:
    return Figure(name, title, caption, figure_png(fig))


def prior_description(view) -> str:
    """What the run's prior on the factors is, in words true to its draws: the compute factors' source (seed 002's
    factors or weakly informative), and where hardware efficiency's prior comes from with its 80% interval."""
    import numpy as np

    factors_from = "seed 002's factors" if getattr(view.config, "prior", "seed") == "seed" else "weakly informative priors, not seed 002's"
    idata = view.idata
    hw = role_variable(idata.posterior, Role.HARDWARE_EFFICIENCY)
    if hw is None or "prior" not in idata.groups() or hw not in idata.prior:
        return f"the compute factors from {factors_from}"
    lo, hi = np.quantile(idata.prior[hw].values.ravel(), [0.1, 0.9])
    return (f"the compute factors from {factors_from}; hardware efficiency from the model's priors on today's MFU and the number-format gain "
            f"(80%: {lo:.2g}x to {hi:.2g}x), not from seed 002")


def figures_section(view, dataset) -> Section:
    """The answer in pictures: reductions, factors, bottom-up vs top-down, the benchmark trend."""
    idata, post = view.idata, view.idata.posterior
    prior = idata.prior if "prior" in idata.groups() else None
    blocks = []
    has = lambda role: role_variable(post, role) is not None  # noqa: E731
    if has(Role.HARDWARE):
        seed = seed_reported()
        groups = {"prior": prior, "posterior": post} if prior is not None else {"posterior": post}
        blocks.append(_figure(
            "reductions", "Hardware and compute reductions since GPT-3",
            f"Distribution of the reductions under this run's prior ({prior_description(view)}) and the posterior; dashed: seed 002's reported medians "
            f"(over 4 years, this run covers {view.years:.2f}).",
            factors.plot_reduction_distributions(groups, references={dims.HARDWARE_REDUCTION: {"seed 002": seed["hardware_reduction_median"]},
                                                                     dims.COMPUTE_REDUCTION: {"seed 002": seed["compute_reduction_median"]}},
                                                 period=f"2020-05 to {view.attrs['as_of']}"),
        ))
    if has(Role.FACTOR):
        blocks.append(_figure("factors_prior_posterior", "Every factor, prior vs posterior",
                              f"How far the evidence moved each factor from this run's prior ({prior_description(view)}): grey squares prior, blue circles "
                              "posterior; thick bars 80%, thin bars 95%.",
                              factors.plot_prior_posterior_forest(prior, post)))
        blocks.append(_figure("factor_contributions", "What each factor contributes",
                              "Posterior multiplier of each factor and its share of the log hardware reduction.", factors.plot_factor_contributions(post)))
    if has(Role.COMPUTE) and has(Role.COMPUTE_TOPDOWN):
        blocks.append(_figure("bottom_up_vs_top_down", "Bottom-up vs top-down compute reduction",
                              "The product of the factors (bottom-up) and the benchmark trend (top-down) estimate the same R_compute.",
                              factors.plot_compute_reduction_sources({view.model: idata})))
    if has(Role.TENSION) and view.config.learned_discrepancy:
        blocks.append(_figure("tension", "The discrepancy", "R_compute over the product of the measured factors (the discrepancy, learned); 1x means the "
                              "measured factors explain all of it. The prior is that of the ratio of the two routes before the discrepancy's "
                              "Student-t ties them.", factors.plot_tension(idata, "The discrepancy: R_compute over the product of the measured factors",
                                                                         "R_compute / product of the measured factors (log scale)")))
    elif has(Role.TENSION):
        blocks.append(_figure("tension", "Tension between the two estimates", "Ratio of top-down to bottom-up R_compute; 1x means agreement.", factors.plot_tension(idata)))
    if has(Role.SERIES_RATE):
        td = _trend_data(view, dataset)
        if td is not None:
            blocks.append(_figure("score_vs_flop", "Benchmark score vs training FLOP",
                                  "Each release's score against its training FLOP, coloured by release date, with the fitted curves (median and 80% band) for 2020, 2022 and the as-of date.",
                                  trend.plot_score_vs_flop(post, td)))
        if has(Role.FLOP_TO_MATCH):
            blocks.append(_figure("flop_to_match_gpt3", "FLOP to match GPT-3 on MMLU",
                                  "Training FLOP the trend model needs to reach GPT-3's MMLU (5-shot, 43.9%) at each date, and the releases that did reach it.",
                                  trend.plot_flop_to_match_gpt3(post, td)))
    if trend.halving_time_draws(post) and not view.loss_matched:  # a perplexity run has its own section
        blocks.append(_figure("halving_time", "Compute halving time vs Ho et al. 2024",
                              f"Posterior of the compute halving time; shaded: Ho et al. 2024's 95% interval ({HO_ET_AL_2024_CITATION}).",
                              trend.plot_halving_time(post)))
    return Section("Figures", blocks)


def _trend_data(view, dataset):
    if dataset is None:
        return None
    from effcompute.models.trend import prepare_trend

    return prepare_trend(dataset, view.config)


PPC_FIGURES = (
    ("matched pairs", "ppc_matched_pairs", "Posterior predictive check: matched pairs", diag.plot_ppc_matched_pairs),
    ("MFU", "ppc_mfu", "Posterior predictive check: MFU of named runs", diag.plot_ppc_mfu),
    ("costs", "ppc_costs", "Posterior predictive check: training costs", diag.plot_ppc_costs),
)


def checks_section(view, dataset, with_loo: bool) -> Section:
    """Posterior predictive checks per observation and PSIS-LOO Pareto k."""
    idata = view.idata
    blocks = []
    if "posterior_predictive" in idata.groups():
        for kind, name, title, plot in PPC_FIGURES:
            var = term_of_kind(idata, kind)
            if var and var in idata.posterior_predictive and var in idata.observed_data:
                blocks.append(_figure(name, title, "Observed value (x) against the posterior predictive median, 80% and 95% interval of each observation.", plot(idata)))
    if with_loo and dataset is not None:
        from effcompute.models import build_model

        loo = diag.pointwise_loo(idata, build_model(dataset, view.config).model)
        blocks.append(_figure("pareto_k", "PSIS-LOO Pareto k per observation",
                              f"Observations with k > {PARETO_K_MAX} carry so much weight that leaving one out would move the posterior noticeably.", diag.plot_pareto_k(loo)))
        top = loo.nlargest(TOP_INFLUENTIAL, "pareto_k")
        blocks.append(Table(["data set", "observation", "Pareto k", "elpd_loo"], [[r.term, r.observation, f"{r.pareto_k:.2f}", f"{r.elpd_loo:.2f}"] for r in top.itertuples()],
                            "The most influential observations (highest Pareto k)."))
    elif with_loo:
        blocks.append("PSIS-LOO left out: the run's data could not be loaded (see provenance).")
    return Section("Model checks", blocks)


def diagnostics_section(view) -> Section:
    """The convergence gate, the R-hat/ESS table, trace, rank, energy and pair plots."""
    conv, idata = view.attrs["convergence"], view.idata
    verdict = "passed" if conv["converged"] else "FAILED"
    blocks = [
        f"Convergence gate {verdict}: max R-hat {conv['max_rhat']:.4f} (< {MAX_RHAT}), min bulk ESS {conv['min_ess_bulk']:.0f} and tail ESS "
        f"{conv['min_ess_tail']:.0f} (> {MIN_ESS}), {conv['divergences']} divergent transitions, min E-BFMI {conv['min_bfmi']:.2f} (> {MIN_BFMI}).",
        *[f"Gate failure: {f}" for f in conv.get("failures", [])],
    ]
    table = diag.diagnostics_table(idata)
    table = table[~table.index.str.startswith("log10_flop_to_match_gpt3_mmlu[") | (table.index == table.index[-1])]
    blocks.append(Table(["quantity", "median", "80% interval", "bulk ESS", "tail ESS", "R-hat"],
                        [[q, f"{r['median']:.3g}", f"{r['q10']:.3g} to {r['q90']:.3g}", f"{r['ess_bulk']:.0f}", f"{r['ess_tail']:.0f}", f"{r['r_hat']:.3f}"] for q, r in table.iterrows()],
                        "Rank-normalized R-hat and bulk/tail ESS of every headline quantity."))
    div = diag.divergences_by_chain(idata)
    blocks.append(f"Divergent transitions per chain: {', '.join(f'chain {c}: {n}' for c, n in div.items())}.")
    blocks.append(_figure("trace", "Trace plots", "Per-chain densities (left) and draws (right) of the headline quantities.", diag.plot_trace(idata)))
    blocks.append(_figure("rank", "Rank plots", "Rank histograms per chain; flat bars mean the chains mix.", diag.plot_rank(idata)))
    if "energy" in idata.sample_stats:
        blocks.append(_figure("energy", "Energy plot", "Marginal energy and energy transitions; similar widths mean NUTS explores the tails (E-BFMI).", diag.plot_energy(idata)))
    blocks.append(_figure("pair", "Pair plot", "Joint posterior of the factors' log-gains; divergent transitions, if any, in red.", diag.plot_pair(idata)))
    return Section("Diagnostics", blocks)


def provenance_section(view, data_note: str) -> Section:
    """Data hash, row counts, as-of date, seed, sampler and library versions."""
    a = view.attrs
    counts = a.get("counts") or {}
    versions = a.get("versions") or {}
    rows = [
        ["model", a["model"]],
        ["as of (end of the period)", f"{a['as_of']} ({view.years:.2f} years after GPT-3's training, 2020-05)"],
        ["data hash (SHA-256 of the tables)", a["data_hash"]],
        ["rows per table", ", ".join(f"{k} {v}" for k, v in counts.items()) or "-"],
        ["rows left out by the model", f"{len(a.get('excluded', []))} (listed by: effcompute summary RUN --json)"],
        ["factor priors", view.config.prior + (f" ({view.config.reading} reading)" if view.config.prior == "seed" else "")],
        ["seed, sampler", f"{a['seed']}, {a.get('sampler', '-')}"],
        ["draws", f"{view.idata.posterior.sizes['chain']} chains x {view.idata.posterior.sizes['draw']} draws"],
        ["fitted (UTC)", a.get("created_utc", "-")],
        ["libraries", ", ".join(f"{k} {v}" for k, v in versions.items() if v)],
        ["run file", view.path],
        ["data check", data_note],
    ]
    return Section("Data and provenance", [Table(["", ""], rows, "Everything needed to reproduce the numbers above: same data hash, same seed, same configuration.")])

