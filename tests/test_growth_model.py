"""The growth model: its Epoch subset, the model graph, ``growth --predict``, ``threshold`` (mocked fits) and seed 003's table."""

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytensor.tensor as pt
import pytest
from mock_sampling import mock_fit

from effcompute.cli import main
from effcompute.data import growth_data as gd
from effcompute.inference.runs import fit_workflow as run_module
from effcompute.models import build_model
from effcompute.models.config import ModelConfig
from effcompute.models.growth import compare_with_seed_tables
from effcompute.models.growth_model import ERAS, GrowthModel, T0, soft_piecewise

SUMMARY_KEYS = {"median", "lo80", "hi80", "lo95", "hi95"}


@pytest.fixture(scope="module")
def growth_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("growth")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, draws=50, seed=kw.get("seed", 1)))
        result = run_module.run_fit("growth", dataset=gd.load_growth_data(), out_dir=tmp, seed=3)
    return result["path"]


@pytest.fixture
def growth_copy(tmp_path):
    dest = tmp_path / "growth"
    shutil.copytree(gd.bundled_growth_dir(), dest)
    return dest


def test_bundled_subset_follows_its_rule():
    t = gd.load_growth_data()
    assert t.frontier.publication_date.min() >= pd.Timestamp(gd.DATA_START)
    assert t.frontier.publication_date.max() <= pd.Timestamp(gd.DATA_END)
    assert t.hardware.release_date.max() <= pd.Timestamp(gd.DATA_END)
    assert (t.frontier.training_compute_flop > 0).all() and (t.hardware.release_price_usd > 0).all()
    assert t.counts()["frontier_models"] > 50 and 0 < t.counts()["frontier_with_cost"] <= t.counts()["frontier_models"]
    assert len(t.data_hash()) == 64


def test_curated_dataset_does_not_see_the_growth_tables():
    from effcompute.data.load import load_dataset

    assert set(load_dataset().frames) == {"hardware", "releases", "scores", "mfu", "matched_pairs", "costs"}


def test_schema_errors_name_file_row_and_column(growth_copy):
    path = growth_copy / gd.FRONTIER_FILE
    df = pd.read_csv(path, dtype=str)
    df.loc[0, "publication_date"] = "June 2012"
    df.loc[1, "training_compute_flop"] = "-5"
    df.loc[3] = df.loc[2]
    df.to_csv(path, index=False)
    with pytest.raises(gd.GrowthDataError) as err:
        gd.load_growth_data(growth_copy)
    text = str(err.value)
    assert "row 2: publication_date 'June 2012'" in text and "row 3: training_compute_flop '-5'" in text and "duplicate key" in text
    pd.read_csv(growth_copy / gd.HARDWARE_FILE).drop(columns="type").to_csv(growth_copy / gd.HARDWARE_FILE, index=False)
    with pytest.raises(gd.GrowthDataError, match="columns"):
        gd.load_growth_data(growth_copy)


def test_importer_keeps_frontier_rows_in_the_window(tmp_path):
    base = {c: "" for c in gd.FRONTIER_COLUMNS}
    rows = [
        {**base, "Model": "A", "Publication date": "2020-01-01", "Training compute (FLOP)": "1e23", "Link": "https://a.org/x, https://b.org"},
        {**base, "Model": "B", "Publication date": "2020-01-01", "Training compute (FLOP)": "1e23"},  # not flagged
        {**base, "Model": "C", "Publication date": "2025-06-01", "Training compute (FLOP)": "1e26"},  # after the end
        {**base, "Model": "D", "Publication date": "2021-01-01"},  # no compute
    ]
    raw = pd.DataFrame(rows).assign(**{"Frontier model": ["True", "", "True", "True"]})
    raw.to_csv(tmp_path / "models.csv", index=False)
    hw = pd.DataFrame([{c: v for c, v in zip(gd.HARDWARE_COLUMNS, ["G1", "V", "GPU", "2020-05-14", "15000", "1.9e13", ""])},
                       {c: v for c, v in zip(gd.HARDWARE_COLUMNS, ["G2", "V", "GPU", "2020-05-14", "", "1.9e13", ""])}])
    hw.to_csv(tmp_path / "hw.csv", index=False)
    counts = gd.import_growth_subset(tmp_path / "models.csv", tmp_path / "hw.csv", tmp_path / "out")
    assert counts == {gd.FRONTIER_FILE: {"read": 4, "kept": 1}, gd.HARDWARE_FILE: {"read": 2, "kept": 1}}
    t = gd.load_growth_data(tmp_path / "out")
    assert list(t.frontier.model) == ["A"] and t.frontier.source_url[0] == "https://a.org/x"


def test_growth_data_command_writes_both_tables(tmp_path, capsys):
    fixtures = Path(__file__).parent / "fixtures"
    code = main(["growth-data", str(fixtures / "epoch_models_small.csv"), str(fixtures / "ml_hardware_small.csv"), "--out", str(tmp_path)])
    assert code == 0 and "hardware_prices.csv" in capsys.readouterr().out
    assert {p.name for p in tmp_path.iterdir()} == {gd.FRONTIER_FILE, gd.HARDWARE_FILE}


def test_importer_reproduces_the_bundled_subset_from_the_reference_copy(reference_dir, tmp_path):
    gd.import_growth_subset(reference_dir / "all_ai_models_until_2025-03-31.csv", reference_dir / "ml_hardware.csv", tmp_path)
    for name in (gd.FRONTIER_FILE, gd.HARDWARE_FILE):
        assert (tmp_path / name).read_bytes() == (gd.bundled_growth_dir() / name).read_bytes()


def test_soft_piecewise_has_its_level_at_t0_and_its_era_slopes_away_from_the_corners():
    args = dict(level=2.0, r1=0.5, r2=0.1, r3=0.3, b1=2018.0, b2=2026.0, w=0.5)
    assert soft_piecewise(T0, **args) == pytest.approx(2.0)
    slope = lambda t: (soft_piecewise(t + 0.01, **args) - soft_piecewise(t, **args)) / 0.01  # noqa: E731
    assert slope(2012.0) == pytest.approx(0.5, abs=1e-3) and slope(2022.0) == pytest.approx(0.1, abs=1e-3) and slope(2033.0) == pytest.approx(0.3, abs=1e-3)
    t = np.array([2012.0, 2019.5, 2030.0])
    assert soft_piecewise(pt.as_tensor(t), **args, xp=pt).eval() == pytest.approx(soft_piecewise(t, **args))


def test_model_builds_with_roles_and_labelled_observations():
    m = build_model(None, ModelConfig(model="growth"))
    assert isinstance(m, GrowthModel)
    named = set(m.model.named_vars)
    assert {q.variable for q in m.headline_quantities()} <= named
    assert m.coords()["growth_era"] == list(ERAS)
    for obs in m.observations():
        assert obs.kind and len(obs.labels) == len(m.coords()[obs.dim])
    keys = {q.headline_key for q in m.headline_quantities()}
    assert {"compute_x_per_year_2018_2025", "spend_x_per_year_2018_2025", "hardware_x_per_year_2018_2025", "effective_x_per_year_2026",
            "efficiency_over_resources_x_per_year"} <= keys


def test_as_of_leaves_later_rows_out_and_unknown_settings_are_refused():
    full = build_model(None, ModelConfig(model="growth"))
    cut = build_model(None, ModelConfig(model="growth", as_of="2024-03-31"))
    assert len(cut.coords()["frontier_model"]) < len(full.coords()["frontier_model"])
    assert all("after as_of" in why for _, _, why in cut.excluded)
    with pytest.raises(ValueError, match="unknown growth setting"):
        build_model(None, ModelConfig(model="growth", growth={"eras": 4}))


def test_a_growth_run_records_and_rebuilds_on_the_growth_tables(growth_run, tmp_path, monkeypatch):
    from effcompute.inference.runs.files import load_run, rebuild_model

    _, _, attrs = load_run(growth_run)
    assert attrs["data_hash"] == gd.load_growth_data().data_hash()
    assert isinstance(rebuild_model(growth_run), GrowthModel)
    monkeypatch.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, draws=20))
    fitted = run_module.run_fit("growth", out_dir=tmp_path, seed=1)  # `effcompute fit --model growth`
    assert load_run(fitted["path"])[2]["data_hash"] == attrs["data_hash"]


def test_growth_predict_json_shape(growth_run, capsys):
    code = main(["growth", "--run", str(growth_run), "--predict", "2025-01-01", "2030-06-30", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["predictions"]
    assert [p["date"] for p in out["predictions"]] == ["2025-01-01", "2030-06-30"]
    for p in out["predictions"]:
        assert set(p) == {"date", "log10_flop"} and set(p["log10_flop"]) == SUMMARY_KEYS
        s = p["log10_flop"]
        assert s["lo95"] <= s["lo80"] <= s["median"] <= s["hi80"] <= s["hi95"]


def test_growth_predict_text_says_what_frontier_means(growth_run, capsys):
    assert main(["growth", "--run", str(growth_run), "--predict", "2026-01-01"]) == 0
    assert "Frontier model" in capsys.readouterr().out


def test_threshold_json_states_its_efficiency_source(growth_run, capsys):
    code = main(["threshold", "1e25", "--set", "2024-08-01", "--at", "2027-08-01", "--run", str(growth_run), "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert {"threshold_flop", "set", "at", "efficiency_source", "log10_flop", "flop", "efficiency_gain_x"} <= set(out)
    assert set(out["log10_flop"]) == SUMMARY_KEYS and "algorithmic" in out["efficiency_source"]
    assert out["log10_flop"]["median"] == pytest.approx(25 - np.log10(out["efficiency_gain_x"]["median"]), abs=0.05)


def test_threshold_refuses_a_non_growth_run_and_bad_flop(growth_run, tmp_path, capsys, monkeypatch):
    assert main(["threshold", "-1", "--set", "2024-01-01", "--at", "2025-01-01", "--run", str(growth_run)]) == 2
    monkeypatch.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, draws=20))
    trend = run_module.run_fit("trend", out_dir=tmp_path, seed=1)["path"]
    assert main(["threshold", "1e25", "--set", "2024-01-01", "--at", "2025-01-01", "--run", trend]) == 2
    assert "not a growth run" in capsys.readouterr().err


def test_algorithmic_prior_can_come_from_a_trend_run(growth_run, tmp_path, monkeypatch):
    from effcompute.inference.summary.growth_forecast import algorithmic_prior_from_run

    monkeypatch.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, draws=20))
    trend = run_module.run_fit("trend", out_dir=tmp_path, seed=1)["path"]
    growth = algorithmic_prior_from_run(trend)
    assert growth["algorithms_rate_sd"][2] == pytest.approx(2 * growth["algorithms_rate_sd"][1]) and "trend run" in growth["algorithms_source"]
    m = build_model(None, ModelConfig(model="growth", growth=growth))
    assert m.settings["algorithms_rate"][1] == growth["algorithms_rate"][1] and "trend run" in m.notes()[0]
    with pytest.raises(ValueError, match="no top-down efficiency rate"):
        algorithmic_prior_from_run(growth_run)


def test_growth_without_flags_fits_and_prints_the_decomposition(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, draws=30))
    main(["growth", "--out", str(tmp_path), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert set(out["decomposition"]) == {"algorithms", "hardware", "realisation", "spend", "compute", "effective"}
    assert {p["source"] for p in out["published"]} == {"sevilla_roldan_2024", "cottier_et_al_2024", "hobbhahn_besiroglu_2022"}
    assert [p["date"] for p in out["projections"]] == ["2030-01-01", "2035-01-01"]
    assert main(["growth", "--out", str(tmp_path), "--allow-unconverged"]) == 0
    assert "Published rates beside our 2018-2025 era" in capsys.readouterr().out


def test_growth_split_scores_every_later_frontier_model(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, draws=30))
    main(["growth-split", "--cutoff", "2024-03-31", "--out", str(tmp_path), "--json"])
    out = json.loads(capsys.readouterr().out)
    later = gd.load_growth_data().frontier.publication_date > pd.Timestamp("2024-03-31")
    assert out["n"] == int(later.sum()) == len(out["rows"]) and 0 <= out["coverage80"] <= out["coverage95"] <= 1
    assert {"model", "date", "observed", "median", "lo80", "hi80", "inside80"} <= set(out["rows"][0])


def test_seed_table_unchanged(capsys):
    assert main(["growth", "--seed-table", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == json.loads(json.dumps({"calendar": "seed", "tables": compare_with_seed_tables("seed")}))
    assert out["tables"][0]["mismatches"] == []
    assert main(["growth", "--seed-table"]) == 0
    assert "every cell reproduced" in capsys.readouterr().out

