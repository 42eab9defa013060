"""The growth fan chart, seed 000's cluster comparison and seed 002's probability in ``effcompute growth`` (mocked fits)."""

import json

import numpy as np
import pytest
from mock_sampling import mock_fit

from effcompute.cli import main
from effcompute.data import growth_data as gd
from effcompute.inference.runs import fit_workflow as run_module
from effcompute.inference.summary.cluster import run_flop, seed000_clusters, year_trend_reaches
from effcompute.inference.summary.growth_forecast import load_growth_run


@pytest.fixture(scope="module")
def growth_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("growth_fan")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, draws=40, seed=kw.get("seed", 1)))
        result = run_module.run_fit("growth", dataset=gd.load_growth_data(), out_dir=tmp, seed=4)
    return result["path"]


def test_seed000_clusters_recompute_the_seeds_31x_from_the_datasheet_peaks():
    c = seed000_clusters()
    a, h = c["clusters"]["gpt4"], c["clusters"]["h100_100k"]
    assert (a["peak_bf16_flops"], h["peak_bf16_flops"], h["peak_fp8_flops"]) == (312e12, 989e12, 1979e12)
    assert c["ratio_fp8_vs_bf16"] == pytest.approx(31.7, abs=0.1)  # the seed's "approx 31x" is FP8 H100 vs BF16 A100
    assert c["ratio_bf16"] == pytest.approx(15.85, abs=0.01)
    assert a["flop"] == pytest.approx(run_flop(20_000, 312e12, 90, 0.40)) == pytest.approx(1.94e25, rel=0.01)
    assert a["flop_range"][0] < a["flop"] < a["flop_range"][1] and "nvidia.com" in a["source"]


def test_year_trend_reaches_counts_draws_that_never_get_there(growth_run):
    idata, settings, _ = load_growth_run(growth_run)
    low = year_trend_reaches(idata.posterior, 0.0, settings["smoothness_years"])
    never = year_trend_reaches(idata.posterior, 80.0, settings["smoothness_years"])
    assert low["median"] == 2018.0 and low["share_not_reached"] == 0.0
    assert never["median"] == 2040.0 and never["share_not_reached"] == 1.0


def test_fan_chart_command_writes_a_png_and_says_what_it_placed(growth_run, tmp_path, capsys):
    png = tmp_path / "figs" / "fan.png"
    assert main(["growth", "--run", str(growth_run), "--fan-chart", str(png), "--until", "2030", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert png.read_bytes()[:4] == b"\x89PNG" and out["until"] == 2030.0 and "equal-tailed" in out["interval_kind"]
    assert {"median", "lo80", "hi80", "share_not_reached"} <= set(out["reach"])
    assert main(["growth", "--run", str(growth_run), "--fan-chart", str(png)]) == 0
    text = capsys.readouterr().out
    assert "100,000 H100-SXM" in text and "31x" in text and "trend reaches" in text


def test_growth_json_states_the_probability_that_efficiency_grew_faster(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, draws=30))
    main(["growth", "--out", str(tmp_path), "--json"])
    out = json.loads(capsys.readouterr().out)
    e = out["efficiency_vs_resources"]
    assert e["p_efficiency_faster"] == out["headline"]["efficiency_over_resources_x_per_year"]["p_gt_1"]
    assert 0.0 <= e["p_efficiency_faster"] <= 1.0 and e["since"] == "2020" and e["until"] == out["as_of"]
    assert np.isfinite(e["ratio_x_per_year"]["median"]) and "seed 002" in e["claim"]


def test_growth_with_a_saved_run_prints_its_decomposition_without_refitting(growth_run, monkeypatch, capsys):
    def no_fit(*a, **k):
        raise AssertionError("growth --run must not refit")

    monkeypatch.setattr(run_module, "fit_model", no_fit)
    assert main(["growth", "--run", str(growth_run), "--json", "--allow-unconverged"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["path"] == str(growth_run) and set(out["decomposition"]) >= {"spend", "hardware", "compute", "effective"}
    assert "p_efficiency_faster" in out["efficiency_vs_resources"] and len(out["projections"]) == 2


def test_the_api_draws_the_fan_chart_of_a_growth_run(growth_run):
    import effcompute as ec

    fig = ec.load_run(growth_run).plot("growth_fan")
    assert len(fig.axes) == 6 and "effective compute" in [ax.get_title() for ax in fig.axes]


def test_window_rates_fit_the_bundled_rows_in_each_papers_window(growth_run, capsys):
    from effcompute.inference.summary.growth_windows import ols_rate, window_rates

    line = ols_rate([2000, 2001, 2002, 2003], [0.0, 0.5, 1.0, 1.5])
    assert line["x_per_year"] == pytest.approx(10**0.5) and line["n"] == 4
    w = window_rates(gd.load_growth_data())
    assert set(w) == {"sevilla_roldan_2024", "cottier_et_al_2024", "hobbhahn_besiroglu_2022"}
    assert all(r["lo95"] < r["x_per_year"] < r["hi95"] and r["n"] > 10 for r in w.values())
    assert main(["growth", "--run", str(growth_run), "--allow-unconverged"]) == 0
    assert "least squares (no model)" in capsys.readouterr().out
