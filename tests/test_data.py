"""The bundled tables pass their schema, meet the required counts, and bad input is named precisely."""

import csv

import pandas as pd
import pytest

from effcompute import dims
from effcompute.data.io import write_csv_atomic
from effcompute.data.load import (
    load_dataset,
    load_table,
    releases_to_xarray,
    scores_to_xarray,
    validate_data_dir,
)
from effcompute.data.schema import TABLES, DataValidationError


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def test_bundled_data_is_valid_and_meets_the_issue_counts(ds):
    c = ds.counts()
    assert c["releases"] >= 60 and c["mfu"] >= 30 and c["matched_pairs"] >= 20
    scores = ds["scores"]
    mmlu5 = scores[(scores.benchmark == "MMLU") & (scores.shots == 5)]
    assert mmlu5.release.nunique() >= 45
    assert scores.benchmark.nunique() >= 3


def test_small_releases_near_the_gpt3_target(ds):
    """Issue 12 item 6: at least 12 releases under 1e23 FLOP with a developer MMLU 5-shot base score of 32-56, up to 2025-04-29."""
    r, s = ds["releases"], ds["scores"]
    mmlu = s[(s.benchmark == "MMLU") & (s.shots == 5) & (s.evaluator == "developer") & (s.checkpoint == "base") & s.score.between(32, 56)]
    small = r[(r.train_flop < 1e23) & r.name.isin(mmlu.release) & (pd.to_datetime(r.release_date) >= "2023-06-01")]
    assert len(small) >= 12
    assert pd.to_datetime(r.release_date).max() <= pd.Timestamp("2025-04-29"), "the bundled data's cut-off"


def test_every_row_of_every_table_has_a_source(ds):
    for name in TABLES:
        df = ds[name]
        assert df["source"].notna().all() and df["source_url"].notna().all() and df["source_location"].notna().all(), name


def test_releases_cover_2019_to_2025_and_the_named_models(ds):
    r = ds["releases"]
    years = pd.to_datetime(r.release_date).dt.year
    assert years.min() == 2019 and years.max() == 2025
    for name in ["GPT-3 175B", "Chinchilla 70B", "PaLM 540B", "LLaMA-65B", "Llama-3.1-405B", "DeepSeek-V3", "Mixtral-8x7B", "GPT-4"]:
        assert name in set(r.name), name
    gpt4 = r.set_index("name").loc["GPT-4"]
    assert gpt4.flop_basis == "third_party_estimate" and gpt4.source.startswith("Estimate by")


def test_matched_pairs_cover_every_seed_technique(ds):
    assert {"transformer_pp", "moe", "chinchilla", "data_quality", "fp8"} <= set(ds["matched_pairs"].technique)


def _corrupt(folder, table, row, column, value):
    path = folder / f"{table}.csv"
    rows = list(csv.DictReader(path.open()))
    rows[row][column] = value
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


@pytest.mark.parametrize(
    "table, column, value, message",
    [
        ("releases", "mfu", "1.3", "less_than_or_equal_to(1)"),
        ("releases", "release_date", "2011-05-01", "YYYY-MM-DD date from 2012"),
        ("releases", "train_flop", "-5", "greater_than(0)"),
        ("releases", "params_active", "9e15", "exceeds params_total"),
        ("releases", "hardware", "H100", "not a known key of hardware.csv"),
        ("scores", "release", "GPT-5 base", "not a known key of releases.csv"),
        ("scores", "score", "143", "less_than_or_equal_to(100)"),
        ("mfu", "n_chips", "10.5", "not a whole number"),
        ("matched_pairs", "technique", "magic", "isin"),
        ("costs", "source_url", "see paper", "not an http(s) URL"),
    ],
)
def test_a_bad_cell_is_reported_with_file_line_column_and_value(data_copy, table, column, value, message):
    _corrupt(data_copy, table, 3, column, value)
    _, issues = validate_data_dir(data_copy)
    assert issues, "corruption was not detected"
    text = "\n".join(str(i) for i in issues)
    assert f"{table}.csv line 5 column {column!r}: value {value!r}" in text or f"value {float(value)!r}" in text
    assert message in text


def test_load_dataset_raises_with_every_issue(data_copy):
    _corrupt(data_copy, "releases", 0, "mfu", "2")
    _corrupt(data_copy, "releases", 1, "org", "")
    with pytest.raises(DataValidationError) as err:
        load_dataset(data_copy)
    assert len(err.value.issues) == 2


def test_a_missing_column_is_named(data_copy):
    df = pd.read_csv(data_copy / "mfu.csv").drop(columns=["hfu"])
    df.to_csv(data_copy / "mfu.csv", index=False)
    _, issues = validate_data_dir(data_copy)
    assert any(i.column == "hfu" and "missing" in i.problem for i in issues)


def test_duplicate_release_name_is_rejected(data_copy):
    df = pd.read_csv(data_copy / "releases.csv", dtype=str)
    pd.concat([df, df.iloc[[0]]]).to_csv(data_copy / "releases.csv", index=False)
    _, issues = validate_data_dir(data_copy)
    assert any("duplicate release name" in i.problem for i in issues)


def test_distillation_and_checkpoint_columns(ds):
    r = ds["releases"].set_index("name")
    assert (r.distilled_from.isna() == r.distillation_kind.isna()).all()
    assert r.loc["Gemma-2-9B", "distillation_kind"] == "logit_distillation"
    assert r.loc["Llama-3.2-1B", "distillation_kind"] == "pruning_and_distillation"
    assert pd.isna(r.loc["GPT-3 175B", "distilled_from"])
    assert ds["scores"].checkpoint.notna().all(), "every bundled score states its checkpoint"


@pytest.mark.parametrize("column, value, message", [("distillation_kind", "", "must be given exactly when distilled_from is"), ("distilled_from", "", "must be given exactly when distilled_from is")])
def test_distillation_columns_come_in_pairs(data_copy, column, value, message):
    df = pd.read_csv(data_copy / "releases.csv", dtype=str, keep_default_na=False)
    i = df.index[df.name == "Gemma-2-9B"][0]
    df.loc[i, column] = value
    df.to_csv(data_copy / "releases.csv", index=False)
    _, issues = validate_data_dir(data_copy)
    assert any(message in i.problem for i in issues)


def test_a_bad_checkpoint_is_rejected(data_copy):
    _corrupt(data_copy, "scores", 3, "checkpoint", "instruct")
    _, issues = validate_data_dir(data_copy)
    assert any(i.column == "checkpoint" for i in issues)


def test_six_nd_rows_obey_the_identity(data_copy):
    df = pd.read_csv(data_copy / "releases.csv", dtype=str)
    i = df.index[df.flop_basis == "6ND"][0]
    df.loc[i, "train_flop"] = str(float(df.loc[i, "train_flop"]) * 2)
    df.to_csv(data_copy / "releases.csv", index=False)
    _, issues = validate_data_dir(data_copy)
    assert any("6 x params_active x train_tokens" in i.problem for i in issues)


def test_loaders_give_xarray_with_the_shared_dim_names(ds):
    rel = releases_to_xarray(ds["releases"])
    assert rel.sizes[dims.RELEASE] == len(ds["releases"])
    assert str(rel.release_date.dtype).startswith("datetime64")
    sc = scores_to_xarray(ds["scores"])
    assert set(sc.coords) >= {dims.RELEASE, dims.BENCHMARK}


def test_unknown_table_and_missing_folder_are_named(tmp_path):
    with pytest.raises(ValueError, match="table='widgets'"):
        load_table("widgets")
    with pytest.raises(FileNotFoundError, match="nowhere"):
        load_table("releases", tmp_path / "nowhere")


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a\n1\n")

    class Boom(pd.DataFrame):
        def to_csv(self, *a, **k):
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_csv_atomic(Boom({"a": [2]}), path)
    assert path.read_text() == "a\n1\n"
    write_csv_atomic(pd.DataFrame({"a": [3]}), path)
    assert path.read_text() == "a\n3\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]
