"""No Python warning text reaches a user's terminal from the long commands (real processes, quick settings).

What a user needs from the libraries' warnings is said in our own words: the number of observations with a high
Pareto k (``check influence``) and of divergent transitions (``fit``'s diagnostics line).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

#: Text that only a leaked Python warning, a traceback or PyMC's own logging prints.
WARNING_MARKERS = ("Warning:", "warnings.warn", "Traceback", "Sampling: [", "Auto-assigning NUTS")


def run(args, tmp_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "EFFCOMPUTE_QUICK": "1"}
    exe = Path(sys.executable).with_name("effcompute")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=900)


def leaked(proc: subprocess.CompletedProcess) -> list[str]:
    return [line for line in proc.stderr.splitlines() if any(m in line for m in WARNING_MARKERS)]


def test_the_scan_finds_a_leaked_warning():
    proc = subprocess.CompletedProcess([], 0, "", "x.py:3: UserWarning: PyTensor could not link to a BLAS installation\n  warnings.warn(\n")
    assert len(leaked(proc)) == 2


@pytest.mark.slow
def test_fit_report_checks_and_sbc_print_no_warning_text(tmp_path):
    """The joint model holds the trend and evidence blocks, so its fit, report and checks cover theirs; SBC runs the trend."""
    model = "joint"
    fit = run(["fit", "--model", model, "--draws", "60", "--tune", "60", "--chains", "2", "--allow-unconverged", "--out", "runs"], tmp_path)
    assert fit.returncode == 0, fit.stderr[-2000:]
    assert "divergences" in fit.stdout and "effcompute fit: sample" in fit.stderr
    run_file = next((tmp_path / "runs").glob(f"{model}_seed1*.nc"))
    commands = [
        ["report", str(run_file), "--out", "report"],
        ["check", "influence", str(run_file)],
        ["check", "sensitivity", str(run_file)],
        ["check", "sbc", "--model", "trend", "--sims", "2", "--draws", "40", "--tune", "40", "--workers", "1"],
    ]
    outputs = {"fit": fit}
    for cmd in commands:
        outputs[" ".join(cmd[:2])] = run(cmd, tmp_path)
    for name, proc in outputs.items():
        assert not leaked(proc), (name, leaked(proc)[:5])
    assert "with Pareto k > 0.7" in outputs["check influence"].stdout
