"""The perplexity route as a prior: Ho et al.'s loss-matched rate, re-estimated, for the trend's benchmark-matched rate.

The perplexity model measures how fast the compute needed for the same WikiText/PTB perplexity fell, 2012-2023
(``compute_gain_per_year``, x/year). The trend model's pooled rate ``g_oom_per_year`` is how fast the compute for
the same benchmark score fell since 2020. They are different estimands (other target, other period), so the prior
is the perplexity posterior widened by a stated discrepancy: log10 g_trend ~ Normal(m, sqrt(s^2 + tau^2)), with m, s
the posterior mean and sd of log10 of the perplexity rate and tau the discrepancy sd (not fitted to any data).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: Discrepancy sd between the loss-matched 2012-2023 rate and the benchmark-matched post-2020 rate (OOM/year).
#: Around Ho et al.'s 0.43 OOM/year (8.4-month halving), 1 sd spans 6.2-12.9 months. A stated belief about how far
#: the estimands can differ, set before comparing the two fits; docs/models.md measures 0.075 and 0.3 beside it.
DISCREPANCY_SD = 0.15


def rate_prior_from_perplexity_run(path, discrepancy_sd: float = DISCREPANCY_SD) -> dict:
    """``ModelConfig.rate_prior`` from a saved perplexity run (its loss-matched compute rate) and a discrepancy sd.

    Raises
    ------
    ValueError
        If the run has no loss-matched compute rate (it is not a perplexity run), or ``discrepancy_sd`` is not >= 0.
    """
    from effcompute.inference.runs.files import load_run
    from effcompute.inference.sampling.record import role_draws
    from effcompute.models.base import Role

    if not (np.isfinite(discrepancy_sd) and discrepancy_sd >= 0):
        raise ValueError(f"discrepancy_sd={discrepancy_sd!r} must be a number >= 0")
    idata, config, _ = load_run(path)
    rate = role_draws(idata, Role.COMPUTE_RATE_LOSS_MATCHED,
                      f"{str(path)!r} has no loss-matched compute rate: fit the perplexity model (effcompute fit --model perplexity)")
    oom_per_year = np.log10(rate)
    mu, sd = float(np.mean(oom_per_year)), float(np.std(oom_per_year))
    return {
        "mu": mu,
        "sd": float(np.hypot(sd, discrepancy_sd)),
        "source": f"effcompute perplexity run {Path(path).name} (variant {config.perplexity_variant}): loss-matched rate "
                  f"{mu:.3f} +- {sd:.3f} OOM/year, 2012-2023, widened by a discrepancy sd of {discrepancy_sd:g} OOM/year",
    }
