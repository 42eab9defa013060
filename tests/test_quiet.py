"""No Python warning text reaches a user's terminal from the long commands (real processes, quick settings)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

WARNING_MARKERS = ("Warning:", "warnings.warn", "Traceback")


def run(args, tmp_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "EFFCOMPUTE_QUICK": "1"}
    exe = Path(sys.executable).with_name("effcompute")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=900)


@pytest.mark.slow
def test_fit_report_influence_and_sbc_print_no_warning_text(tmp_path):
    fit = run(["fit", "--model", "trend", "--draws", "60", "--tune", "60", "--chains", "2", "--allow-unconverged", "--out", "runs"], tmp_path)
    assert fit.returncode == 0, fit.stderr[-2000:]
    run_file = next((tmp_path / "runs").glob("trend_seed1*.nc"))
    commands = [
        ["report", str(run_file), "--out", "report"],
        ["check", "influence", str(run_file)],
        ["check", "sbc", "--model", "trend", "--sims", "2", "--draws", "40", "--tune", "40", "--workers", "1"],
    ]
    outputs = {"fit": fit}
    for cmd in commands:
        outputs[" ".join(cmd[:2])] = run(cmd, tmp_path)
    for name, proc in outputs.items():
        leaked = [line for line in proc.stderr.splitlines() if any(m in line for m in WARNING_MARKERS)]
        assert not leaked, (name, leaked[:5])
