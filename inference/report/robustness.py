"""The report's robustness table: ``check robustness`` results saved beside the run, if any."""

from __future__ import annotations

import json
from pathlib import Path

from effcompute.inference.report.blocks import Section, Table


def robustness_path(run_path) -> Path:
    """Where ``check robustness`` keeps its result for a run: ``RUN.robustness.json`` beside it."""
    run_path = Path(run_path)
    return run_path.with_name(run_path.stem + ".robustness.json")


def _cell(q: dict) -> str:
    return f"{q['median']:,.0f}x ({q['lo80']:,.0f}-{q['hi80']:,.0f})"


def robustness_section(run_path) -> Section | None:
    """A table of the headline under each refit variant, or None when the run has no saved robustness check."""
    path = robustness_path(run_path)
    if not path.is_file():
        return None
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
        key = result["target"]
        rows = [["original", _cell(result["original"][key]), "1.00", "yes"]]
        rows += [[v["name"], _cell(v["headline"][key]), f"{v['compute_reduction_ratio']:.2f}", "yes" if v["converged"] else "no"] for v in result["variants"]]
    except (ValueError, KeyError, TypeError) as err:
        return Section("Robustness", [f"The saved robustness check {str(path)!r} could not be read ({err}); rerun `effcompute check robustness`."])
    table = Table(["variant", f"{key}, median (80% equal-tailed)", "ratio of medians", "passed the gate"], rows,
                  "Refits of this run's model with the discrepancy's prior scale halved and doubled and with weak factor priors "
                  f"(`effcompute check robustness`, saved in {path.name}).")
    return Section("Robustness", [table])
