"""Summarize an SBC run from its per-simulation JSONL log (used when a run was stopped before its last simulation).

    python docs/sbc/summarize_log.py docs/sbc/joint_v3_1000/sbc_joint_sims.jsonl joint 1 [--sims-planned 1000]

The summary, ranks and plot are written beside the log; ``effcompute check sbc ... --resume`` with the run's own
settings continues the run from the same log.
"""

import argparse
import json
from pathlib import Path

from effcompute.inference.checks.sbc import save_sbc, summarize
from effcompute.inference.checks.sbc_log import results_from_log

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("log", type=Path)
parser.add_argument("model")
parser.add_argument("seed", type=int)
parser.add_argument("--sims-planned", type=int, default=None)
args = parser.parse_args()
results = results_from_log(args.log)
summary = summarize(results, args.seed)
planned = f" of {args.sims_planned} planned" if args.sims_planned else ""
summary.update(model=args.model, seed=args.seed, partial=True,
               note=f"summarized from {args.log}: {len(results)} simulations{planned} finished before the run was stopped")
summary["files"] = {k: str(v) for k, v in save_sbc(summary, results, args.log.parent).items()}
print(json.dumps({k: v for k, v in summary.items() if k != "parameters"}, indent=2))
