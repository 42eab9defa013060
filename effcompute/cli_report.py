"""``effcompute report RUN.nc --out DIR``: a self-contained HTML page and the same as Markdown with PNGs."""

from __future__ import annotations

import sys

from effcompute.cliargs import existing_path, path_arg, print_json


def cmd_report(args) -> int:
    from effcompute.inference.report.build import build_report
    from effcompute.inference.report.render import write_report

    existing = [p for p in (args.out / "report.html", args.out / "report.md") if p.exists()]
    if existing and not args.force:
        raise ValueError(f"--out {str(args.out)!r} already holds a report ({', '.join(p.name for p in existing)}); pass --force to overwrite it, "
                         "or name another folder")
    paths = write_report(build_report(args.run, data_dir=args.data, with_loo=not args.no_loo), args.out)
    if args.json:
        print_json(paths)
    else:
        print(f"wrote {paths['html']} (self-contained), {paths['markdown']} and {len(paths['figures'])} figure(s)", file=sys.stderr)
    return 0


def register(subparsers) -> None:
    """Add the ``report`` command to the ``effcompute`` parser."""
    r = subparsers.add_parser("report", help="write a run's report: self-contained HTML, and Markdown with PNG figures")
    r.add_argument("run", type=existing_path, help="a run saved by `effcompute fit`")
    r.add_argument("--out", type=path_arg, required=True, help="folder to write report.html, report.md and figures/ into")
    r.add_argument("--data", default=None, help="data folder the run was fitted on (default: $EFFCOMPUTE_DATA, else the bundled data)")
    r.add_argument("--no-loo", action="store_true", help="skip PSIS-LOO (saves rebuilding the model's log-likelihood)")
    r.add_argument("--force", action="store_true", help="overwrite a report already in --out")
    r.add_argument("--json", action="store_true", help="print the written paths as one JSON object")
    r.set_defaults(func=cmd_report)
