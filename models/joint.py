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

import pymc as pm

from effcompute.baseline import years_since_gpt3
from effcompute.models.config import ModelConfig
from effcompute.models.evidence import (
    add_factor_block,
    add_hardware_efficiency,
    add_mfu_block,
    add_pairs_block,
    add_reductions,
    prepare_evidence,
)
from effcompute.models.trend import add_trend_block, prepare_trend


def build_joint_model(dataset, config: ModelConfig | None = None) -> pm.Model:
    """Build the joint model from a validated dataset (nothing is sampled)."""
    config = config or ModelConfig(model="joint")
    ev = prepare_evidence(dataset, config)
    tr = prepare_trend(dataset, config)
    years = years_since_gpt3(ev.as_of)
    with pm.Model(coords={**ev.coords, **tr.coords}) as model:
        log_gain = add_factor_block(config)
        log_fp8 = add_pairs_block(ev, log_gain)
        mfu_today, share = add_mfu_block(ev, config.cost_log_sd)
        hw = add_hardware_efficiency(mfu_today, share, log_fp8)
        log_bottom_up = add_reductions(log_gain, hw, years)
        log_top_down = add_trend_block(tr, config)
        tension = pm.Deterministic("tension_log_ratio", log_top_down - log_bottom_up)
        # The link's 0 is a pseudo-observation held in a data container like every other
        # observation, so simulation-based calibration can draw it from its own distribution.
        pm.Normal("link", mu=tension, sigma=config.link_sd, observed=pm.Data("link_y", 0.0))
    model.effcompute_info = {"as_of": ev.as_of.isoformat(), "years_since_gpt3": years, "excluded": ev.excluded + tr.excluded}
    return model
