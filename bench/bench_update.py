"""Add one release to a workspace and update the joint model: exact refit vs approximate (reweighted) update.

Both paths run side by side in one process, from a warm cache: the fit on the
data before the addition is already on disk and the libraries are imported.
Each repeat adds the release, updates, and undoes the addition.

    python bench/bench_update.py [--repeats 3] [--before 2025-04-29]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from effcompute.data.transactions import apply_additions, split_at
from effcompute.data.load import load_dataset
from effcompute.data.workspace import Workspace
from effcompute.inference.runs.fit_workflow import run_fit
from effcompute.inference.runs.files import load_run
from effcompute.inference.updating.refit import CARRIED_DRAWS
from effcompute.inference.updating.carry import approximate_update, carry_posterior, thin
from effcompute.models import build_model


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--before", default="2025-04-29", help="add the releases from this date on (default: the latest, Qwen3-235B-A22B)")
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_update_"))
    source = load_dataset()
    contents, additions = split_at(source.data_dir, args.before)
    ws = Workspace.create(tmp / "ws", contents, source.data_hash())
    print(f"adding {', '.join(additions.release_names())}: {additions.count()}", flush=True)

    t = time.perf_counter()
    before = run_fit("joint", data_dir=ws.data_dir, out_dir=ws.runs_dir / ws.head, quiet=True, progress=False)
    print(f"cold fit of the data before (not part of the comparison): {time.perf_counter() - t:.1f} s", flush=True)
    before_idata, config, _ = load_run(before["path"])

    exact, approx = [], []
    for i in range(args.repeats):
        t = time.perf_counter()
        apply_additions(ws, additions)
        run_fit("joint", data_dir=ws.data_dir, out_dir=ws.runs_dir / ws.head, quiet=True, progress=False)
        exact.append(time.perf_counter() - t)
        with ws.lock():
            ws.undo()

        t = time.perf_counter()
        previous = ws.head
        apply_additions(ws, additions)
        before_model = build_model(load_dataset(ws.root / "versions" / previous), config).model
        grown = build_model(load_dataset(ws.data_dir), config)
        after_model = grown.model
        before = thin(before_idata.posterior, CARRIED_DRAWS)
        carried = carry_posterior(before, after_model, seed=i + 1)
        result = approximate_update(before, carried, before_model, after_model, grown.headline_quantities())
        approx.append(time.perf_counter() - t)
        with ws.lock():
            ws.undo()
        print(f"repeat {i + 1}: exact add+refit {exact[-1]:.1f} s, approximate add+reweight {approx[-1]:.1f} s (Pareto k {result['pareto_k']:.2f})", flush=True)

    me, ma = statistics.median(exact), statistics.median(approx)
    print(f"\nmedian of {args.repeats}: exact {me:.1f} s (range {min(exact):.1f}-{max(exact):.1f}), "
          f"approximate {ma:.1f} s (range {min(approx):.1f}-{max(approx):.1f}); exact/approximate = {me / ma:.1f}x")
    print(f"target: under 15 s -> exact {'met' if me < 15 else 'NOT met'}, approximate {'met' if ma < 15 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
