"""The waterfall of docs/results.md: the bottom-up and joint headline, change by change (issue 17).

Run from the repository root with the project's venv: ``python docs/waterfall/run_waterfall.py [--seed 1]
[--refit-from K]``. Each step refits the evidence and joint models on the bundled data with the switches of
:class:`effcompute.models.config.ModelConfig` turned on one at a time, in the order below, and writes
``docs/waterfall/waterfall.json`` and ``docs/waterfall/waterfall.md``. ``--refit-from K`` keeps steps 1 to K-1
from the existing waterfall.json (their labels and configs must match) and refits the rest.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from effcompute.models.config import EARLIER_BOTTOM_UP
from effcompute.inference.runs.fit_workflow import run_fit

STEPS = [
    ("earlier bottom-up model (seed priors and their source rows, every pair, one transfer rate, unpublished factor)", {}),
    ("+ prior independence: rows of the studies the seed's priors were built from are dropped", {"prior_overlap": "drop"}),
    ("+ pair rules: conditional and mixed pairs excluded, DCLM vs Llama 3 allocation-adjusted", {"pair_rules": "apply"}),
    ("+ Chinchilla as GPT-3's allocation penalty under the loss law shared with the trend", {"chinchilla": "loss_law"}),
    ("+ scale transfer per technique; scales from active parameters x tokens", {"scale_transfer": "per_technique"}),
    ("+ unpublished factor replaced by a learned discrepancy: one R_compute", {"unpublished": "discrepancy"}),
    ("+ gains over an improved baseline enter as conditional gains (a Beta(1, 1) share of their factor)", {"conditional_pairs": "share"}),
]
KEYS = {"evidence": ("compute_reduction", "hardware_reduction"),
        "joint": ("compute_reduction", "hardware_reduction", "compute_reduction_topdown", "compute_reduction_measured", "discrepancy",
                  "tension_log_ratio", "halving_time_months")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("docs/waterfall"))
    parser.add_argument("--refit-from", type=int, default=1, metavar="K", help="keep steps before K from the existing waterfall.json")
    args = parser.parse_args()
    kept = kept_rows(args.out / "waterfall.json", args.refit_from - 1)
    fields, rows = dict(EARLIER_BOTTOM_UP), []
    with tempfile.TemporaryDirectory() as tmp:
        for k, (label, change) in enumerate(STEPS):
            fields.update(change)
            if k < len(kept):
                rows.append(kept[k])
                continue
            row = {"step": label, "config": dict(fields)}
            for model in ("evidence", "joint"):
                t0 = time.perf_counter()
                result = run_fit(model, out_dir=tmp, seed=args.seed, config_fields=dict(fields), quiet=True)
                row[model] = {k: {s: result["headline"][k][s] for s in ("median", "lo80", "hi80")} for k in KEYS[model] if k in result["headline"]}
                row[model + "_converged"] = result["converged"]
                row[model + "_failures"] = result["failures"]
                print(f"{label[:60]:60s} {model:8s} R_compute {row[model]['compute_reduction']['median']:8.1f}x  "
                      f"converged={result['converged']}  {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
            rows.append(row)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "waterfall.json").write_text(json.dumps(rows, indent=2) + "\n")
    (args.out / "waterfall.md").write_text(to_markdown(rows))
    return 0


def kept_rows(path: Path, n: int) -> list:
    """The first ``n`` rows of an earlier waterfall.json, checked against STEPS (label and the switches it set)."""
    if n <= 0:
        return []
    rows = json.loads(path.read_text())[:n]
    fields = dict(EARLIER_BOTTOM_UP)
    for row, (label, change) in zip(rows, STEPS):
        fields.update(change)
        # rows written before a switch existed lack its key; they were fitted with its earlier setting
        if row["step"] != label or any(row["config"][k] != v for k, v in fields.items() if k in row["config"]):
            raise SystemExit(f"{path}: step {label!r} was fitted with other switches; refit it (a lower --refit-from)")
    if len(rows) < n:
        raise SystemExit(f"{path} has {len(rows)} steps, fewer than --refit-from - 1 = {n}")
    return rows


def _x(q: dict | None) -> str:
    return "" if q is None else f"{q['median']:,.0f}x ({q['lo80']:,.0f}-{q['hi80']:,.0f})"


def to_markdown(rows: list) -> str:
    """The table of docs/results.md: medians and 80% equal-tailed intervals."""
    lines = ["| step | evidence R_compute | joint R_compute (bottom-up / the one) | joint top-down | gate (evidence, joint) |", "|---|---|---|---|---|"]
    for r in rows:
        j = r["joint"]
        lines.append(f"| {r['step']} | {_x(r['evidence'].get('compute_reduction'))} | {_x(j.get('compute_reduction'))} | "
                     f"{_x(j.get('compute_reduction_topdown'))} | {r['evidence_converged']}, {r['joint_converged']} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
