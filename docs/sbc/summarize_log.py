"""Summarize an SBC run from its per-simulation JSONL log (used when a run was stopped before its last simulation).

    python docs/sbc/summarize_log.py docs/sbc/sbc_joint_sims.jsonl joint 1
"""

import json
import sys

from effcompute.inference.checks.sbc import save_sbc, summarize
from effcompute.inference.checks.sbc_log import results_from_log

path, model, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
results = results_from_log(path)
summary = summarize(results, seed)
summary.update(model=model, seed=seed, partial=True, note=f"summarized from {path}: {len(results)} simulations finished before the run was stopped")
summary["files"] = save_sbc(summary, results, "docs/sbc")
print(json.dumps(summary, indent=2))
