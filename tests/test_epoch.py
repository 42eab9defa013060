from pathlib import Path

import pandas as pd
import pytest

from effcompute.data.epoch import (
    HARDWARE_NAME_MAP,
    RELEASE_ALIASES,
    crosscheck,
    import_epoch_hardware,
    import_epoch_models,
    map_epoch_hardware,
    match_epoch_models,
    reference_dir,
)
from effcompute.data.load import load_dataset
from effcompute.data.schema import SCHEMAS, check_table

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MODELS = FIXTURES / "epoch_models_small.csv"
HARDWARE = FIXTURES / "ml_hardware_small.csv"
OUR_KEYS = {"V100", "A100-40GB", "A100-80GB", "A800", "H100-SXM", "H100-PCIe", "H800", "H200", "B200", "GB200",
            "TPUv2", "TPUv3", "TPUv4", "TPUv5e", "TPUv5p", "TPUv6e", "MI250X", "MI300X", "Gaudi2"}


def real_file(name: str) -> Path:
    path = reference_dir() / name
    if not path.is_file():
        pytest.skip(f"Epoch reference file {path} not present")
    return path


def real_models() -> Path:
    folder = reference_dir()
    found = sorted(folder.glob("all_ai_models*.csv")) + sorted(folder.glob("notable_ai_models*.csv")) if folder.is_dir() else []
    if not found:
        pytest.skip(f"no Epoch models file in {folder}")
    return found[0]


@pytest.fixture(scope="module")
def small():
    return import_epoch_models(MODELS)


def by_name(result):
    return result.releases.set_index("name")


def test_hardware_map_targets_only_our_keys():
    assert set(HARDWARE_NAME_MAP.values()) == OUR_KEYS


@pytest.mark.parametrize(
    "cell, key",
    [
        ("NVIDIA A100 SXM4 80 GB", "A100-80GB"),
        ("Google TPU v4", "TPUv4"),
        ("NVIDIA H100 SXM5 80GB", "H100-SXM"),
        ("NVIDIA V100,NVIDIA Tesla V100 DGXS 32 GB", "V100"),
        ("NVIDIA A100", None),
        ("Google TPU v3,Google TPU v4", None),
        ("Huawei Ascend 910", None),
        (None, None),
    ],
)
def test_map_epoch_hardware(cell, key):
    assert map_epoch_hardware(cell)[0] == key


def test_ambiguous_hardware_says_why():
    assert "ambiguous" in map_epoch_hardware("NVIDIA A100")[1]
    assert "several chips" in map_epoch_hardware("Google TPU v3,Google TPU v4")[1]


def test_models_kept_rows_and_mapping(small):
    rel = by_name(small)
    assert set(rel.index) == {"GPT-3 175B (davinci)", "Chinchilla", "LLaMA-65B", "PanGu-Sigma", "Llama 3.1-405B"}
    gpt3 = rel.loc["GPT-3 175B (davinci)"]
    assert gpt3["hardware"] == "V100"
    assert gpt3["train_flop"] == pytest.approx(3.14e23)
    assert gpt3["params_active"] == gpt3["params_total"]
    assert gpt3["train_days"] == pytest.approx(14.8)
    assert gpt3["flop_basis"] == "third_party_estimate"
    assert gpt3["cost_basis"] == "estimate_amortized"
    assert gpt3["source"] == "Estimate by Epoch AI: Language Models are Few-Shot Learners"
    assert gpt3["source_location"] == "Epoch AI models database, row 'GPT-3 175B (davinci)'"
    assert gpt3["notes"].startswith("Epoch confidence: Confident")
    assert pd.isna(gpt3["context_length"])
    assert rel.loc["Llama 3.1-405B", "hardware"] == "H100-SXM"
    assert rel.loc["Llama 3.1-405B", "precision"] == "bf16"
    assert rel.loc["LLaMA-65B", "source_url"] == "https://arxiv.org/abs/2302.13971"
    for name in ("Chinchilla", "LLaMA-65B", "PanGu-Sigma"):
        assert pd.isna(rel.loc[name, "hardware"])
        assert "Epoch hardware not mapped" in rel.loc[name, "notes"]
    assert pd.isna(rel.loc["Chinchilla", "cost_basis"])


def test_models_result_passes_our_schema(small):
    df, issues = check_table("releases", small.releases)
    assert issues == []
    assert list(small.releases.columns) == list(SCHEMAS["releases"].columns)


def test_models_dropped_reasons(small):
    dropped = small.dropped.set_index("epoch_model")
    assert list(small.dropped.columns[:2]) == ["epoch_model", "category"]
    assert dropped.loc["AlphaFold 2", "category"] == "not in domain"
    assert dropped.loc["Grok-0", "category"] == "no Training compute"
    assert dropped.loc["Mystery LM", "category"] == "no http URL"
    assert dropped.loc["Old LM", "category"] == "fails our schema"
    assert "release_date" in dropped.loc["Old LM", "reason"]
    assert small.counts == {"read": 9, "kept": 5, "dropped": 4, "dropped_by": {"not in domain": 1, "no Training compute": 1, "no http URL": 1, "fails our schema": 1}}
    assert any("params_active" in n for n in small.notes)


def test_models_since_filter():
    result = import_epoch_models(MODELS, since="2023-01-01")
    assert set(result.releases["name"]) == {"LLaMA-65B", "PanGu-Sigma", "Llama 3.1-405B"}
    before = set(result.dropped.loc[result.dropped["category"] == "before since", "epoch_model"])
    assert before == {"GPT-3 175B (davinci)", "Chinchilla", "Old LM"}


def test_models_domain_none_keeps_other_domains():
    result = import_epoch_models(MODELS, domain=None)
    assert "AlphaFold 2" in set(result.releases["name"])


def test_hardware_import():
    result = import_epoch_hardware(HARDWARE)
    hw = result.hardware.set_index("hardware")
    assert result.releases is None
    assert set(hw.index) == {"H100-SXM", "V100", "TPUv4"}
    assert hw.loc["V100", "source_location"] == "Epoch AI ML hardware database, row 'NVIDIA Tesla V100 SXM2 32 GB'"
    assert hw.loc["H100-SXM", "peak_bf16_flops"] == pytest.approx(9.894e14)
    assert hw.loc["H100-SXM", "memory_gb"] == pytest.approx(80)
    assert hw.loc["H100-SXM", "launch_price_usd"] == pytest.approx(33600)
    assert hw.loc["H100-SXM", "source"] == "Estimate by Epoch AI: ML hardware database"
    assert check_table("hardware", result.hardware)[1] == []
    dropped = result.dropped.set_index("epoch_hardware")["category"].to_dict()
    assert dropped == {"Huawei Ascend 910": "no hardware key", "NVIDIA Tesla V100 DGXS 32 GB": "duplicate key", "Intel Habana Gaudi2": "fails our schema"}


def test_match_epoch_models_alias_exact_normalized():
    got = match_epoch_models(["GPT-3 175B", "Llama-3.1-405B", "Gopher 280B", "Nope"], ["GPT-3 175B (davinci)", "Llama 3.1-405B", "Gopher (280B)"])
    assert got == {"GPT-3 175B": "GPT-3 175B (davinci)", "Llama-3.1-405B": "Llama 3.1-405B", "Gopher 280B": "Gopher (280B)"}


def test_crosscheck_on_fixture():
    ours = pd.DataFrame(
        {
            "name": ["GPT-3 175B", "Llama-3.1-405B"],
            "params_total": [175e9, 405e9],
            "train_tokens": [300e9, 15.6e12],
            "train_flop": [3.14e23, 3.8e25],
            "n_chips": [10_000, 16_384],
            "gpu_hours": [None, 30.84e6],
            "mfu": [0.2, 0.38],
            "cost_usd": [None, None],
            "source": ["Brown et al. 2020", "Llama Team 2024"],
            "notes": ["Epoch lists 238e9 tokens", "MFU from Table 4"],
        }
    )
    diffs = crosscheck({"releases": ours}, MODELS)
    assert set(zip(diffs["release"], diffs["field"])) == {("GPT-3 175B", "train_tokens")}
    row = diffs.iloc[0]
    assert row["rel_diff"] == pytest.approx(238 / 300 - 1)
    assert row["explained"]
    assert diffs.attrs["unmatched"] == []


def test_real_models_import():
    result = import_epoch_models(real_models())
    assert result.counts["kept"] > 100 and result.counts["dropped"] > 0
    assert result.counts["kept"] + result.counts["dropped"] == result.counts["read"]
    assert check_table("releases", result.releases)[1] == []
    gpt3 = result.releases.set_index("name").loc["GPT-3 175B (davinci)"]
    assert gpt3["train_flop"] == pytest.approx(3.14e23, rel=0.01)
    assert gpt3["hardware"] == "V100"


def test_real_aliases_exist_in_epoch():
    models = set(pd.read_csv(real_models(), usecols=["Model"])["Model"])
    assert set(RELEASE_ALIASES.values()) <= models


def test_real_hardware_import():
    result = import_epoch_hardware(real_file("ml_hardware.csv"))
    assert set(result.hardware["hardware"]) == OUR_KEYS
    assert result.counts["dropped"] > 0


def test_real_crosscheck_on_bundled_data():
    diffs = crosscheck(load_dataset(), real_models())
    assert isinstance(diffs, pd.DataFrame)
    assert list(diffs.columns) == ["release", "epoch_model", "field", "ours", "epoch", "rel_diff", "our_source", "our_notes", "explained"]
    assert (diffs["rel_diff"].abs() > 0.10).all()


def test_crosscheck_differences_over_10_percent_are_all_explained(reference_dir):
    diffs = crosscheck(load_dataset(), reference_dir / "all_ai_models_until_2025-03-31.csv")
    unexplained = diffs[~diffs["explained"]]
    assert unexplained.empty, unexplained[["release", "field", "ours", "epoch"]].to_string()
