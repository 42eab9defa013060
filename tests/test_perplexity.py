"""The perplexity data (bundled file, schema errors, importer, fitting sample) and the perplexity model's variants (no MCMC)."""

import csv
import io
import json
import shutil

import numpy as np
import pytest
from mock_sampling import mock_fit

import effcompute as ec
from effcompute.cli import main
from effcompute.data.load import bundled_data_dir, load_dataset
from effcompute.data.perplexity import (
    CORPORA,
    PERPLEXITY_FILE,
    fitting_sample,
    import_perplexity,
    load_perplexity,
    read_perplexity,
)
from effcompute.data.schema import DataValidationError
from effcompute.inference.runs import fit_workflow as run_module
from effcompute.models import build_model
from effcompute.models.config import ModelConfig
from effcompute.models.perplexity import CORPUS, HALVING, PPL_OBS, VARIANTS, PerplexityModel
from effcompute.models.registry import FITTED_MODELS, PERPLEXITY_VARIANTS, model_class


@pytest.fixture(scope="module")
def raw():
    return load_perplexity()


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def _edited(tmp_path, column, row, value, name=PERPLEXITY_FILE):
    """A copy of the bundled file with one cell changed (``row`` counts data rows from 0)."""
    text = (bundled_data_dir() / PERPLEXITY_FILE).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    rows[row + 1][rows[0].index(column)] = value
    path = tmp_path / name
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_bundled_file_reads_with_its_schema(raw):
    assert len(raw) == 408 and raw["Publication date"].min() == "2012-06-27"
    assert set(CORPORA.values()) <= set(raw.columns)
    assert raw.columns[0] == "System", "the byte-order mark must not reach the header"


def test_fitting_sample_follows_the_documented_rule(raw):
    rows, excluded = fitting_sample(raw, "paper")
    assert len(rows) == 284 and rows.label.is_unique
    assert (rows.groupby("reference").size() <= 3).all()
    assert np.allclose(rows.log_ppl, np.log(rows.ppl)) and (rows.ppl > 1).all()
    assert len(rows) + len(excluded) == sum(int((raw[c].fillna(0) > 0).sum()) for c in CORPORA.values())
    code_rows, _ = fitting_sample(raw, "code")
    assert len(code_rows) == 301
    with pytest.raises(ValueError, match="exclusions"):
        fitting_sample(raw, "none")


@pytest.mark.parametrize("column,value,problem", [
    ("Parameters", "-5", "is negative"),
    ("Perplexity (PTB)", "0.5", "is not a perplexity"),
    ("Publication date", "2019/01/01", "is not a YYYY-MM-DD date"),
    ("uncertain", "2", "is not 0 or 1"),
])
def test_schema_errors_name_file_column_and_value(tmp_path, column, value, problem):
    path = _edited(tmp_path, column, 4, value)
    with pytest.raises(DataValidationError) as err:
        read_perplexity(path)
    text = str(err.value)
    assert PERPLEXITY_FILE in text and column in text and value in text and problem in text and "line 6" in text


def test_a_missing_column_is_named(tmp_path):
    src = (bundled_data_dir() / PERPLEXITY_FILE).read_text(encoding="utf-8-sig")
    path = tmp_path / PERPLEXITY_FILE
    path.write_text(src.replace("Dataset Size,Dataset(s)", "Dataset Sz,Dataset(s)", 1), encoding="utf-8")
    with pytest.raises(DataValidationError, match="'Dataset Size': column is missing"):
        read_perplexity(path)


def test_importer_copies_a_checked_download_and_refuses_a_broken_one(tmp_path):
    dest = tmp_path / "data"
    dest.mkdir()
    shutil.copy(bundled_data_dir() / PERPLEXITY_FILE, dest / PERPLEXITY_FILE)
    newer = _edited(tmp_path, "System", 0, "A new system")
    out = import_perplexity(newer, dest)
    assert out["rows"] == 408 and out["new_systems"] == ["A new system"] and len(out["dropped_systems"]) == 1
    assert (dest / PERPLEXITY_FILE).read_bytes() == newer.read_bytes()
    broken = _edited(tmp_path, "Parameters", 0, "-1", name="broken.csv")
    with pytest.raises(DataValidationError):
        import_perplexity(broken, dest)
    assert (dest / PERPLEXITY_FILE).read_bytes() == newer.read_bytes(), "a failed import writes nothing"


def test_registry_and_config():
    assert model_class("perplexity") is PerplexityModel and "perplexity" in FITTED_MODELS
    assert tuple(VARIANTS) == PERPLEXITY_VARIANTS
    c = ModelConfig(model="perplexity", perplexity_variant="neutral")
    assert ModelConfig.from_json(c.to_json()) == c
    with pytest.raises(ValueError, match="perplexity_variant"):
        ModelConfig(model="perplexity", perplexity_variant="model99")


@pytest.mark.parametrize("variant", PERPLEXITY_VARIANTS)
def test_each_variant_builds_from_the_bundled_data(ds, variant):
    m = build_model(ds, ModelConfig(model="perplexity", perplexity_variant=variant))
    named = set(m.model.named_vars)
    assert {q.variable for q in m.headline_quantities()} <= named and HALVING in named
    assert set(m.nuisance) <= named and bool(m.nuisance) == (variant == "per_corpus")
    (obs,) = m.observations()
    assert obs.kind and obs.natural == "exp" and len(obs.labels) == len(m.coords()[PPL_OBS]) == 284
    assert list(m.coords()[CORPUS]) == ["WT103", "WT2", "PTB"]
    assert np.isfinite(list(m.model.point_logps().values())).all()
    per_corpus = [q for q in m.headline_quantities() if q.select]
    assert len(per_corpus) == (3 if variant == "per_corpus" else 0)


def test_halving_time_is_the_closed_form_of_the_rates(ds):
    m = build_model(ds, ModelConfig(model="perplexity"))
    idata, _ = mock_fit(m.model, draws=20)
    p = idata.posterior
    expected = 12 * np.log(2) / (p.alpha_year / p.alpha_param + p.beta_year / p.beta_data)
    assert np.allclose(p[HALVING], expected)


def test_fit_command_runs_the_perplexity_model(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, seed=kw.get("seed", 1)))
    main(["fit", "--model", "perplexity", "--variant", "per_corpus", "--out", str(tmp_path), "--json", "--allow-unconverged"])
    r = json.loads(capsys.readouterr().out)
    assert {"median", "lo80", "hi80", "lo95", "hi95"} <= set(r["headline"][HALVING])
    rows, _ = fitting_sample(load_perplexity(), "paper")
    assert f"{HALVING}_PTB" in r["headline"] and r["as_of"] == max(rows.date)  # the data's end, not a GPT-3 comparison date
    assert list(tmp_path.glob("perplexity_per_corpus_seed1*.nc"))


def test_the_report_of_a_perplexity_run_sets_it_beside_the_three_published_versions(monkeypatch, capsys, tmp_path):
    from effcompute.literature import HO_ET_AL_2024_VERSIONS

    monkeypatch.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, seed=kw.get("seed", 1), predictive=True))
    result = run_module.run_fit("perplexity", out_dir=tmp_path / "runs", seed=2)
    assert main(["report", result["path"], "--out", str(tmp_path / "report")]) == 0
    md = (tmp_path / "report" / "report.md").read_text()
    section = md.split("## Loss-matched progress (perplexity re-analysis)")[1].split("\n## ")[0]
    assert all(f"Ho et al. 2024, {v['label']}" in section for v in HO_ET_AL_2024_VERSIONS)
    assert "figures/loss_matched_halving.png" in section and "figures/perplexity_fit.png" in section
    assert "GPT-3's training (2020-05)" not in md and "## Figures" not in md
    assert (tmp_path / "report" / "figures" / "perplexity_fit.png").stat().st_size > 10_000
    run = ec.load_run(result["path"])
    assert all(run.plot(name).axes for name in ("perplexity_fit", "loss_matched_halving", "halving_time"))
    capsys.readouterr()
    assert main(["summary", result["path"]]) == 0
    text = capsys.readouterr().out
    assert "perplexities published to" in text and "NeurIPS 2024 version (about, 90% CI): 8 [2, 22]" in text and "seed 002" not in text
