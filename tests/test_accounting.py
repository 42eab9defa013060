"""The seeds' own arithmetic, recomputed from the identities and the bundled hardware table."""

import pytest

from effcompute import accounting as acc
from effcompute.baseline import GPT3_MFU
from effcompute.data.load import load_table


@pytest.fixture(scope="module")
def peaks():
    hw = load_table("hardware").set_index("hardware")
    return hw


def test_gpt3_mfu_is_19_6_percent(peaks):
    v100 = peaks.loc["V100", "peak_bf16_flops"]
    mfu = acc.model_flops_utilization(3.14e23, 10_000, v100, 14.8)
    assert mfu == pytest.approx(0.1964, abs=5e-4)
    assert GPT3_MFU == pytest.approx(mfu)


def test_100k_h100_fp8_vs_20k_a100_bf16_is_31_7x_and_gpt4_takes_about_3_days(peaks):
    new = acc.Cluster(100_000, peaks.loc["H100-SXM", "peak_fp8_flops"])
    old = acc.Cluster(20_000, peaks.loc["A100-80GB", "peak_bf16_flops"])
    assert acc.capacity_ratio(new, old) == pytest.approx(31.7, abs=0.05)
    assert acc.days_on_new_cluster(90, new, old) == pytest.approx(2.84, abs=0.01)


def test_llama65b_amortized_cost_is_about_450k_plus_67k():
    hardware = acc.amortized_hardware_cost_usd(15_000, 2_048, 21, 0.25)
    energy = acc.energy_cost_usd(400_000, 0.168)
    assert hardware == pytest.approx(441_863, rel=1e-3)  # the seed rounds it to "$450,000"
    assert hardware == pytest.approx(450_000, rel=0.02)
    assert energy == pytest.approx(67_200, rel=1e-6)


def test_1264_h100_are_fp16_equivalent_to_10000_v100(peaks):
    n = acc.equivalent_chip_count(10_000, peaks.loc["V100", "peak_bf16_flops"], peaks.loc["H100-SXM", "peak_bf16_flops"])
    assert round(n) == 1_264
    hours = acc.chip_hours(n, 1.0)
    assert acc.fp16_equivalent_chip_hours(hours, peaks.loc["H100-SXM", "peak_bf16_flops"]) == pytest.approx(acc.chip_hours(10_000, 1.0))


def test_6nd_and_chip_time_identities_invert_each_other():
    flop = acc.train_flop_from_params_tokens(175e9, 300e9)
    assert flop == pytest.approx(3.15e23)
    seconds = acc.chip_seconds_for_flop(flop, 312e12, 0.5)
    days = seconds / acc.SECONDS_PER_DAY / 1_000
    assert acc.model_flops_utilization(flop, 1_000, 312e12, days) == pytest.approx(0.5)


def test_energy_is_chip_hours_times_tdp_times_pue():
    assert acc.energy_kwh(1_000, 400, pue=1.1) == pytest.approx(440.0)
    assert acc.cloud_cost_usd(1_000, 2.0) == 2_000.0
