"""Compute-threshold equivalents: the figure, ``threshold --figure``, the API name and the growth report's section (mocked fits)."""

import datetime as dt
import json

import numpy as np
import pytest
from mock_sampling import mock_fit

from effcompute.cli import main
from effcompute.data import growth_data as gd
from effcompute.inference.plots.growth import plot_threshold_equivalents, threshold_dates
from effcompute.inference.runs import fit_workflow as run_module
from effcompute.inference.summary.growth_forecast import POLICY_THRESHOLDS, load_growth_run, threshold_equivalent, threshold_log10_draws


@pytest.fixture(scope="module")
def growth_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("growth_threshold")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, draws=30, seed=kw.get("seed", 1)))
        result = run_module.run_fit("growth", dataset=gd.load_growth_data(), out_dir=tmp, seed=5)
    return result["path"]


def test_policy_thresholds_are_the_eu_act_and_the_us_order():
    assert [(t["flop"], t["set"]) for t in POLICY_THRESHOLDS] == [(1e25, "2024-08-01"), (1e26, "2023-10-30")]
    assert "EU AI Act" in POLICY_THRESHOLDS[0]["name"] and "14110" in POLICY_THRESHOLDS[1]["name"]


def test_threshold_draws_agree_with_threshold_equivalent_and_start_at_the_threshold(growth_run):
    idata, settings, _ = load_growth_run(growth_run)
    post, w = idata.posterior, settings["smoothness_years"]
    draws = threshold_log10_draws(post, 1e25, "2024-08-01", ["2024-08-01", "2027-01-01"], w)
    assert draws.shape[1] == 2 and np.allclose(draws[:, 0], 25.0)
    assert np.median(draws[:, 1]) == pytest.approx(threshold_equivalent(post, 1e25, "2024-08-01", "2027-01-01", w)["log10_flop"]["median"])
    with pytest.raises(ValueError, match="must be positive"):
        threshold_log10_draws(post, 0.0, "2024-08-01", ["2025-01-01"], w)


def test_threshold_dates_are_monthly_from_the_set_date():
    d = threshold_dates("2024-08-15", "2025-01-01")
    assert d[0] == dt.date(2024, 8, 15) and d[1:] == [dt.date(2024, m, 1) for m in (9, 10, 11, 12)] + [dt.date(2025, 1, 1)]
    with pytest.raises(ValueError, match="must come after"):
        threshold_dates("2030-01-01", "2029-01-01")


def test_the_figure_draws_both_policy_thresholds_on_a_log_axis_with_its_interval_kind(growth_run):
    idata, settings, attrs = load_growth_run(growth_run)
    fig = plot_threshold_equivalents(idata.posterior, settings["smoothness_years"], as_of=attrs["as_of"], source="test prior")
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("EU AI Act" in x for x in labels) and any("14110" in x for x in labels) and {"50%", "80%", "95%"} <= set(labels)
    assert "equal-tailed" in ax.get_title() and "50%" in ax.get_title() and "test prior" in fig.get_supxlabel()
    medians = [line for line in ax.get_lines() if "(median)" in line.get_label()]
    assert len(medians) == 2 and all(line.get_xdata()[-1] == pytest.approx(2030.0) for line in medians)


def test_threshold_figure_flag_writes_a_png_and_says_so(growth_run, tmp_path, capsys):
    png = tmp_path / "figs" / "threshold.png"
    args = ["threshold", "1e25", "--set", "2024-08-01", "--at", "2027-01-01", "--run", str(growth_run), "--figure", str(png)]
    assert main(args + ["--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert png.read_bytes()[:4] == b"\x89PNG" and out["figure"] == str(png)
    assert main(args) == 0
    assert f"wrote {png}" in capsys.readouterr().out


def test_with_policy_draws_the_policy_thresholds_beside_the_commands(growth_run, tmp_path, monkeypatch):
    from effcompute.inference.plots import growth as growth_plots

    drawn = {}
    real = growth_plots.threshold_figure_from_run

    def spy(path, thresholds=None, until=None):
        drawn["thresholds"] = thresholds
        return real(path, thresholds, until=until)

    monkeypatch.setattr(growth_plots, "threshold_figure_from_run", spy)
    base = ["threshold", "3e25", "--set", "2025-01-01", "--at", "2027-01-01", "--run", str(growth_run), "--figure", str(tmp_path / "t.png")]
    assert main(base + ["--until", "2028-01-01"]) == 0
    assert [t["flop"] for t in drawn["thresholds"]] == [3e25]
    assert main(base + ["--with-policy"]) == 0
    assert [t["flop"] for t in drawn["thresholds"]] == [3e25, 1e25, 1e26]


def test_threshold_figure_ending_before_the_set_date_is_one_line_exit_2(growth_run, tmp_path, capsys):
    code = main(["threshold", "1e25", "--set", "2024-08-01", "--at", "2027-01-01", "--run", str(growth_run),
                 "--figure", str(tmp_path / "t.png"), "--until", "2024-01-01"])
    err = capsys.readouterr().err
    assert code == 2 and "must come after" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_the_api_names_the_threshold_figure(growth_run):
    import effcompute as ec

    fig = ec.load_run(growth_run).plot("threshold_equivalents")
    assert fig.axes[0].get_yscale() == "log"


def test_the_report_of_a_growth_run_has_a_compute_thresholds_section(growth_run, tmp_path, capsys):
    assert main(["report", str(growth_run), "--out", str(tmp_path / "rep"), "--no-loo", "--json"]) == 0
    paths = json.loads(capsys.readouterr().out)
    md = (tmp_path / "rep" / "report.md").read_text()
    assert "## Compute thresholds" in md and "EU AI Act" in md and "Executive Order 14110" in md
    assert "2024-08-01" in md and "2023-10-30" in md and "equivalent on 2030-01-01" in md and "80% interval" in md
    assert any(p.endswith("threshold_equivalents.png") for p in paths["figures"])
    assert "factor priors" not in md and "Growth by era" in md
