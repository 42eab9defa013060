"""Shapes, coords and prior-predictive sanity of the evidence, trend and joint models."""

import numpy as np
import pymc as pm
import pytest

from effcompute import dims
from effcompute.data.load import load_dataset
from effcompute.models import build_model
from effcompute.models.config import ModelConfig
from effcompute.models.evidence import COMPUTE_FACTOR, prepare_evidence
from effcompute.models.trend import prepare_trend


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def joint(ds):
    return build_model(ds, ModelConfig(model="joint")).model


def test_evidence_coords_match_the_data(ds):
    m = build_model(ds, ModelConfig(model="evidence")).model
    ev = prepare_evidence(ds, ModelConfig(model="evidence"))
    left_out = {r for t, r, _ in ev.excluded if t == "matched_pairs"}
    used_pairs = ds["matched_pairs"].technique.isin(dims.COMPUTE_FACTORS) & ~ds["matched_pairs"].pair_id.isin(left_out)
    assert len(m.coords[dims.PAIR]) == used_pairs.sum() > 0
    assert list(m.coords[COMPUTE_FACTOR]) == [f for f in dims.COMPUTE_FACTORS if f != dims.UNPUBLISHED]
    assert len(m.coords[dims.MFU_RUN]) == len(ds["mfu"])
    assert m.named_vars_to_dims["multiplier"] == (dims.FACTOR,)
    assert {"hardware_reduction", "compute_reduction", "algorithmic_reduction", "hardware_efficiency"} <= set(m.named_vars)


def test_trend_coords_and_series(ds):
    m = build_model(ds, ModelConfig(model="trend")).model
    assert "MMLU@5" in m.coords[dims.SERIES]
    assert m.named_vars_to_dims["log10_flop_to_match_gpt3_mmlu"] == (dims.MATCH_DATE,)
    rel = ds["releases"]
    countable = set(rel[rel.params_active.notna() & (rel.train_tokens.notna() | rel.train_flop.notna())].name)
    assert set(m.coords[dims.RELEASE]) <= countable and "Mistral-7B" not in m.coords[dims.RELEASE]


def test_the_loss_law_reproduces_gpt3s_allocation_penalty_under_both_published_fits():
    from effcompute.models import loss_law

    # docs/literature_notes.md: 1.64x under Besiroglu et al. 2024, 2.98x under Hoffmann et al. 2022 (Approach 3)
    assert loss_law.allocation_penalty(loss_law.BESIROGLU_2024, 175e9, 300e9) == pytest.approx(1.64, abs=0.01)
    assert loss_law.allocation_penalty(loss_law.HOFFMANN_2022, 175e9, 300e9) == pytest.approx(2.98, abs=0.01)
    c = loss_law.constants(0.0)
    a = c["beta"] / (c["alpha"] + c["beta"])
    g = (c["alpha"] * c["A"] / (c["beta"] * c["B"])) ** (1 / (c["alpha"] + c["beta"]))
    n, d = g * (1e23 / 6) ** a, (1e23 / 6) ** (1 - a) / g  # the compute-optimal allocation of 1e23 FLOP
    assert 10 ** loss_law.log10_optimal_flop(c, np.log10(n), np.log10(d)) == pytest.approx(1e23, rel=1e-9)


def test_joint_has_both_blocks_and_the_tension(joint):
    assert {"discrepancy", "g_oom_per_year", "compute_reduction", "compute_reduction_measured", "link"} <= set(joint.named_vars)


def test_prior_predictive_is_finite_and_in_range(joint):
    with joint:
        pp = pm.sample_prior_predictive(draws=200, random_seed=3)
    for group in (pp.prior, pp.prior_predictive):
        for name, da in group.data_vars.items():
            assert np.isfinite(da.values).all(), name
    mfu = 1 / (1 + np.exp(-pp.prior_predictive["mfu_logit"].values))
    assert ((mfu > 0) & (mfu < 1)).all()
    assert ((pp.prior["mfu_today"] > 0) & (pp.prior["mfu_today"] < 1)).all()
    scores = 100 / (1 + np.exp(-pp.prior_predictive["score_logit"].values))
    assert 0 <= scores.min() and scores.max() <= 100 and 20 < np.median(scores) < 90  # bounds reached only in floating point
    compute_gains = pp.prior["multiplier"].sel(factor=[f for f in dims.COMPUTE_FACTORS if f != dims.UNPUBLISHED]).values
    assert (compute_gains >= 1 - 1e-12).all(), "gains below 1 must be excluded"


def test_nothing_samples_at_build_time(ds, monkeypatch):
    def boom(*a, **k):
        raise AssertionError("sampling during build")

    monkeypatch.setattr(pm, "sample", boom)
    monkeypatch.setattr(pm, "sample_prior_predictive", boom)
    build_model(ds, ModelConfig(model="joint")).model


def test_excluded_rows_are_reported_with_reasons(ds):
    ev = prepare_evidence(ds, ModelConfig(model="evidence"))
    reasons = {(t, r): why for t, r, why in ev.excluded}
    assert all(why for why in reasons.values())
    assert any(t == "matched_pairs" for t, _ in reasons)
    tr = prepare_trend(ds, ModelConfig(model="trend", min_series_rows=1000))
    assert tr.coords[dims.SERIES] == []


def test_config_round_trips_and_rejects_bad_values():
    c = ModelConfig(model="evidence", prior="weak", as_of="2025-01-01")
    assert ModelConfig.from_json(c.to_json()) == c
    assert all(p["family"] == "halfnormal_log" for p in c.priors.values())
    with pytest.raises(ValueError, match="model='giant'"):
        ModelConfig(model="giant")
    with pytest.raises(ValueError, match="prior='strong'"):
        ModelConfig(prior="strong")
    with pytest.raises(ValueError, match="as_of='2025-13-01'"):
        ModelConfig(as_of="2025-13-01")
    with pytest.raises(ValueError, match="unknown model config field"):
        ModelConfig.from_json('{"model": "joint", "horizon": 3}')


def test_weak_prior_is_one_option_away(ds):
    m = build_model(ds, ModelConfig(model="evidence", prior="weak")).model
    assert m["log_moe"].owner.op.name == "halfnormal"
    m = build_model(ds, ModelConfig(model="evidence", prior="weak", unpublished="factor")).model
    assert m["log_unpublished"].owner.op.name == "halfnormal"


def test_as_of_defaults_to_latest_release_and_can_be_set(ds):
    m = build_model(ds, ModelConfig(model="evidence"))
    assert m.as_of.isoformat() == ds["releases"].release_date.max()
    m2 = build_model(ds, ModelConfig(model="evidence", as_of="2026-11-23"))
    assert m2.years == pytest.approx(6.56, abs=0.01)


def test_trend_leaves_out_post_trained_scores_and_flags_distilled_releases(ds):
    from effcompute.data.load import Dataset

    frames = dict(ds.frames)
    scores = frames["scores"].copy()
    scores.loc[scores.release == "Gemma-2-9B", "checkpoint"] = "post_trained"
    frames["scores"] = scores
    tr = prepare_trend(Dataset(frames, ds.data_dir), ModelConfig(model="trend"))
    assert "Gemma-2-9B" not in tr.coords[dims.RELEASE]
    assert any(why == "score of a post-trained checkpoint" for _, _, why in tr.excluded)
    full = prepare_trend(ds, ModelConfig(model="trend"))
    distilled = full.releases.distilled
    assert distilled["Gemma-2-2B"] == 1.0 and distilled["Llama-2-7B"] == 0.0


def test_trend_frontier_needs_less_flop_than_the_mean_release(ds):
    m = build_model(ds, ModelConfig(model="trend"))
    with m.model:
        pp = pm.sample_prior_predictive(draws=200, random_seed=4)
    mean, frontier = pp.prior["log10_flop_to_match_gpt3_mmlu"].values, pp.prior["log10_flop_to_match_gpt3_mmlu_frontier"].values
    assert (frontier <= mean + 1e-12).all()
    assert (pp.prior["compute_reduction_topdown_frontier"].values >= pp.prior["compute_reduction_topdown"].values - 1e-9).all()
    keys = {q.headline_key for q in m.headline_quantities()}
    assert {"compute_reduction_topdown", "halving_time_months", "g_oom_per_year", "allocation_share", "g_oom_per_year_MMLU@5"} <= keys
