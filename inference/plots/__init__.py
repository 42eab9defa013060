"""Every effcompute figure under one stable name, for notebooks, the report and your own scripts.

Each function returns a matplotlib Figure (tables return a DataFrame); they
live in :mod:`~effcompute.inference.plots.factors` (factors and reductions),
:mod:`~effcompute.inference.plots.diagnostics` (sampler diagnostics and model
checks), :mod:`~effcompute.inference.plots.trend` (the benchmark trend),
:mod:`~effcompute.inference.plots.growth` (the growth model's fan chart and compute-threshold equivalents),
:mod:`~effcompute.inference.plots.perplexity` (the perplexity re-analysis) and
:mod:`~effcompute.inference.plots.update` (what an addition moved).
Save one with ``fig.savefig("name.png", dpi=150)``.
"""

from __future__ import annotations

from effcompute.inference.plots.diagnostics import (
    diagnostics_table,
    divergences_by_chain,
    plot_energy,
    plot_pair,
    plot_pareto_k,
    plot_ppc_costs,
    plot_ppc_matched_pairs,
    plot_ppc_mfu,
    plot_rank,
    plot_trace,
    pointwise_loo,
    ppc_table,
)
from effcompute.inference.plots.factors import (
    compute_reduction_sources,
    plot_compute_reduction_sources,
    plot_factor_across_runs,
    plot_factor_contributions,
    plot_prior_posterior_forest,
    plot_reduction_distributions,
    plot_tension,
)
from effcompute.inference.plots.growth import plot_growth_fan, plot_threshold_equivalents
from effcompute.inference.plots.perplexity import plot_loss_matched_halving, plot_perplexity_fit
from effcompute.inference.plots.trend import (
    halving_time_draws,
    plot_flop_to_match_gpt3,
    plot_halving_time,
    plot_score_vs_flop,
)
from effcompute.inference.plots.update import plot_surprise, plot_what_moved

__all__ = [
    "compute_reduction_sources",
    "diagnostics_table",
    "divergences_by_chain",
    "halving_time_draws",
    "plot_compute_reduction_sources",
    "plot_energy",
    "plot_factor_across_runs",
    "plot_factor_contributions",
    "plot_flop_to_match_gpt3",
    "plot_growth_fan",
    "plot_threshold_equivalents",
    "plot_halving_time",
    "plot_loss_matched_halving",
    "plot_pair",
    "plot_pareto_k",
    "plot_perplexity_fit",
    "plot_ppc_costs",
    "plot_ppc_matched_pairs",
    "plot_ppc_mfu",
    "plot_prior_posterior_forest",
    "plot_rank",
    "plot_reduction_distributions",
    "plot_score_vs_flop",
    "plot_surprise",
    "plot_tension",
    "plot_trace",
    "plot_what_moved",
    "pointwise_loo",
    "ppc_table",
]
