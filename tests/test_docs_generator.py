"""python -m effcompute.docs: README's and docs/results.md's answer come from saved runs, and a fresh quick start matches."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from effcompute import docs

ROOT = Path(__file__).resolve().parents[1]


def _answer_cells(readme: str) -> dict[str, list[str]]:
    block = re.search(r"<!-- effcompute.docs:answer -->\n(.*?)<!-- /effcompute.docs:answer -->", readme, re.S).group(1)
    rows = [line.strip("|").split("|") for line in block.splitlines() if line.startswith("| ") and "---" not in line]
    return {cells[0].strip(): [c.strip().strip("*") for c in cells[1:]] for cells in rows}


def test_numbers_are_quoted_as_the_documents_quote_them():
    assert docs.quote_row({"median": 56.27, "lo80": 32.1, "hi80": 108.2}) == "56x (32-108)"
    assert docs.quote_row({"median": 1.2113, "lo80": 0.631, "hi80": 2.5568}) == "1.21x (0.631-2.56)"
    assert docs.quote_row({"median": 8.509, "lo80": 6.46, "hi80": 11.70}, "months") == "8.5 months (6.5-11.7)"
    assert docs.quote_row({"median": 21.7466, "lo80": 21.4626, "hi80": 21.9904}, "log10") == "10^21.75 (21.46-21.99)"
    assert docs.quote(1071.4) == "1,071" and docs.quote(6.0) == "6.00" and docs.quote(float("nan")) == "-"


def test_a_block_is_replaced_between_its_markers_and_only_there():
    text = "a\n<!-- effcompute.docs:answer -->\nold\n<!-- /effcompute.docs:answer -->\nb\n"
    assert docs.replace_block(text, "answer", "new", "README.md") == "a\n<!-- effcompute.docs:answer -->\nnew\n<!-- /effcompute.docs:answer -->\nb\n"
    with pytest.raises(docs.DocsError, match="README.md: needs exactly one block"):
        docs.replace_block("no markers here", "answer", "new", "README.md")


def test_the_documents_carry_the_blocks_the_generator_writes():
    for name, blocks in docs.BLOCKS.items():
        text = (ROOT / name).read_text()
        for block in blocks:
            assert text.count(f"<!-- effcompute.docs:{block} -->") == 1 and text.count(f"<!-- /effcompute.docs:{block} -->") == 1, (name, block)


def test_a_missing_run_names_the_file_and_the_command_that_makes_it(tmp_path, capsys):
    assert docs.main(["--runs", str(tmp_path), "--root", str(ROOT), "--check"]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'joint_seed1.nc'}: missing; make it with `effcompute fit --out {tmp_path}`" in err
    assert "Traceback" not in err


def test_readme_answers_with_the_joint_runs_three_headline_rows():
    cells = _answer_cells((ROOT / "README.md").read_text())
    assert set(cells) >= {"compute reduction since GPT-3", "hardware reduction since GPT-3", "compute halving time (MMLU 5-shot)"}
    assert re.fullmatch(r"[\d,]+x \([\d,.]+-[\d,.]+\)", cells["compute reduction since GPT-3"][0])


def _console_script() -> list[str]:
    script = Path(sys.executable).with_name("effcompute")
    return [str(script)] if script.exists() else [sys.executable, "-m", "effcompute"]


#: How many Monte Carlo standard errors a quoted figure may sit from a fresh run's: two independent runs differ by
#: sqrt(2) MCSE in sd, so 5 MCSE is 3.5 sd, and nine quoted figures all pass on 99.6% of honest reruns.
MCSE_TOLERANCE = 5


def _quoted_numbers(cell: str) -> dict[str, tuple[float, float]]:
    """``58x (32-110)`` -> {key: (value, half a unit of its last quoted digit)} for median, lo80 and hi80."""
    found = re.fullmatch(r"([\d,.]+)(?:x| months) \(([\d,.]+)-([\d,.]+)\)", cell)
    assert found, cell
    out = {}
    for key, text in zip(("median", "lo80", "hi80"), found.groups()):
        decimals = len(text.split(".")[1]) if "." in text else 0
        out[key] = (float(text.replace(",", "")), 0.5 * 10.0 ** -decimals)
    return out


def test_a_quoted_cell_reads_back_with_its_rounding():
    assert _quoted_numbers("1,071x (330-3,784)") == {"median": (1071.0, 0.5), "lo80": (330.0, 0.5), "hi80": (3784.0, 0.5)}
    assert _quoted_numbers("8.5 months (6.4-11.8)")["hi80"] == (11.8, 0.05)


@pytest.mark.slow
def test_readme_matches_a_fresh_run_of_the_quick_start(tmp_path):
    """README's first command, `effcompute fit` (the joint model, seed 1, default settings), as on a fresh machine,
    prints README's joint column up to Monte Carlo error.

    The same seed gives the same digits only where the compiled log-density has the same bits: numba compiles for
    the host CPU, so another CPU (CI's machine) and the numba cache (docs/results.md, "Reproducibility") each change
    the last bits, and 4 x 3,000 NUTS steps carry that into the third significant figure. So each quoted figure must
    sit within MCSE_TOLERANCE Monte Carlo standard errors of the fresh run's, plus its rounding. Earlier tests in
    this run have filled the cache, so the fit here runs with the cache off, as a fresh install's does.
    """
    from effcompute.api import load_run
    from effcompute.inference.summary.headline import headline_mcse
    from effcompute.models.base import quantities_from_roles

    env = {**os.environ, "PYTENSOR_FLAGS": ",".join(filter(None, [os.environ.get("PYTENSOR_FLAGS", ""), "numba__cache=False"]))}
    done = subprocess.run([*_console_script(), "--quiet", "fit", "--out", str(tmp_path), "--json"], env=env, capture_output=True, text=True,
                          timeout=1800)
    assert done.returncode == 0, done.stderr[-2000:]
    run = load_run(tmp_path / "joint_seed1.nc")
    h = run.attrs["headline"]
    mcse = headline_mcse(run.idata.posterior, quantities_from_roles(run.attrs["roles"]))
    cells = _answer_cells((ROOT / "README.md").read_text())
    for row, key in (("compute reduction since GPT-3", "compute_reduction"), ("hardware reduction since GPT-3", "hardware_reduction"),
                     ("compute halving time (MMLU 5-shot)", "halving_time_months")):
        for point, (quoted, rounding) in _quoted_numbers(cells[row][0]).items():
            fresh, se = h[key][point], mcse[key][point]
            assert abs(quoted - fresh) <= MCSE_TOLERANCE * se + rounding, (
                f"README's {row} {point} {quoted:g} is {abs(quoted - fresh) / se:.1f} MCSE from a fresh run's {fresh:.4g} (MCSE {se:.3g}): "
                "regenerate README (docs/results.md says how)")
    assert f"data hash `{run.attrs['data_hash'][:12]}`" in (ROOT / "README.md").read_text()
