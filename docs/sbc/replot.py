"""Redraw docs/sbc/sbc_MODEL.png from a finished run's summary JSON and per-simulation JSONL log.

    python docs/sbc/replot.py trend joint evidence
"""

import json
import sys

from effcompute.inference.checks.sbc import plot_sbc
from effcompute.inference.checks.sbc_log import results_from_log

for model in sys.argv[1:]:
    summary = json.load(open(f"docs/sbc/sbc_{model}.json"))
    plot_sbc(summary, results_from_log(f"docs/sbc/sbc_{model}_sims.jsonl"), f"docs/sbc/sbc_{model}.png")
