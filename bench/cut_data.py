"""Cut the bundled data at a date: tables without later releases, and a YAML file that adds them back.

Used to replay an update: ``effcompute init ws --source OUT/tables`` then
``effcompute add-release --data ws OUT/additions.yaml``.

    python bench/cut_data.py --before 2025-01-01 --out /tmp/cut
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
import yaml

from effcompute.data.load import bundled_data_dir, read_csv
from effcompute.data.schema import TABLES

KEYS = {"releases": "name", "scores": "release", "mfu": "release", "costs": "release"}


def cut(names, out: Path) -> dict:
    """Write the bundled tables without ``names`` to ``out``; return the rows left out, per table."""
    out.mkdir(parents=True, exist_ok=True)
    held = {}
    for table in TABLES:
        df = read_csv(bundled_data_dir() / f"{table}.csv")
        key = KEYS.get(table)
        if key:
            mask = df[key].isin(names)
            held[table] = [{k: v for k, v in r.items() if v is not None and not (isinstance(v, float) and pd.isna(v))} for r in df[mask].to_dict("records")]
            df = df[~mask]
        df.to_csv(out / f"{table}.csv", index=False, lineterminator="\n")
    return {t: rows for t, rows in held.items() if rows}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--before", required=True, help="keep releases dated before this YYYY-MM-DD")
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args()
    releases = read_csv(bundled_data_dir() / "releases.csv")
    later = list(releases.loc[releases["release_date"] >= args.before, "name"])
    held = cut(later, args.out / "tables")
    (args.out / "additions.yaml").write_text(yaml.safe_dump(held, sort_keys=False, allow_unicode=True), encoding="utf-8")
    print(f"{args.out / 'tables'}: bundled data without {len(later)} release(s) from {args.before}: {', '.join(later)}")
    print(f"{args.out / 'additions.yaml'}: " + ", ".join(f"{len(v)} {k}" for k, v in held.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
