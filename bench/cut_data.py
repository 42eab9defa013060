"""Cut a data folder at a date: tables without later releases, and a YAML file that adds them back.

Used to replay an update: ``effcompute init ws --source OUT/tables`` (or
``effcompute init ws --before DATE``) then ``effcompute add-release --data ws
OUT/additions.yaml``.

    python bench/cut_data.py --before 2025-01-01 --out /tmp/cut
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from effcompute.data.additions import additions_yaml
from effcompute.data.transactions import split_at


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--before", required=True, help="split off releases dated on or after this YYYY-MM-DD")
    p.add_argument("--source", default=None, help="data folder (default: the bundled data)")
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args()
    contents, later = split_at(args.source, args.before)
    (args.out / "tables").mkdir(parents=True, exist_ok=True)
    for table, data in contents.items():
        (args.out / "tables" / f"{table}.csv").write_bytes(data)
    (args.out / "additions.yaml").write_text(additions_yaml(later), encoding="utf-8")
    print(f"{args.out / 'tables'}: without {len(later.release_names())} release(s) from {args.before}: {', '.join(later.release_names())}")
    print(f"{args.out / 'additions.yaml'}: " + ", ".join(f"{n} {t}" for t, n in later.count().items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
