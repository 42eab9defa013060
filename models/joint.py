"""The joint model: bottom-up factors and the top-down trend estimate one R_compute.

The evidence model's compute reduction (product of the five factors) and the
trend model's 10^(g x years) measure the same thing in two ways. Here they
are tied by ``log R_topdown = log R_bottomup + tension`` with
``tension ~ Normal(0, link_sd)``: each informs the other, and the
unpublished factor, which has no direct evidence, takes up the residual.
The posterior of ``tension`` (log of top-down over bottom-up) reports how far
the two disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import pymc as pm

from effcompute.models.base import EffModel, Observed, Quantity, Role
from effcompute.models.evidence import (
    NO_EVIDENCE_NOTE,
    EvidenceData,
    EvidenceModel,
    add_evidence_blocks,
    evidence_observations,
    evidence_quantities,
    factor_quantities,
    prepare_evidence,
)
from effcompute.models.evidence import NUISANCE as EVIDENCE_NUISANCE
from effcompute.models.trend import NUISANCE as TREND_NUISANCE
from effcompute.models.trend import (
    TrendData,
    TrendModel,
    add_trend_block,
    prepare_trend,
    trend_observations,
    trend_quantities,
)

TENSION = "tension_log_ratio"
LINK = "link"


@dataclass
class JointData:
    """The evidence and trend arrays side by side."""

    evidence: EvidenceData
    trend: TrendData

    @property
    def as_of(self):
        return self.evidence.as_of

    @property
    def excluded(self) -> list:
        return self.evidence.excluded + self.trend.excluded


class JointModel(EffModel):
    """Bottom-up and top-down R_compute tied by a tension term of fixed scale ``link_sd``."""

    name = "joint"
    description = "bottom-up factors and the top-down trend together"
    nuisance = EVIDENCE_NUISANCE + TREND_NUISANCE
    pseudo_observations = (LINK,)
    calibrated_derived = EvidenceModel.calibrated_derived + TrendModel.calibrated_derived + (TENSION,)
    calibration_replaces = EvidenceModel.calibration_replaces
    key_variables = EvidenceModel.key_variables[:3] + TrendModel.key_variables + (TENSION,)

    def prepare(self, dataset) -> JointData:
        return JointData(prepare_evidence(dataset, self.config), prepare_trend(dataset, self.config))

    def coords(self) -> dict:
        return {**self.data.evidence.coords, **self.data.trend.coords}

    def add_variables(self) -> None:
        log_bottom_up = add_evidence_blocks(self.data.evidence, self.config, self.years)
        log_top_down = add_trend_block(self.data.trend, self.config)
        tension = pm.Deterministic(TENSION, log_top_down - log_bottom_up)
        # The link's 0 is a pseudo-observation held in a data container like every other
        # observation, so simulation-based calibration can draw it from its own distribution.
        pm.Normal(LINK, mu=tension, sigma=self.config.link_sd, observed=pm.Data("link_y", 0.0))

    def headline_quantities(self) -> list[Quantity]:
        tension = Quantity(TENSION, "log(R_compute top-down / bottom-up)", "log ratio", role=Role.TENSION)
        return evidence_quantities() + trend_quantities(self.data.trend) + [tension] + factor_quantities()

    def observations(self) -> list[Observed]:
        return evidence_observations(self.data.evidence) + trend_observations(self.data.trend)

    def notes(self) -> list[str]:
        return [NO_EVIDENCE_NOTE]
