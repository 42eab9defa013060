"""The command line: JSON contracts, readable output and clear errors."""

import json
import subprocess
import sys

import pytest

from effcompute.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_seed_json_has_the_interface_keys(capsys):
    code, out, _ = run(capsys, "seed", "--reading", "table", "--draws", "20000", "--seed", "1", "--json")
    assert code == 0
    r = json.loads(out)
    for k in ("hardware_reduction", "compute_reduction", "algorithmic_reduction"):
        assert {"median", "lo80", "hi80", "p_gt_1000", "per_year"} <= set(r[k])
    assert set(r["factors"]) == {"transformer_pp", "moe", "unpublished", "chinchilla", "data_quality", "hardware_efficiency"}
    assert all("median" in f for f in r["factors"].values())


def test_seed_human_output_sets_ours_beside_the_seeds(capsys):
    code, out, _ = run(capsys, "seed", "--draws", "20000", "--as-of", "2024-06-01")
    assert code == 0
    assert "414x" in out and "170x" in out and "27%" in out and "Why they differ" in out


def test_growth_seed_table_json(capsys):
    code, out, _ = run(capsys, "growth", "--seed-table", "--json")
    r = json.loads(out)
    assert r["tables"][0]["mismatches"] == [] and len(r["tables"][1]["mismatches"]) == 4


def test_data_check_passes_on_bundled_data(capsys):
    code, out, _ = run(capsys, "data", "check")
    assert code == 0 and out.startswith("ok:")


def test_data_check_fails_with_located_errors(capsys, data_copy):
    text = (data_copy / "mfu.csv").read_text().replace(",0.462,", ",46.2,", 1)
    (data_copy / "mfu.csv").write_text(text)
    code, _, err = run(capsys, "data", "check", "--data", str(data_copy))
    assert code == 1 and "mfu.csv line" in err and "46.2" in err


def test_data_show_prints_a_table(capsys):
    code, out, _ = run(capsys, "data", "show", "hardware")
    assert code == 0 and "H100-SXM" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["seed", "--draws", "0"], "must be at least 1"),
        (["seed", "--as-of", "May 2024"], "not a date"),
        (["seed", "--reading", "median"], "invalid choice"),
    ],
)
def test_bad_arguments_are_named(capsys, argv, message):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_json_mode_prints_only_json_on_stdout():
    proc = subprocess.run([sys.executable, "-m", "effcompute.cli", "seed", "--draws", "1000", "--json"], capture_output=True, text=True, check=True)
    json.loads(proc.stdout)


@pytest.mark.slow
def test_a_million_draws_end_to_end():
    proc = subprocess.run([sys.executable, "-m", "effcompute.cli", "seed", "--draws", "1000000", "--seed", "1", "--json"], capture_output=True, text=True, check=True)
    r = json.loads(proc.stdout)
    assert r["draws"] == 1_000_000
    assert r["hardware_reduction"]["median"] == pytest.approx(524, rel=0.01)
