"""The joint model: one R_compute, informed by the benchmark trend (top-down) and the measured factors (bottom-up).

``R_compute`` is the trend model's estimand: GPT-3's 3.14e23 FLOP over the compute-optimal-equivalent FLOP a
mean release needs at the as-of date to reach GPT-3's MMLU 5-shot (43.9). The bottom-up product of the
measured factors (Transformer++, MoE, Chinchilla as GPT-3's allocation penalty under the loss law the trend
model also uses, data quality) explains part of it; the rest is a discrepancy,

    log R_compute = log(product of measured factors) + discrepancy,   discrepancy ~ Normal(0, sd),
    sd^2 ~ InvGamma(nu / 2, nu s^2 / 2), nu = 4, s = discrepancy_scale   (so discrepancy ~ Student-t(nu, 0, s)),

entered as a pseudo-observation of 0 for ``log R - log product`` (so simulation-based calibration draws it).
``R_hardware = R_compute x hardware efficiency``. The discrepancy holds unpublished innovations, techniques
without pairs, small-scale transfer error and the difference between benchmark- and loss-matched gains; it is
reported as such, not as a factor. With ``unpublished="factor"`` the model is the earlier one: seed 002's
unpublished factor in the product, both reductions kept, tied by a tension of fixed scale ``link_sd``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pymc as pm
import pytensor.tensor as pt

from effcompute import dims
from effcompute.models import loss_law
from effcompute.models.base import EffModel, Observed, Quantity, Role
from effcompute.models.evidence import (
    EvidenceData,
    EvidenceModel,
    add_evidence_blocks,
    evidence_observations,
    evidence_quantities,
    factor_quantities,
    no_evidence_note,
    prepare_evidence,
)
from effcompute.models.evidence import NUISANCE as EVIDENCE_NUISANCE
from effcompute.models.trend import NUISANCE as TREND_NUISANCE
from effcompute.models.trend import (
    MOE_LOG_GAIN,
    TrendData,
    TrendModel,
    add_trend_block,
    prepare_trend,
    rate_prior_notes,
    trend_observations,
    trend_quantities,
)

TENSION = "tension_log_ratio"
DISCREPANCY = "discrepancy"
LINK = "link"
#: Suffix of the bottom-up reductions in the joint model, where they are a route, not the estimand.
MEASURED = "_measured"
#: The trend block's top-down reduction, which in the joint model is ``compute_reduction`` itself.
TOPDOWN_ALIASES = ("compute_reduction_topdown", "compute_reduction_topdown_per_year")


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


def add_estimand(log_r, hardware_efficiency, years: float) -> None:
    """The one compute and hardware reduction of the joint model, total and per year."""
    for name, value in [(dims.COMPUTE_REDUCTION, log_r), (dims.HARDWARE_REDUCTION, log_r + pt.log(hardware_efficiency))]:
        pm.Deterministic(name, pt.exp(value))
        pm.Deterministic(name + "_per_year", pt.exp(value / years))


#: Degrees of freedom of the discrepancy's Student-t (its scale's inverse-gamma prior has shape DISCREPANCY_NU / 2).
DISCREPANCY_NU = 4.0


def add_discrepancy(log_r, log_measured, scale: float, centre: float = 0.0) -> None:
    """``log R - log(product of measured factors) = discrepancy ~ Normal(0, sd)`` with the sd learned.

    The sd's prior, sd^2 ~ InvGamma(nu / 2, nu scale^2 / 2), is integrated out exactly: the discrepancy is then
    Student-t(nu, 0, scale). (With one discrepancy in the model an explicit sd funnels: as sd -> 0 it pins the
    two routes together and NUTS diverges.) ``discrepancy_sd`` is the sd's posterior root-mean-square given the
    discrepancy, sqrt((nu scale^2 + discrepancy^2) / (nu - 1)). The pseudo-observation of 0 is held in a data
    container like every other observation, so SBC draws it from its distribution.
    """
    discrepancy = pm.Deterministic(DISCREPANCY, log_r - log_measured)
    pm.Deterministic("discrepancy_multiplier", pt.exp(discrepancy))
    pm.Deterministic("discrepancy_sd", pt.sqrt((DISCREPANCY_NU * scale**2 + (discrepancy - centre) ** 2) / (DISCREPANCY_NU - 1.0)))
    pm.StudentT(LINK, nu=DISCREPANCY_NU, mu=discrepancy - centre, sigma=scale, observed=pm.Data("link_y", 0.0))


def joint_quantities(evidence: EvidenceData, trend: TrendData) -> list[Quantity]:
    """The estimand first, then the trend's rates and frontier, hardware efficiency, the discrepancy and the
    measured route."""
    estimand = [
        Quantity(dims.HARDWARE_REDUCTION, "Hardware reduction since GPT-3 (GPU-hours, fp16-equivalent)", "x", log_scale=True, tail_threshold=1000.0,
                 role=Role.HARDWARE),
        Quantity(dims.COMPUTE_REDUCTION, "Compute reduction since GPT-3 (training FLOP; benchmark-matched at GPT-3's MMLU 5-shot, mean recipe)", "x",
                 log_scale=True, tail_threshold=1000.0, role=Role.COMPUTE),
        Quantity(dims.HARDWARE_REDUCTION + "_per_year", "Hardware reduction per year", "x/year", log_scale=True, role=Role.HARDWARE_RATE),
        Quantity(dims.COMPUTE_REDUCTION + "_per_year", "Compute reduction per year", "x/year", log_scale=True, role=Role.COMPUTE_RATE),
    ]
    trend = [q for q in trend_quantities(trend) if q.variable not in TOPDOWN_ALIASES]
    hardware = [q for q in evidence_quantities() if q.role in (Role.HARDWARE_EFFICIENCY, Role.MFU_TODAY, Role.FORMAT_GAIN)]
    discrepancy = [
        Quantity(DISCREPANCY, "Discrepancy: log(R_compute / product of the measured factors)", "log ratio", role=Role.TENSION),
        Quantity("discrepancy_sd", "Scale of the discrepancy (posterior root-mean-square)", "log", role=Role.DISCREPANCY_SCALE),
        Quantity(dims.COMPUTE_REDUCTION + MEASURED, "Route: product of the measured factors (bottom-up)", "x", log_scale=True, role=Role.COMPUTE_MEASURED),
        Quantity(dims.ALGORITHMIC_REDUCTION + MEASURED, "Route: algorithmic part of the measured factors", "x", log_scale=True, role=Role.ALGORITHMIC),
    ]
    return estimand + trend + hardware + discrepancy + factor_quantities(evidence)


class JointModel(EffModel):
    """One R_compute from the trend and the measured factors, with a learned discrepancy (``unpublished="discrepancy"``),
    or the earlier two reductions tied by a tension of fixed scale (``unpublished="factor"``)."""

    name = "joint"
    description = "one R_compute from the benchmark trend and the measured factors"
    nuisance = EVIDENCE_NUISANCE + TREND_NUISANCE
    pseudo_observations = (LINK,)
    # At 0.9 the real-data fit of seed 1 had a tail ESS of 160 (trend curves of WinoGrande); at 0.95, 1,853.
    target_accept = 0.95
    calibration_replaces = EvidenceModel.calibration_replaces

    @property
    def calibrated_derived(self) -> tuple:
        if self.config.unpublished == "factor":
            return EvidenceModel.calibrated_derived + TrendModel.calibrated_derived + (TENSION,)
        return ("log_gain", dims.COMPUTE_REDUCTION, dims.HARDWARE_REDUCTION, "hardware_efficiency", "g_oom_per_year_mmlu", DISCREPANCY)

    @property
    def key_variables(self) -> tuple:
        if self.config.unpublished == "factor":
            return EvidenceModel.key_variables[:3] + TrendModel.key_variables + (TENSION,)
        return ("multiplier", dims.HARDWARE_REDUCTION, dims.COMPUTE_REDUCTION, "g_oom_per_year", "release_sd", DISCREPANCY, "discrepancy_sd")

    def prepare(self, dataset) -> JointData:
        return JointData(prepare_evidence(dataset, self.config), prepare_trend(dataset, self.config))

    def coords(self) -> dict:
        return {**self.data.evidence.coords, **self.data.trend.coords}

    def add_variables(self) -> None:
        law = loss_law.prior_constants(self.config.loss_law)  # one law for GPT-3's penalty, the pairs and the releases
        if self.config.unpublished == "factor":
            log_bottom_up, _ = add_evidence_blocks(self.data.evidence, self.config, self.years, law)
            log_top_down = add_trend_block(self.data.trend, self.config, law)
            tension = pm.Deterministic(TENSION, log_top_down - log_bottom_up)
            pm.Normal(LINK, mu=tension, sigma=self.config.link_sd, observed=pm.Data("link_y", 0.0))
            return
        log_measured, hardware_efficiency = add_evidence_blocks(self.data.evidence, self.config, self.years, law, suffix=MEASURED)
        log_r = add_trend_block(self.data.trend, self.config, law, log_moe=pm.modelcontext(None)[MOE_LOG_GAIN] if self.config.adoption == "moe" else None)
        add_estimand(log_r, hardware_efficiency, self.years)
        add_discrepancy(log_r, log_measured, self.config.discrepancy_scale, self.config.discrepancy_centre)

    def headline_quantities(self) -> list[Quantity]:
        if self.config.unpublished == "factor":
            tension = Quantity(TENSION, "log(R_compute top-down / bottom-up)", "log ratio", role=Role.TENSION)
            return evidence_quantities() + trend_quantities(self.data.trend) + [tension] + factor_quantities(self.data.evidence)
        return joint_quantities(self.data.evidence, self.data.trend)

    def observations(self) -> list[Observed]:
        return evidence_observations(self.data.evidence) + trend_observations(self.data.trend)

    def notes(self) -> list[str]:
        return [no_evidence_note(self.config)] + rate_prior_notes(self.config)
