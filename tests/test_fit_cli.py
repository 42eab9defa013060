"""fit, summary and export through the CLI, with mocked sampling; real sampling under the slow marker."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from mock_sampling import mock_fit

from effcompute.cli import main
from effcompute.inference.runs import fit_workflow as run_module
from effcompute.inference.runs.files import load_run, rebuild_model


@pytest.fixture
def mocked(monkeypatch):
    monkeypatch.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, seed=kw.get("seed", 1)))


def _fit(capsys, tmp_path, *extra):
    code = main(["fit", "--model", "evidence", "--seed", "1", "--out", str(tmp_path), "--json", "--allow-unconverged", *extra])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_fit_json_interface(mocked, capsys, tmp_path):
    code, r = _fit(capsys, tmp_path)
    assert code == 0
    assert isinstance(r["converged"], bool)
    assert {"max_rhat", "min_ess_bulk", "min_ess_tail", "divergences"} <= set(r["diagnostics"])
    for q in ("hardware_reduction", "compute_reduction"):
        assert {"median", "lo80", "hi80", "lo95", "hi95"} <= set(r["headline"][q])
    assert r["headline"]["compute_reduction"]["lo95"] <= r["headline"]["compute_reduction"]["lo80"] <= r["headline"]["compute_reduction"]["median"]
    files = list(tmp_path.glob("*.nc"))
    assert len(files) == 1 and files[0].name.startswith("evidence_seed1")


def test_unconverged_fit_is_saved_marked_and_exits_nonzero(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, diverging=3))
    code = main(["fit", "--model", "trend", "--out", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 1
    assert "3 divergent" in captured.out and "--allow-unconverged" in captured.err
    assert list(tmp_path.glob("trend_seed1_UNCONVERGED.nc"))


def test_summary_and_exports_read_the_saved_run(mocked, capsys, tmp_path):
    _, r = _fit(capsys, tmp_path)
    path = r["path"]
    assert main(["summary", path, "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["headline"] == r["headline"]
    for fmt in ("csv", "json", "md"):
        out = tmp_path / f"h.{fmt}"
        assert main(["export", path, "--format", fmt, "--out", str(out)]) == 0
        text = out.read_text()
        assert "equal-tailed" in text
    df = pd.read_csv(tmp_path / "h.csv")
    assert {"quantity", "median", "lo80", "hi80", "lo95", "hi95", "interval_kind"} <= set(df.columns)
    assert json.loads((tmp_path / "h.json").read_text())["headline"]["compute_reduction"]["median"] == pytest.approx(r["headline"]["compute_reduction"]["median"])
    assert "| compute_reduction |" in (tmp_path / "h.md").read_text()


def test_summary_reads_and_does_not_claim_to_save(mocked, capsys, tmp_path):
    _, r = _fit(capsys, tmp_path)
    assert main(["summary", r["path"]]) == 0
    out = capsys.readouterr().out
    assert "Saved:" not in out and f"Run: {r['path']}" in out


def test_summary_of_a_folder_lists_its_runs(mocked, capsys, tmp_path):
    _, r = _fit(capsys, tmp_path)
    (tmp_path / "v0002").mkdir()
    (tmp_path / "v0002" / "junk.nc").write_text("not netcdf")
    assert main(["summary", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "2 run file(s)" in out and "evidence_seed1" in out and "v0002/junk.nc" in out and "not readable" in out
    assert main(["summary", str(tmp_path), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["runs"]
    assert [row.get("model") for row in listed] == ["evidence", None] and listed[0]["seed"] == 1


def test_summary_of_an_empty_folder_says_so(capsys, tmp_path):
    assert main(["summary", str(tmp_path)]) == 0
    assert "no runs" in capsys.readouterr().out


def test_export_draws_writes_one_column_per_headline_quantity(mocked, capsys, tmp_path):
    _, r = _fit(capsys, tmp_path)
    out = tmp_path / "draws.csv"
    assert main(["export", r["path"], "--draws", str(out)]) == 0
    assert "wrote" in capsys.readouterr().err
    df = pd.read_csv(out)
    assert list(df.columns[:2]) == ["chain", "draw"] and set(r["headline"]) == set(df.columns[2:])
    assert len(df) == 2 * 50 and sorted(df.chain.unique()) == [0, 1] and df.draw.max() == 49
    assert np.median(df["compute_reduction"]) == pytest.approx(r["headline"]["compute_reduction"]["median"], rel=1e-6)
    assert main(["export", r["path"], "--draws", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--draws" in err and "exists" in err


def test_export_needs_something_to_export(mocked, capsys, tmp_path):
    _, r = _fit(capsys, tmp_path)
    assert main(["export", r["path"]]) == 2
    assert "--format" in capsys.readouterr().err


@pytest.mark.parametrize("model", ["trend_v1", "trend"])
def test_exports_leave_out_rows_that_repeat_another_rows_draws(mocked, capsys, tmp_path, model):
    assert main(["fit", "--model", model, "--out", str(tmp_path), "--allow-unconverged", "--json"]) == 0
    path = json.loads(capsys.readouterr().out)["path"]
    _, _, attrs = load_run(path)
    declared = {q["key"] or q["variable"]: (q["variable"], json.dumps(q.get("select"), sort_keys=True)) for q in attrs["roles"]["headline"]}
    assert len(set(declared.values())) < len(declared), "this model declares an alias: the test needs one"
    assert main(["export", path, "--format", "csv", "--out", str(tmp_path / "h.csv"), "--draws", str(tmp_path / "d.csv")]) == 0
    rows = pd.read_csv(tmp_path / "h.csv").quantity
    assert len({declared[q] for q in rows}) == len(rows) == len(set(declared.values()))
    assert list(pd.read_csv(tmp_path / "d.csv").columns[2:]) == list(rows)


def test_exports_have_units_unique_rows_and_prior_intervals_in_every_format(mocked, capsys, tmp_path):
    _, r = _fit(capsys, tmp_path)
    for fmt in ("csv", "json", "md"):
        assert main(["export", r["path"], "--format", fmt, "--out", str(tmp_path / f"h.{fmt}")]) == 0
    df = pd.read_csv(tmp_path / "h.csv")
    assert df.quantity.is_unique and df.unit.notna().all() and set(df.unit) <= {"x", "x/year", "months", "fraction", "OOM/year", "log10 FLOP", "log ratio"}
    assert df[["prior_lo80", "prior_hi80", "prior_lo95", "prior_hi95"]].notna().any(axis=None)
    rows = json.loads((tmp_path / "h.json").read_text())["headline"]
    assert all("unit" in row for row in rows.values()) and {"lo80", "lo95"} <= set(rows["compute_reduction"]["prior"])
    md = (tmp_path / "h.md").read_text()
    assert "prior median (80%; 95%)" in md and md.count("| compute_reduction | x |") == 1


def test_saved_run_carries_provenance_and_rebuilds(mocked, capsys, tmp_path):
    _, r = _fit(capsys, tmp_path)
    idata, config, attrs = load_run(r["path"])
    assert config.model == "evidence"
    assert {"pymc", "pytensor", "arviz"} <= set(attrs["versions"])
    assert len(attrs["data_hash"]) == 64 and attrs["seed"] == 1
    assert {"posterior", "prior", "sample_stats"} <= set(idata.groups())
    model = rebuild_model(r["path"])
    assert "compute_reduction" in model.model.named_vars and model.model_id() == attrs["model_id"]


def test_rebuild_refuses_other_data(mocked, capsys, tmp_path, data_copy):
    _, r = _fit(capsys, tmp_path)
    scores = data_copy / "scores.csv"
    scores.write_text(scores.read_text().replace("43.9", "44.0", 1))
    with pytest.raises(ValueError, match="data mismatch"):
        rebuild_model(r["path"], data_copy)


def test_loading_a_file_that_is_not_a_run_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "x.nc"
    bad.write_text("not netcdf")
    assert main(["summary", str(bad)]) == 2
    assert "not a readable netCDF" in capsys.readouterr().err


@pytest.mark.slow
def test_real_fit_round_trips_and_same_seed_gives_same_summary(tmp_path):
    a = run_module.run_fit("trend", out_dir=tmp_path / "a", draws=300, tune=300, chains=2, seed=5, quiet=True)
    b = run_module.run_fit("trend", out_dir=tmp_path / "b", draws=300, tune=300, chains=2, seed=5, quiet=True)
    assert a["headline"] == b["headline"]
    idata, _, attrs = load_run(a["path"])
    assert attrs["headline"] == a["headline"]
    g = idata.posterior["g_oom_per_year"].values
    assert np.median(g) == pytest.approx(a["headline"]["g_oom_per_year"]["median"])
    assert {"posterior_predictive", "observed_data", "prior"} <= set(idata.groups())


def test_tension_between_separate_runs(mocked, capsys, tmp_path):
    main(["fit", "--model", "evidence", "--out", str(tmp_path), "--json", "--allow-unconverged"])
    ev = json.loads(capsys.readouterr().out)["path"]
    main(["fit", "--model", "trend", "--out", str(tmp_path), "--json", "--allow-unconverged"])
    tr = json.loads(capsys.readouterr().out)["path"]
    assert main(["tension", ev, tr, "--json"]) == 0
    t = json.loads(capsys.readouterr().out)
    assert {"log_ratio", "p_topdown_below", "topdown_median_percentile_in_evidence_prior"} <= set(t)
    assert 0 <= t["p_topdown_below"] <= 1
    assert main(["tension", tr, ev]) == 2
    assert "expected an evidence run" in capsys.readouterr().err


def test_joint_fit_reports_its_tension(mocked, capsys, tmp_path):
    main(["fit", "--model", "joint", "--out", str(tmp_path), "--json", "--allow-unconverged"])
    r = json.loads(capsys.readouterr().out)
    assert {"median", "lo80", "hi80"} <= set(r["tension"]["log_ratio"])
    assert "discrepancy" in r["headline"]  # the joint model's tension: log(R_compute / product of the measured factors)


def test_check_robustness_refits_each_variant_and_saves_beside_the_run(mocked, monkeypatch, capsys, tmp_path):
    import effcompute.inference.sampling.sampler as sampler_module

    monkeypatch.setattr(sampler_module, "fit_model", lambda model, **kw: mock_fit(model, seed=kw.get("seed", 1)))
    main(["fit", "--model", "joint", "--out", str(tmp_path), "--json", "--allow-unconverged"])
    run = json.loads(capsys.readouterr().out)["path"]
    assert main(["check", "robustness", run, "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert [v["name"] for v in r["variants"]] == ["discrepancy_scale_0.5", "discrepancy_scale_2", "discrepancy_centre_seed_unpublished", "weak_factor_priors"]
    assert r["target"] == "compute_reduction"
    for v in r["variants"]:
        assert v["compute_reduction_ratio"] > 0 and {"median", "lo80", "hi80"} <= set(v["headline"]["compute_reduction"])
    saved = json.loads(Path(r["saved"]).read_text())
    assert saved["variants"] == r["variants"]
    from effcompute.inference.report.robustness import robustness_section

    section = robustness_section(run)
    assert section is not None and len(section.blocks[0].rows) == 5


def test_check_robustness_refuses_a_trend_run_in_one_line(mocked, capsys, tmp_path):
    main(["fit", "--model", "trend", "--out", str(tmp_path), "--json", "--allow-unconverged"])
    run = json.loads(capsys.readouterr().out)["path"]
    assert main(["check", "robustness", run]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "evidence or joint" in err[0]
