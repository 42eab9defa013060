"""The same command with the same seed, twice in one process, gives byte-identical exports."""

import pytest

from effcompute.cli import main


def _fit_and_export(tmp_path, name: str) -> tuple[bytes, bytes]:
    out = tmp_path / name
    assert main(["--quiet", "fit", "--model", "trend_v1", "--draws", "200", "--tune", "200", "--chains", "2", "--seed", "3",
                 "--out", str(out), "--allow-unconverged", "--json"]) == 0
    (run,) = out.glob("*.nc")
    assert main(["export", str(run), "--format", "json", "--out", str(out / "headline.json"), "--draws", str(out / "draws.csv")]) == 0
    return (out / "headline.json").read_bytes(), (out / "draws.csv").read_bytes()


@pytest.mark.slow
def test_two_same_seed_fits_give_byte_identical_exports(tmp_path, capsys):
    first, second = _fit_and_export(tmp_path, "a"), _fit_and_export(tmp_path, "b")
    assert first[0] == second[0], "export --format json differs between two same-seed fits"
    assert first[1] == second[1], "export --draws differs between two same-seed fits"
    assert b'"seed": 3' in first[0] and str(tmp_path).encode() not in first[0]
