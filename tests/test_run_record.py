"""A saved run describes itself in ArviZ's conventions (mocked sampling, real record)."""

from __future__ import annotations

import json
import re

import arviz as az
import numpy as np
import pytest
from mock_sampling import mock_fit

from effcompute import dims
from effcompute.data.load import load_dataset
from effcompute.inference.runs import fit_workflow as run_module
from effcompute.inference.runs.files import load_run
from effcompute.inference.sampling.record import PRIOR_DRAWS, run_quantities
from effcompute.models import build_model
from effcompute.models.config import ModelConfig
from effcompute.models.registry import MODEL_NAMES, model_class

DIM_N = re.compile(r"_dim_[0-9]+$")


@pytest.fixture(scope="module")
def joint_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("record")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, draws=60, seed=kw.get("seed", 1), predictive=True))
        result = run_module.run_fit("joint", out_dir=tmp, seed=2)
    return result["path"]


def test_every_registered_name_resolves_to_its_class():
    for name in MODEL_NAMES:
        assert model_class(name).name == name
    with pytest.raises(ValueError, match="must be one of"):
        model_class("giant")


def test_a_model_declares_roles_and_builds_without_sampling():
    ds = load_dataset()
    for name in MODEL_NAMES:
        m = build_model(ds, ModelConfig(model=name))
        named = set(m.model.named_vars)
        assert {q.variable for q in m.headline_quantities()} <= named, name
        # a nuisance offset exists only where the data need it (e.g. unknown_scale_delta when a pair has no scale)
        assert (set(m.nuisance) & named or not m.nuisance) and set(m.pseudo_observations) <= named, name
        for obs in m.observations():
            assert obs.variable in named and len(obs.labels) == len(m.coords()[obs.dim]), (name, obs.variable)
        assert len(m.model_id()) == 16


def test_saved_run_has_loglik_named_dims_and_labelled_scores(joint_run):
    idata = az.from_netcdf(joint_run)
    assert "log_likelihood" in idata.groups() and "link" not in idata["log_likelihood"]
    assert "link" not in idata["observed_data"] and "link" not in idata["posterior_predictive"]
    loo = az.loo(idata, var_name="score_logit")
    assert np.isfinite(loo.elpd_loo)
    assert not any(str(v).endswith("__") for v in idata["posterior"].data_vars)
    assert not any("__" in str(i) for i in az.summary(idata, kind="stats").index)
    for group in idata.groups():
        bad = [d for d in idata[group].dims if DIM_N.search(str(d))]
        assert not bad, (group, bad)
    score = idata["observed_data"]["score_logit"]
    assert {"release", "series"} <= set(score.coords)
    first = str(score[dims.SCORE_OBS].values[0])
    assert first == f"{score.release.values[0]} {score.series.values[0]}"
    assert idata["prior"].sizes["chain"] * idata["prior"].sizes["draw"] >= PRIOR_DRAWS
    assert {"constant_data", "observed_data"} <= set(idata.groups())


def test_run_quantities_come_back_from_the_file(joint_run):
    idata = az.from_netcdf(joint_run)
    keys = [q.headline_key for q in run_quantities(idata)]
    assert "compute_reduction" in keys and "discrepancy" in keys and "compute_reduction_topdown" not in keys  # one R_compute


def test_load_checks_the_model_id(joint_run, tmp_path):
    idata, config, attrs = load_run(joint_run)
    assert len(attrs["model_id"]) == 16
    edited = tmp_path / "edited.nc"
    cfg = json.loads(idata["posterior"].attrs["effcompute_config"])
    cfg["link_sd"] = 1.0
    idata["posterior"].attrs["effcompute_config"] = json.dumps(cfg)
    idata.to_netcdf(edited, engine="h5netcdf")
    with pytest.raises(ValueError, match="model id"):
        load_run(edited)
