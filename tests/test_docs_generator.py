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


@pytest.mark.slow
def test_readme_matches_a_fresh_run_of_the_quick_start(tmp_path):
    """README's first command, `effcompute fit` (the joint model, seed 1, default settings), as on a fresh machine,
    prints README's joint column.

    On a fresh machine PyTensor's numba cache is empty, so the quick start compiles the log-density afresh; a later
    process loads it from the cache, whose code differs in the last bits (docs/results.md, "Reproducibility").
    Earlier tests in this run have filled the cache, so the fit here runs with the cache off, which compiles afresh.
    """
    env = {**os.environ, "PYTENSOR_FLAGS": ",".join(filter(None, [os.environ.get("PYTENSOR_FLAGS", ""), "numba__cache=False"]))}
    done = subprocess.run([*_console_script(), "--quiet", "fit", "--out", str(tmp_path), "--json"], env=env, capture_output=True, text=True,
                          timeout=1800)
    assert done.returncode == 0, done.stderr[-2000:]
    from effcompute.api import load_run

    run = load_run(tmp_path / "joint_seed1.nc")
    h = run.attrs["headline"]
    cells = _answer_cells((ROOT / "README.md").read_text())
    assert cells["compute reduction since GPT-3"][0] == docs.quote_row(h["compute_reduction"])
    assert cells["hardware reduction since GPT-3"][0] == docs.quote_row(h["hardware_reduction"])
    assert cells["compute halving time (MMLU 5-shot)"][0] == docs.quote_row(h["halving_time_months"], "months")
    assert f"data hash `{run.attrs['data_hash'][:12]}`" in (ROOT / "README.md").read_text()
