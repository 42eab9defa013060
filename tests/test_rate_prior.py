"""The perplexity route as the trend's rate prior: ModelConfig.rate_prior, the trend block's use of it, and the
prior made from a (mocked) perplexity run."""

import numpy as np
import pytest
from mock_sampling import mock_fit

from effcompute.data.load import load_dataset
from effcompute.inference.runs import fit_workflow as run_module
from effcompute.inference.runs.files import load_run
from effcompute.inference.summary.rate_prior import rate_prior_from_perplexity_run
from effcompute.models import build_model
from effcompute.models.config import ModelConfig
from effcompute.models.trend import DEFAULT_RATE_PRIOR

SPEC = {"mu": 0.4, "sd": 0.2, "source": "a test"}


@pytest.mark.parametrize("spec, problem", [
    ({"mu": 0.4, "sd": 0.2}, "exactly the keys"),
    ({**SPEC, "sd": 0.0}, "sd=0.0 must be a finite number > 0"),
    ({**SPEC, "mu": float("nan")}, "mu=nan must be a finite number"),
    ({**SPEC, "source": " "}, "must say where the prior comes from"),
])
def test_a_bad_rate_prior_is_refused_by_name(spec, problem):
    with pytest.raises(ValueError, match=problem):
        ModelConfig(model="trend", rate_prior=spec)


@pytest.mark.parametrize("field, value", [("rate_prior", SPEC), ("adoption", "moe")])
def test_a_trend_block_setting_is_refused_for_a_model_without_one(field, value):
    with pytest.raises(ValueError, match=f"{field}=.*only the trend and joint models use it; model is 'evidence'"):
        ModelConfig(model="evidence", **{field: value})


def test_the_config_round_trips_its_rate_prior_and_old_configs_keep_the_default():
    config = ModelConfig(model="trend", rate_prior=SPEC)
    assert ModelConfig.from_json(config.to_json()).rate_prior == SPEC
    assert ModelConfig(model="trend").rate_prior == {}


def _g_prior(model):
    """(mu, sigma) of the pooled rate's Normal prior in a built PyMC model."""
    rv = model.model["g_oom_per_year"]
    mu, sigma = rv.owner.inputs[-2:]
    return float(mu.eval()), float(sigma.eval())


@pytest.mark.parametrize("name", ["trend", "joint"])
def test_the_trend_block_uses_the_rate_prior_and_else_the_default(name):
    ds = load_dataset()
    assert _g_prior(build_model(ds, ModelConfig(model=name))) == pytest.approx((DEFAULT_RATE_PRIOR["mu"], DEFAULT_RATE_PRIOR["sd"]))
    assert _g_prior(build_model(ds, ModelConfig(model=name, rate_prior=SPEC))) == pytest.approx((0.4, 0.2))


def test_the_prior_from_a_perplexity_run_is_its_log10_rate_widened_by_the_discrepancy(monkeypatch, tmp_path):
    monkeypatch.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, seed=kw.get("seed", 1)))
    path = run_module.run_fit("perplexity", out_dir=tmp_path, quiet=True)["path"]
    rate = np.log10(load_run(path)[0].posterior["compute_gain_per_year"].values.ravel())
    prior = rate_prior_from_perplexity_run(path, discrepancy_sd=0.15)
    assert prior["mu"] == pytest.approx(rate.mean())
    assert prior["sd"] == pytest.approx(np.hypot(rate.std(), 0.15))
    assert "variant ho7" in prior["source"] and "0.15" in prior["source"]
    assert rate_prior_from_perplexity_run(path, discrepancy_sd=0.0)["sd"] == pytest.approx(rate.std())
    ModelConfig(model="trend", rate_prior=prior)  # a valid ModelConfig.rate_prior


def test_a_run_without_a_loss_matched_rate_is_refused(monkeypatch, tmp_path):
    monkeypatch.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, seed=kw.get("seed", 1)))
    path = run_module.run_fit("trend", out_dir=tmp_path, quiet=True)["path"]
    with pytest.raises(ValueError, match="has no loss-matched compute rate: fit the perplexity model"):
        rate_prior_from_perplexity_run(path)
    with pytest.raises(ValueError, match="discrepancy_sd=-1 must be a number >= 0"):
        rate_prior_from_perplexity_run(path, discrepancy_sd=-1)


def test_fit_takes_the_rate_prior_from_a_perplexity_run_and_saves_beside_the_default(monkeypatch, capsys, tmp_path):
    import json

    from effcompute.cli import main

    monkeypatch.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, seed=kw.get("seed", 1)))
    ppl = run_module.run_fit("perplexity", out_dir=tmp_path, quiet=True)["path"]
    capsys.readouterr()
    code = main(["fit", "--model", "trend", "--rate-prior-from", ppl, "--rate-prior-discrepancy", "0.3", "--out", str(tmp_path), "--json",
                 "--allow-unconverged"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and "_rate_prior" in result["path"]
    config = load_run(result["path"])[1]
    assert config.rate_prior == rate_prior_from_perplexity_run(ppl, 0.3)
    assert any(n.startswith("Pooled rate prior N(") and "discrepancy sd of 0.3" in n for n in result["notes"])


@pytest.mark.parametrize("argv, problem", [
    (["fit", "--model", "evidence", "--rate-prior-from", "{ppl}"], "only the trend and joint models have a pooled rate; --model is 'evidence'"),
    (["fit", "--model", "trend", "--rate-prior-discrepancy", "0.1"], "--rate-prior-discrepancy: needs --rate-prior-from"),
])
def test_fit_refuses_a_rate_prior_it_cannot_use_in_one_line(monkeypatch, capsys, tmp_path, argv, problem):
    from effcompute.cli import main

    monkeypatch.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, seed=kw.get("seed", 1)))
    ppl = run_module.run_fit("perplexity", out_dir=tmp_path, quiet=True)["path"]
    capsys.readouterr()
    assert main([a.replace("{ppl}", ppl) for a in argv] + ["--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert problem in err and "Traceback" not in err
