"""The convergence gate: rank-normalized R-hat, bulk and tail ESS, divergences, E-BFMI."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import arviz as az
import numpy as np

MAX_RHAT = 1.01
MIN_ESS = 400
MIN_BFMI = 0.3
#: Pareto k above which a PSIS estimate (LOO weights, importance reweighting) is unreliable (Vehtari et al. 2024, for S >= 2,000 draws ~0.7).
PARETO_K_MAX = 0.7


@dataclass
class Convergence:
    """Diagnostics of the headline quantities and whether they pass the gate."""

    max_rhat: float
    min_ess_bulk: float
    min_ess_tail: float
    divergences: int
    min_bfmi: float
    failures: list = field(default_factory=list)

    @property
    def converged(self) -> bool:
        return not self.failures

    def to_dict(self) -> dict:
        d = asdict(self)
        d["converged"] = self.converged
        return d


def check_convergence(idata, variables=None) -> Convergence:
    """Run the gate over ``variables`` (a model's :meth:`~effcompute.models.base.EffModel.gated_variables`; default: every
    posterior variable); ``failures`` says what failed and what to try."""
    names = [n for n in (variables or []) if n in idata.posterior] or list(idata.posterior.data_vars)
    post = idata.posterior[names]
    rhat = float(np.nanmax(az.rhat(post).to_array().values))
    ess_bulk = float(np.nanmin(az.ess(post, method="bulk").to_array().values))
    ess_tail = float(np.nanmin(az.ess(post, method="tail").to_array().values))
    div = int(idata.sample_stats["diverging"].sum())
    bfmi = float(np.min(az.bfmi(idata))) if "energy" in idata.sample_stats else float("nan")
    failures = []
    if not rhat < MAX_RHAT:
        failures.append(f"max R-hat {rhat:.4f} >= {MAX_RHAT}: run longer (--draws, --tune) or more chains")
    if not ess_bulk > MIN_ESS:
        failures.append(f"min bulk ESS {ess_bulk:.0f} <= {MIN_ESS}: increase --draws")
    if not ess_tail > MIN_ESS:
        failures.append(f"min tail ESS {ess_tail:.0f} <= {MIN_ESS}: increase --draws")
    if div:
        failures.append(f"{div} divergent transition(s): the posterior has regions NUTS cannot explore; raise --target-accept or look at the pair plot")
    if not bfmi > MIN_BFMI:
        failures.append(f"min E-BFMI {bfmi:.2f} <= {MIN_BFMI}: heavy tails or poor adaptation; increase --tune")
    return Convergence(rhat, ess_bulk, ess_tail, div, bfmi, failures)
