"""The Python API on a mocked joint run: headline frame, figures by name, report."""

from __future__ import annotations

import matplotlib
import pytest
from mock_sampling import mock_fit

import effcompute as ec
from effcompute.inference.runs import fit_workflow as run_module

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("api")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, draws=60, seed=kw.get("seed", 1), predictive=True))
        return ec.fit(model="joint", out=tmp / "runs", seed=4, quiet=True)


def test_fit_returns_a_run_that_load_run_reads_back(run):
    again = ec.load_run(run.path)
    assert again.model == "joint" and again.attrs["model_id"] == run.attrs["model_id"]


def test_headline_is_a_frame_with_units_and_the_interval_kind(run):
    h = run.headline()
    assert {"label", "unit", "median", "lo80", "hi80", "lo95", "hi95", "prior_median"} <= set(h.columns)
    assert h.loc["compute_reduction", "unit"] == "x" and h.loc["halving_time_months", "unit"] == "months"
    assert "equal-tailed" in h.attrs["interval_kind"]


PERPLEXITY_FIGURES = {"perplexity_fit", "loss_matched_halving"}


# growth figures: tests/test_growth_fan.py, test_growth_threshold.py; perplexity figures: tests/test_perplexity.py
@pytest.mark.parametrize("name", sorted(set(ec.api.FIGURES) - {"growth_fan", "threshold_equivalents"} - PERPLEXITY_FIGURES))
def test_every_named_figure_draws(run, name):
    fig = run.plot(name)
    assert fig.axes


@pytest.mark.parametrize("name", sorted(PERPLEXITY_FIGURES))
def test_a_perplexity_figure_of_a_joint_run_is_a_clear_error(run, name):
    with pytest.raises(ValueError, match="not a perplexity run"):
        run.plot(name)


@pytest.mark.parametrize("name", ["growth_fan", "threshold_equivalents"])
def test_a_growth_figure_of_a_joint_run_is_a_clear_error(run, name):
    with pytest.raises(ValueError, match="not a growth run"):
        run.plot(name)


def test_unknown_figure_is_a_clear_error(run):
    with pytest.raises(ValueError, match="must be one of"):
        run.plot("nope")


def test_load_or_fit_loads_a_saved_run_and_fits_only_when_there_is_none_or_when_asked(run, monkeypatch):
    fits = []
    monkeypatch.setattr(ec.api, "fit", lambda model, **kw: fits.append((model, kw)) or run)
    loaded = ec.load_or_fit("joint", runs=run.path.parent, seed=4)
    assert loaded.path == run.path and fits == []
    assert ec.load_or_fit("joint", runs=run.path.parent, seed=5, draws=10) is run and fits[-1] == ("joint", {"out": run.path.parent, "seed": 5, "draws": 10})
    ec.load_or_fit("joint", runs=run.path.parent, seed=4, refit=True)
    assert len(fits) == 2
    assert ec.api.saved_run_path("joint", runs=run.path.parent, seed=4, loss_law="hoffmann") is None
