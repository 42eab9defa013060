"""Workspace commands: ``init``, ``add-release``, ``undo``, ``history``.

The bundled data is read-only; these commands write only to a workspace made
by ``effcompute init DIR`` and named by ``--data DIR`` or ``$EFFCOMPUTE_DATA``.
"""

from __future__ import annotations

import sys

from effcompute.cliargs import date_arg, path_arg, positive_int, print_json
from effcompute.inference.sampling.settings import DEFAULT_CHAINS, DEFAULT_DRAWS, DEFAULT_TUNE
from effcompute.models.registry import FITTED_MODELS

#: Flags of a single release given on the command line, as releases.csv columns.
RELEASE_FLAGS = (
    "name", "org", "release_date", "params_total", "params_active", "train_tokens", "train_flop", "flop_basis", "hardware",
    "n_chips", "train_days", "gpu_hours", "mfu", "precision", "context_length", "cost_usd", "cost_basis", "distilled_from", "distillation_kind", "source", "source_url",
    "source_location", "notes",
)


def _writable_workspace(data):
    from effcompute.data.load import named_workspace

    return named_workspace(data, writable=True, purpose="this command writes, so it")


def cmd_init(args) -> int:
    from effcompute.data.load import load_dataset
    from effcompute.data.schema import TABLES
    from effcompute.data.transactions import split_at
    from effcompute.data.workspace import Workspace

    source = load_dataset(args.source)
    if args.before:
        contents, later = split_at(source.data_dir, args.before)
        note = f", without the {len(later.release_names())} release(s) from {args.before} on"
    else:
        contents, note = {name: (source.data_dir / f"{name}.csv").read_bytes() for name in TABLES}, ""
    ws = Workspace.create(args.dir, contents, source.data_hash())
    counts = ", ".join(f"{k} {v}" for k, v in load_dataset(ws.data_dir).counts().items())
    print(f"workspace {ws.root} created from {source.data_dir}{note} ({counts} rows)")
    print(f"use it with: --data {ws.root}   (or export EFFCOMPUTE_DATA={ws.root})")
    return 0


def _additions_from_flags(args):
    from effcompute.data.additions import Additions, rows_to_frame

    row = {k: getattr(args, k) for k in RELEASE_FLAGS if getattr(args, k) is not None}
    return Additions({"releases": rows_to_frame("releases", [row], "flags")}, "command-line flags")


def cmd_add_release(args) -> int:
    from effcompute.data.additions import read_additions
    from effcompute.data.load import load_dataset
    from effcompute.data.transactions import apply_additions, epoch_additions
    from effcompute.inference.updating.refit import (
        format_update_report,
        refit_after_addition,
    )

    ws = _writable_workspace(args.data)
    given = [x for x in (args.file, args.from_epoch, args.name) if x]
    if len(given) != 1:
        raise ValueError("give exactly one of: FILE, --from-epoch FILE, or a single release through --name ... flags")
    if args.file:
        additions = read_additions(args.file)
    elif args.from_epoch:
        additions, known, skipped = epoch_additions(args.from_epoch, load_dataset(ws.data_dir).frames, since=args.since, skip_invalid=args.skip_invalid)
        for name, problems in skipped.items():
            print(f"  skipped {name}: " + "; ".join(p.split(": ", 1)[-1] for p in problems), file=sys.stderr)
        print(f"{args.from_epoch}: {len(additions.release_names())} release(s) to add ({len(known)} already in the workspace)", file=sys.stderr)
        for name in additions.release_names():
            print(f"  + {name}", file=sys.stderr)
        if not additions.tables:
            print("nothing to add", file=sys.stderr)
            return 0
    else:
        additions = _additions_from_flags(args)
    result = apply_additions(ws, additions, dry_run=args.dry_run, action="add-epoch" if args.from_epoch else "add")
    verb = "would add" if args.dry_run else "added"
    summary = ", ".join(f"{n} {t}" for t, n in result["counts"].items())
    print(f"{verb} {summary} ({'dry run: nothing written' if args.dry_run else 'version ' + result['version']})", file=sys.stderr)
    if args.dry_run or args.no_refit:
        if args.json:
            print_json(result)
        return 0
    report = refit_after_addition(
        ws, result["previous"], additions.release_names(), model=args.model, draws=args.draws, tune=args.tune, chains=args.chains,
        seed=args.seed, sampler=args.sampler, approximate=not args.exact_only, exact=not args.approximate_only,
    )
    if args.json:
        print_json({**result, "refit": report})
    else:
        print(format_update_report(report))
    return 0


def cmd_undo(args) -> int:
    ws = _writable_workspace(args.data)
    with ws.lock():
        entry = ws.undo()
    added = "; ".join(f"{len(keys)} {t}" + (f" ({', '.join(map(str, keys))})" if t == "releases" else "") for t, keys in entry.get("added", {}).items())
    print(f"undid {entry['action']} of {entry.get('time')} from {entry.get('source')} ({added}); tables are back at version {ws.head}")
    return 0


def cmd_history(args) -> int:
    from effcompute.data.load import named_workspace
    from effcompute.data.wsfiles import HISTORY, repair_history

    if args.repair:
        ws = _writable_workspace(args.data)
        with ws.lock():
            done = repair_history(ws.root / HISTORY)
        print(done or f"{ws.root / HISTORY}: every line is a complete record; nothing to repair")
        return 0
    ws = named_workspace(args.data, purpose="history")
    entries = ws.history()
    if args.json:
        print_json(entries)
        return 0
    for e in entries:
        what = "; ".join(f"{t} {len(k)}" for t, k in e.get("added", {}).items())
        print(f"{e['time']}  {e['action']:9s} -> {e['version']}  {e.get('source', '') or ''} {what}".rstrip())
    print(f"current: {ws.head}")
    return 0


def register(sub) -> None:
    """Add the workspace commands to the top-level subparsers."""
    data_help = "workspace folder (default: $EFFCOMPUTE_DATA)"
    i = sub.add_parser("init", help="create a workspace (versioned tables, history, runs) from the bundled data")
    i.add_argument("dir", type=path_arg, help="folder to create (must not exist, or be empty)")
    i.add_argument("--source", default=None, help="data folder to copy (default: the bundled data)")
    i.add_argument("--before", type=date_arg, default=None, help="leave out releases dated on or after this (to replay an update)")
    i.set_defaults(func=cmd_init)

    a = sub.add_parser("add-release", help="add releases (and their scores, MFU, costs) to a workspace, refit, report what moved")
    a.add_argument("file", nargs="?", type=path_arg, help="YAML, JSON or CSV file of additions")
    a.add_argument("--data", default=None, help=data_help)
    a.add_argument("--from-epoch", type=path_arg, default=None, help="an Epoch AI models CSV: add the releases the workspace lacks")
    a.add_argument("--since", type=date_arg, default=None, help="with --from-epoch: only models published on or after this date")
    a.add_argument("--skip-invalid", action="store_true", help="with --from-epoch: leave out (and list) releases that fail a check, add the rest")
    a.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")
    a.add_argument("--no-refit", action="store_true", help="add without refitting")
    how = a.add_mutually_exclusive_group()
    how.add_argument("--exact-only", action="store_true", help="refit only; skip the approximate (reweighted) update")
    how.add_argument("--approximate-only", action="store_true", help="reweight the previous posterior; skip the exact refit (check its Pareto k)")
    a.add_argument("--model", choices=FITTED_MODELS, default="joint", help="model to refit after the addition (default: %(default)s)")
    a.add_argument("--draws", type=positive_int, default=DEFAULT_DRAWS, help="posterior draws per chain of the refit (default: %(default)s)")
    a.add_argument("--tune", type=positive_int, default=DEFAULT_TUNE, help="tuning steps per chain of the refit (default: %(default)s)")
    a.add_argument("--chains", type=positive_int, default=DEFAULT_CHAINS, help="chains of the refit (default: %(default)s)")
    a.add_argument("--seed", type=int, default=1, help="random seed of the refit (default: %(default)s)")
    a.add_argument("--sampler", choices=["auto", "nutpie", "pymc"], default="auto", help="NUTS implementation of the refit; auto takes nutpie when it is installed (default: %(default)s)")
    a.add_argument("--json", action="store_true", help="print one JSON object on stdout instead of the table")
    flags = a.add_argument_group("a single release through flags (instead of FILE)")
    for col in RELEASE_FLAGS:
        flags.add_argument("--" + col.replace("_", "-"), dest=col, default=None, help=f"the release's {col} column (data/README.md)")
    a.set_defaults(func=cmd_add_release)

    u = sub.add_parser("undo", help="restore a workspace's tables to the state before its last addition")
    u.add_argument("--data", default=None, help=data_help)
    u.set_defaults(func=cmd_undo)

    h = sub.add_parser("history", help="a workspace's additions and undos")
    h.add_argument("--data", default=None, help=data_help)
    h.add_argument("--json", action="store_true", help="print the history as JSON")
    h.add_argument("--repair", action="store_true", help="set a broken last line of history.jsonl aside (into history.jsonl.broken)")
    h.set_defaults(func=cmd_history)
