"""Adoption-indexed MoE with its gain held fixed: the config field, what the fixed gain does to the trend model, and
``check cut`` (the cut fit, with sampling mocked)."""

import json

import numpy as np
import pytest
from mock_sampling import mock_fit

from effcompute.cli import main
from effcompute.data.load import load_dataset
from effcompute.inference.checks.cut import cut_config, cut_path, gain_quantiles
from effcompute.models import build_model
from effcompute.models.config import ModelConfig
from effcompute.models.trend import prepare_trend


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def cut_trend(ds):
    return build_model(ds, ModelConfig(model="trend", adoption="moe", adoption_log_gain=0.0))


@pytest.mark.parametrize("fields, problem", [
    ({"model": "evidence"}, "only the trend model with adoption='moe' uses it; model is 'evidence'"),
    ({"model": "joint", "adoption": "moe"}, "only the trend model with adoption='moe' uses it; model is 'joint'"),
    ({"model": "trend"}, "adoption 'none'"),
])
def test_a_fixed_gain_is_refused_where_no_release_adopts_it(fields, problem):
    with pytest.raises(ValueError, match=problem):
        ModelConfig(adoption_log_gain=1.0, **fields)


@pytest.mark.parametrize("value", [-0.1, float("nan"), float("inf"), True, "1.0"])
def test_a_fixed_gain_must_be_a_finite_log_gain_of_at_least_one(value):
    with pytest.raises(ValueError, match=r"adoption_log_gain=.* must be a finite number >= 0"):
        ModelConfig(model="trend", adoption="moe", adoption_log_gain=value)


def test_the_fixed_gain_round_trips_and_old_configs_learn_it():
    config = ModelConfig(model="trend", adoption="moe", adoption_log_gain=1.02)
    assert ModelConfig.from_json(config.to_json()).adoption_log_gain == 1.02
    old = json.loads(ModelConfig(model="trend", adoption="moe").to_json())
    old.pop("adoption_log_gain")  # a run saved before the field existed
    assert ModelConfig.from_json(json.dumps(old)).adoption_log_gain is None


def test_the_fixed_gain_is_data_not_a_free_variable(ds, cut_trend):
    m = cut_trend.model
    assert "log_moe" in {v.name for v in m.data_vars} and "log_moe" not in {v.name for v in m.free_RVs}
    learned = build_model(ds, ModelConfig(model="trend", adoption="moe")).model
    assert "log_moe" in {v.name for v in learned.free_RVs}


def _at(effmodel, point, names, log_gain):
    """Values of ``names`` at the free variables' values in ``point`` with the fixed gain set to ``log_gain``."""
    import pymc as pm

    pm.set_data({"log_moe": log_gain}, model=effmodel.model)
    out = pm.compute_deterministics(point, var_names=names, model=effmodel.model, progressbar=False)
    return [out[n].values for n in names]


def test_the_fixed_gain_shifts_moe_releases_and_multiplies_the_reduction(ds, cut_trend):
    import pymc as pm

    with cut_trend.model:
        point = pm.sample_prior_predictive(draws=3, random_seed=2).prior  # three points of the free variables
    names = ["compute_reduction_topdown", "release_effect"]
    (r0, e0), (r1, e1) = _at(cut_trend, point, names, 0.0), _at(cut_trend, point, names, 1.3)
    np.testing.assert_allclose(r1, np.exp(1.3) * r0, rtol=1e-9)  # the recipe that adopts MoE needs its gain less
    moe = prepare_trend(ds, cut_trend.config).releases.moe.to_numpy().astype(bool)
    assert 0 < moe.sum() < len(moe)
    np.testing.assert_allclose(e1 - e0, np.broadcast_to(np.where(moe, 1.3 / np.log(10.0), 0.0), e0.shape), atol=1e-9)


def test_gain_quantiles_are_equally_weighted_points_of_the_posterior():
    draws = np.random.default_rng(0).normal(1.0, 0.2, size=(4, 2000))
    q = gain_quantiles(draws, 4)
    assert np.all(np.diff(q) > 0)
    np.testing.assert_allclose(q, np.quantile(draws, [0.125, 0.375, 0.625, 0.875]))
    with pytest.raises(ValueError, match="at least 1"):
        gain_quantiles(draws, 0)


def test_the_cut_config_keeps_the_trend_runs_settings():
    config = ModelConfig(model="trend", frontier_quantile=0.8)
    cut = cut_config(config, 0.9)
    assert (cut.adoption, cut.adoption_log_gain, cut.frontier_quantile) == ("moe", 0.9, 0.8)


@pytest.fixture
def runs(monkeypatch, capsys, tmp_path):
    """A trend and an evidence run (mocked fits) in ``tmp_path``; every later sampling call mocked too."""
    import effcompute.inference.runs.fit_workflow as run_module
    import effcompute.inference.sampling.sampler as sampler_module

    monkeypatch.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, seed=kw.get("seed", 1)))
    monkeypatch.setattr(sampler_module, "sample_model", lambda model, **kw: mock_fit(model, draws=kw["draws"], chains=kw["chains"],
                                                                                       seed=kw["seed"]))
    out = {}
    for model in ("trend", "evidence"):
        main(["fit", "--model", model, "--out", str(tmp_path), "--json", "--allow-unconverged"])
        out[model] = json.loads(capsys.readouterr().out)["path"]
    return out


def test_check_cut_refits_at_each_imputed_gain_and_saves_beside_the_run(runs, capsys):
    assert main(["check", "cut", runs["trend"], "--gain-from", runs["evidence"], "--imputations", "3", "--draws", "20", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["target"] == "compute_reduction_topdown" and r["gain_model"] == "evidence"
    gains = [row["moe_gain"] for row in r["imputations"]]
    assert len(gains) == 3 and gains == sorted(gains) and r["gain"]["lo80"] <= gains[1] <= r["gain"]["hi80"]
    for h in (r["original"], r["cut"], *(row["headline"] for row in r["imputations"])):
        assert {"median", "lo80", "hi80"} <= set(h["compute_reduction_topdown"])
    assert r["compute_reduction_ratio"] == pytest.approx(r["cut"]["compute_reduction_topdown"]["median"]
                                                         / r["original"]["compute_reduction_topdown"]["median"])
    assert json.loads(cut_path(runs["trend"]).read_text())["imputations"] == r["imputations"]
    assert r["saved"] == str(cut_path(runs["trend"]))


@pytest.mark.parametrize("which, problem", [
    (("evidence", "evidence"), "RUN must be a trend run"),
    (("trend", "trend"), "is a trend run, whose MoE gain (if any) the releases informed"),
])
def test_check_cut_refuses_the_wrong_runs_in_one_line(runs, capsys, which, problem):
    run, source = (runs[k] for k in which)
    assert main(["check", "cut", run, "--gain-from", source]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and problem in err[0]
    assert not cut_path(run).exists()


def test_check_cut_refuses_one_chain_in_one_line(runs, capsys):
    assert main(["check", "cut", runs["trend"], "--gain-from", runs["evidence"], "--chains", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "at least 2 chains" in err[0]
