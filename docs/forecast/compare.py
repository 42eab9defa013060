"""Forecasts of the releases after a cutoff by several model variants, compared score by score (issue 17).

Run from the repository root with the project's venv: ``python docs/forecast/compare.py [--cutoff 2024-01-01]``.
Each variant is ``effcompute check forecast --cutoff DATE --model M --config ...`` (2 chains x 500 draws, seed 1);
the table gives coverage, MAE, mean CRPS and mean signed error of the later scores, and each variant's mean CRPS
difference from the first one over the same scores with a standard error clustered by release (a release's scores
share its effect). Writes ``docs/forecast/compare.json`` and ``docs/forecast/compare.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from effcompute.models.config import EARLIER_BOTTOM_UP
from effcompute.inference.checks.forecast import paired_difference, run_forecast

VARIANTS = [
    ("joint before issue 17 (seed priors and their rows, unpublished factor, fixed link)", "joint", EARLIER_BOTTOM_UP),
    ("joint, conditional gains excluded", "joint", {"conditional_pairs": "exclude"}),
    ("joint (default)", "joint", {}),
    ("joint, MoE adopted by MoE releases", "joint", {"adoption": "moe"}),
    ("trend alone", "trend", {}),
    ("trend alone, MoE adopted by MoE releases", "trend", {"adoption": "moe"}),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cutoff", default="2024-01-01")
    parser.add_argument("--out", type=Path, default=Path("docs/forecast"))
    args = parser.parse_args()
    results = []
    for label, model, fields in VARIANTS:
        t0 = time.perf_counter()
        r = run_forecast(args.cutoff, model_name=model, config_fields=fields)
        r["label"] = label
        results.append(r)
        print(f"{label[:50]:50s} cov80 {r['coverage80']:.2f} cov95 {r['coverage95']:.2f} MAE {r['mae']:.2f} CRPS {r['crps']:.3f} "
              f"bias {r['bias']:+.2f} div {r['divergences']} {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    for r in results:
        r["crps_vs_first"] = paired_difference(r, results[0])
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "compare.json").write_text(json.dumps(results, indent=1) + "\n")
    (args.out / "compare.md").write_text(to_markdown(results, args.cutoff))
    print(to_markdown(results, args.cutoff))
    return 0


def to_markdown(results: list, cutoff: str) -> str:
    lines = [f"Forecasts of the scores, MFU figures and costs after {cutoff} (`python docs/forecast/compare.py`):", "",
             "| variant | n | 50% | 80% | 95% | scores MAE | scores CRPS | CRPS minus the first (SE, by release) | observed minus median | divergences |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        d = r["crps_vs_first"]
        lines.append(f"| {r['label']} | {r['n']} | {r['coverage50']:.2f} | {r['coverage80']:.2f} | {r['coverage95']:.2f} | {r['mae']:.2f} | "
                     f"{r['crps']:.3f} | {d['mean_difference']:+.3f} ({d['se']:.3f}) | {r['bias']:+.2f} | {r['divergences']} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
