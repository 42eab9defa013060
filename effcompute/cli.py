"""The ``effcompute`` command line.

Human output is a readable table; ``--json`` prints one JSON object on stdout
and nothing else. Errors go to stderr as one message naming the command, the
file and what to do, with exit code 2 (bad input, a damaged workspace, a full
disk, a file this user may not write) or 1 (failed check, internal failure);
``--debug`` adds the traceback (:mod:`effcompute.cli_errors`).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

from effcompute import __version__, progress
from effcompute.cli_errors import DEBUG_FLAG, command_name, run_guarded, split_debug
from effcompute.cli_paths import check_output_file, output_folder
from effcompute.cliargs import date_arg, existing_path, existing_run_or_folder, nonnegative_float, path_arg, positive_int, print_json, print_result
from effcompute.inference.sampling.settings import DEFAULT_CHAINS, DEFAULT_DRAWS, DEFAULT_TUNE
from effcompute.models.registry import MODEL_NAMES, PERPLEXITY_VARIANTS
from effcompute.quiet import quiet_pymc_logs

#: Where Epoch AI publishes the models database that ``data crosscheck`` and ``data import-epoch`` read.
EPOCH_DATA_URL = "https://epoch.ai/data"
#: Silences the progress display (:mod:`effcompute.progress`); accepted anywhere on the line.
QUIET_FLAG = "--quiet"


def cmd_seed(args) -> int:
    from effcompute.inference.summary.seed_mc import run_seed_monte_carlo
    from effcompute.inference.summary.seed_report import format_seed_report

    result = run_seed_monte_carlo(args.reading, args.draws, args.seed, args.as_of)
    print_result(result, args.json, format_seed_report)
    return 0


def cmd_data_check(args) -> int:
    from effcompute.data.load import resolve_data_dir, validate_data_dir

    frames, issues = validate_data_dir(args.data)
    folder = resolve_data_dir(args.data)
    if issues:
        print(f"{len(issues)} problem(s) in {folder}:", file=sys.stderr)
        for issue in issues:
            print(f"  - {issue}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{k} {len(v)}" for k, v in frames.items())
    print(f"ok: {folder} ({counts} rows)")
    return 0


def cmd_data_show(args) -> int:
    import pandas as pd

    from effcompute.data.load import load_table

    df = load_table(args.table, args.data)
    if args.json:
        print(df.to_json(orient="records", indent=2))
    else:
        cols = [c for c in df.columns if c not in ("source", "source_url", "source_location", "notes")] if not args.all_columns else list(df.columns)
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200):
            print(df[cols].to_string(index=False))
    return 0


def cmd_data_import_epoch(args) -> int:
    from effcompute.data.epoch import import_epoch_models
    from effcompute.data.io import write_csv_atomic

    out = args.out / "releases.csv"
    check_output_file(out, reads=[args.file], force=args.force, make_folder=True)
    result = import_epoch_models(args.file, since=args.since)
    with output_folder(args.out):
        write_csv_atomic(result.releases, out)
    print(f"wrote {len(result.releases)} release(s) to {out}")
    if len(result.dropped):
        print(f"dropped {len(result.dropped)} row(s):")
        for reason, n in result.dropped["reason"].value_counts().items():
            print(f"  {n:6d}  {reason}")
    return 0


def cmd_data_crosscheck(args) -> int:
    import pandas as pd

    from effcompute.data.epoch import EPOCH_MODELS_FILE, REFERENCE_ENV, reference_dir
    from effcompute.data.epoch_crosscheck import crosscheck
    from effcompute.data.load import load_dataset

    epoch_file = args.epoch or reference_dir() / EPOCH_MODELS_FILE
    if not epoch_file.is_file():
        raise FileNotFoundError(f"Epoch models file {str(epoch_file)!r} not found: download all_ai_models.csv from {EPOCH_DATA_URL} "
                                f"(\"AI Models\", CC BY 4.0) and pass --epoch FILE, or set {REFERENCE_ENV} to the folder holding it")
    diffs = crosscheck(load_dataset(args.data), epoch_file, tolerance=args.tolerance)
    if args.json:
        print(diffs.to_json(orient="records", indent=2))
        return 0
    if diffs.empty:
        print(f"no differences over {args.tolerance:.0%} between our figures and Epoch's")
        return 0
    shown = diffs[["release", "epoch_model", "field", "ours", "epoch", "rel_diff", "explained"]]
    with pd.option_context("display.max_rows", None, "display.width", 200, "display.float_format", "{:.4g}".format):
        print(shown.to_string(index=False))
    print("(our source and the note that explains each difference: --json)")
    unexplained = int((~diffs["explained"]).sum())
    print(f"\n{len(diffs)} difference(s) over {args.tolerance:.0%}; {unexplained} not explained in our notes")
    return 0


def rate_prior_fields(args) -> dict:
    """``ModelConfig`` fields of ``fit --rate-prior-from RUN.nc [--rate-prior-discrepancy SD]`` (empty without them)."""
    if args.rate_prior_from is None:
        if args.rate_prior_discrepancy is not None:
            raise ValueError("fit --rate-prior-discrepancy: needs --rate-prior-from, the perplexity run the prior comes from")
        return {}
    from effcompute.models.config import TREND_BLOCK_MODELS

    if args.model not in TREND_BLOCK_MODELS:
        raise ValueError(f"fit --rate-prior-from: only the trend and joint models have a pooled rate; --model is {args.model!r}")
    from effcompute.inference.summary.rate_prior import DISCREPANCY_SD, rate_prior_from_perplexity_run

    sd = DISCREPANCY_SD if args.rate_prior_discrepancy is None else args.rate_prior_discrepancy
    return {"rate_prior": rate_prior_from_perplexity_run(args.rate_prior_from, sd)}


def cmd_fit(args) -> int:
    from effcompute.inference.runs.fit_workflow import default_out_dir, run_fit
    from effcompute.inference.summary.headline import format_headline_text

    result = run_fit(
        args.model, data_dir=args.data, out_dir=args.out or default_out_dir(args.data), draws=args.draws, tune=args.tune, chains=args.chains, seed=args.seed,
        as_of=args.as_of, prior=args.prior, sampler=args.sampler, target_accept=args.target_accept, loss_law=args.loss_law,
        variant=args.variant, config_fields=rate_prior_fields(args),
    )
    print_result(result, args.json, format_headline_text)
    if not result["converged"] and not args.allow_unconverged:
        print("effcompute fit: the run did not pass the convergence gate (saved, marked UNCONVERGED); "
              "pass --allow-unconverged to accept it", file=sys.stderr)
        return 1
    return 0


def _run_result(path) -> dict:
    from effcompute.inference.runs.files import load_run

    _, _, attrs = load_run(path)
    conv = attrs["convergence"]
    return {
        "model": attrs["model"], "path": str(path), "as_of": attrs.get("as_of"), "converged": conv["converged"],
        "diagnostics": {k: conv[k] for k in ("max_rhat", "min_ess_bulk", "min_ess_tail", "divergences", "min_bfmi")},
        "failures": conv["failures"], "headline": attrs["headline"], "notes": attrs.get("notes", []),
        "excluded": attrs.get("excluded", []), "data_hash": attrs["data_hash"], "seed": attrs["seed"], "versions": attrs.get("versions"),
    }


def cmd_summary(args) -> int:
    from effcompute.inference.summary.headline import format_headline_text

    if args.run.is_dir():
        return _summarize_folder(args.run, args.json)
    result = _run_result(args.run)
    print_result(result, args.json, lambda r: format_headline_text(r, saved=False))
    return 0


def _summarize_folder(folder, as_json: bool) -> int:
    """``summary FOLDER``: the runs in it, one line each."""
    from effcompute.inference.runs.files import list_runs

    runs = list_runs(folder)
    if as_json:
        print_json({"folder": str(folder), "runs": runs})
        return 0
    if not runs:
        print(f"no runs (*.nc files) in {str(folder)!r}; `effcompute fit --out {folder}` saves one there")
        return 0
    print(f"{len(runs)} run file(s) in {folder}:")
    for r in runs:
        name = str(Path(r["path"]).relative_to(folder))
        if "error" in r:
            print(f"  {name:40s} not readable: {r['error']}")
        else:
            print(f"  {name:40s} {r['model']:10s} as of {r['as_of'] or '-':10s}  seed {r['seed']}  "
                  f"{'converged' if r['converged'] else 'NOT CONVERGED'}  created {r['created_utc'] or '-'}")
    print("(`effcompute summary FILE` for one run's headline)")
    return 0


def cmd_export(args) -> int:
    from effcompute.data.io import write_text_atomic
    from effcompute.inference.runs.files import load_run
    from effcompute.inference.summary.export import render

    from effcompute.inference.summary.export import draws_frame, write_draws

    if not (args.format or args.draws):
        raise ValueError("say what to export: --format csv|json|md (headline summaries), --draws FILE (posterior draws), or both")
    if args.out and not args.format:
        raise ValueError("--out names the file of the --format export; pass --format csv|json|md with it (--draws takes its own file)")
    for flag, path in (("--out", args.out), ("--draws", args.draws)):
        if path:
            check_output_file(path, reads=[args.run], force=args.force, flag=flag)
    idata, _, attrs = load_run(args.run)
    if args.draws:
        frame = draws_frame(idata, attrs.get("roles"))
        write_draws(frame, args.draws)
        print(f"wrote {args.draws} ({len(frame)} draws of {frame.shape[1] - 2} quantities)", file=sys.stderr)
    if not args.format:
        return 0
    text = render(attrs, args.format)
    if args.out:
        write_text_atomic(text, args.out)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_tension(args) -> int:
    from effcompute.inference.runs.files import load_run
    from effcompute.inference.summary.tension import tension_between_runs
    from effcompute.models.base import quantities_from_roles

    ev, ev_config, ev_attrs = load_run(args.evidence_run)
    tr, tr_config, tr_attrs = load_run(args.trend_run)
    if (ev_config.model, tr_config.model) != ("evidence", "trend"):
        raise ValueError(f"expected an evidence run and a trend run, got {ev_config.model!r} and {tr_config.model!r}")
    t = tension_between_runs(ev, quantities_from_roles(ev_attrs["roles"]), tr, quantities_from_roles(tr_attrs["roles"]))
    if args.json:
        print_json(t)
        return 0
    r = t["log_ratio"]
    print(f"log(R_compute top-down / bottom-up): median {r['median']:.2f} (80%: {r['lo80']:.2f} to {r['hi80']:.2f}); "
          f"ratio {np.exp(r['median']):.2g}x; P(top-down below bottom-up) = {t['p_topdown_below']:.1%}")
    for k, v in t.items():
        if k.endswith(("_prior", "_posterior")):
            print(f"  {k.replace('_', ' ')}: {v:.1%}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    p = argparse.ArgumentParser(prog="effcompute", description="How much less hardware and compute a GPT-3-level model needs today, and why.")
    p.add_argument("--version", action="version", version=f"effcompute {__version__}")
    p.add_argument(DEBUG_FLAG, action="store_true", help="on a failure, show the traceback too (accepted anywhere on the line)")
    p.add_argument(QUIET_FLAG, action="store_true", help="show no progress on stderr while a command works (accepted anywhere on the line)")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("seed", help="seed 002's Monte Carlo as a PyMC prior model, beside the seed's own figures")
    s.add_argument("--reading", choices=["intervals", "table"], default="intervals", help="intervals taken literally, or the seed's table medians with the intervals' widths (default: %(default)s)")
    s.add_argument("--draws", type=positive_int, default=1_000_000, help="Monte Carlo draws (default: %(default)s)")
    s.add_argument("--seed", type=int, default=1, help="random seed (default: %(default)s)")
    s.add_argument("--as-of", type=date_arg, default=None, help="end date of the period (default: the seed's 2024-05-01)")
    s.add_argument("--json", action="store_true", help="print one JSON object on stdout instead of the table")
    s.set_defaults(func=cmd_seed)

    f = sub.add_parser("fit", help="fit a model on the data, check convergence, save the run, print the headline")
    f.add_argument("--model", choices=MODEL_NAMES, default="joint", help="which model to fit (default: %(default)s)")
    f.add_argument("--draws", type=positive_int, default=DEFAULT_DRAWS, help="posterior draws per chain, after tuning (default: %(default)s)")
    f.add_argument("--tune", type=positive_int, default=DEFAULT_TUNE, help="tuning steps per chain (default: %(default)s); with 1000 the joint model's adaptation missed on seed 1")
    f.add_argument("--chains", type=positive_int, default=DEFAULT_CHAINS, help="independent chains (default: %(default)s)")
    f.add_argument("--seed", type=int, default=1, help="random seed of the sampler and of the prior and predictive draws (default: %(default)s)")
    f.add_argument("--as-of", type=date_arg, default=None, help="end of the period since GPT-3 (default: latest release in the data)")
    f.add_argument("--prior", choices=["seed", "weak"], default="seed", help="factor priors: seed 002's, or weakly informative (default: %(default)s)")
    f.add_argument("--loss-law", choices=["span", "hoffmann", "besiroglu"], default="span",
                   help="trend and joint models: the loss law's constants, uncertain between the two published fits (span), or one of them (default: %(default)s)")
    f.add_argument("--sampler", choices=["auto", "nutpie", "pymc"], default="auto", help="NUTS implementation; auto takes nutpie when it is installed (default: %(default)s)")
    f.add_argument("--target-accept", type=float, default=None,
                   help="NUTS target acceptance rate; raise it if there are divergences (default: the model's: 0.98 for evidence, 0.95 for joint, 0.9 for the others)")
    f.add_argument("--rate-prior-from", type=existing_path, default=None, metavar="RUN.nc",
                   help="trend and joint models: take the pooled rate's prior from a perplexity run (Ho et al.'s loss-matched rate), "
                        "widened by --rate-prior-discrepancy; the run is saved as <model>_seed<S>_rate_prior.nc (docs/models.md)")
    f.add_argument("--rate-prior-discrepancy", type=nonnegative_float, default=None, metavar="SD",
                   help="with --rate-prior-from: sd of the difference between the loss-matched 2012-2023 rate and the benchmark-matched "
                        "rate since 2020, in orders of magnitude a year (default: 0.15)")
    f.add_argument("--variant", choices=PERPLEXITY_VARIANTS, default=None, help="perplexity model: which law variant (default: ho7, Ho et al.'s model 7)")
    f.add_argument("--data", default=None, help="data folder (default: $EFFCOMPUTE_DATA, else the bundled data)")
    f.add_argument("--out", type=path_arg, default=None, help="folder for the run's netCDF file (default: runs/, or the workspace's runs folder)")
    f.add_argument("--allow-unconverged", action="store_true", help="exit 0 even if the convergence gate fails")
    f.add_argument("--json", action="store_true", help="print one JSON object on stdout instead of the table")
    f.set_defaults(func=cmd_fit)

    su = sub.add_parser("summary", help="print the headline and diagnostics of a saved run")
    su.add_argument("run", type=existing_run_or_folder, help="a run saved by `effcompute fit`, or a folder of runs (lists them)")
    su.add_argument("--json", action="store_true", help="print one JSON object on stdout instead of the table")
    su.set_defaults(func=cmd_summary)

    ex = sub.add_parser("export", help="write a run's headline summaries as CSV, JSON or Markdown")
    ex.add_argument("run", type=existing_path, help="a run saved by `effcompute fit`")
    ex.add_argument("--format", choices=["csv", "json", "md"], default=None, help="headline summaries as CSV for spreadsheets, JSON for code, Markdown for documents")
    ex.add_argument("--draws", type=path_arg, default=None, metavar="FILE",
                    help="write the posterior draws of the headline quantities to FILE: columns chain, draw and one per quantity (CSV; Parquet for a .parquet name)")
    ex.add_argument("--out", type=path_arg, default=None, help="file to write (default: stdout); never the run itself")
    ex.add_argument("--force", action="store_true", help="overwrite --out or --draws if it exists")
    ex.set_defaults(func=cmd_export)

    te = sub.add_parser("tension", help="compare separately fitted evidence and trend runs")
    te.add_argument("evidence_run", type=existing_path, help="a saved run of the evidence model (bottom-up)")
    te.add_argument("trend_run", type=existing_path, help="a saved run of the trend model (top-down)")
    te.add_argument("--json", action="store_true", help="print one JSON object on stdout instead of the table")
    te.set_defaults(func=cmd_tension)

    d = sub.add_parser("data", help="check, show, import and cross-check the data tables")
    dsub = d.add_subparsers(dest="data_command", required=True)
    data_opt = dict(default=None, help="data folder (default: $EFFCOMPUTE_DATA, else the bundled data)")
    c = dsub.add_parser("check", help="validate every table and the links between them")
    c.add_argument("--data", **data_opt)
    c.set_defaults(func=cmd_data_check)
    sh = dsub.add_parser("show", help="print one table")
    sh.add_argument("table", choices=["hardware", "releases", "scores", "mfu", "matched_pairs", "costs"], help="which table to print")
    sh.add_argument("--data", **data_opt)
    sh.add_argument("--all-columns", action="store_true", help="include source and notes columns")
    sh.add_argument("--json", action="store_true", help="print the table as a JSON list of rows")
    sh.set_defaults(func=cmd_data_show)
    im = dsub.add_parser("import-epoch", help="convert an Epoch AI models CSV into our releases schema")
    im.add_argument("file", type=existing_path, help="Epoch AI's models CSV (all_ai_models.csv from epoch.ai/data)")
    im.add_argument("--out", type=path_arg, required=True, help="folder to write releases.csv into")
    im.add_argument("--since", type=date_arg, default=None, help="keep models published on or after this date")
    im.add_argument("--force", action="store_true", help="overwrite an existing releases.csv in --out")
    im.set_defaults(func=cmd_data_import_epoch)
    cc = dsub.add_parser("crosscheck", help="our figures vs Epoch's where both exist")
    cc.add_argument("--epoch", type=existing_path, default=None,
                    help=f"Epoch AI's all_ai_models.csv, downloaded from {EPOCH_DATA_URL} (default: the Epoch file in $EFFCOMPUTE_REFERENCE_DIR)")
    cc.add_argument("--tolerance", type=float, default=0.10, help="relative difference reported, as a fraction (default: %(default)s)")
    cc.add_argument("--data", **data_opt)
    cc.add_argument("--json", action="store_true", help="print the differences as a JSON list, with our source and the note that explains each")
    cc.set_defaults(func=cmd_data_crosscheck)

    for register in _command_modules():
        register(sub)
    return p


def _command_modules():
    """``register(subparsers)`` functions of the command groups kept in their own modules."""
    from effcompute import cli_check, cli_growth, cli_report, cli_workspace

    return [cli_workspace.register, cli_report.register, cli_check.register, cli_growth.register]


def main(argv=None) -> int:
    """Entry point of the ``effcompute`` console script (``argv`` None); tests pass ``argv`` and run in-process."""
    warnings.filterwarnings("ignore", category=FutureWarning, module="arviz")
    argv, debug = split_debug(list(sys.argv[1:] if argv is None else argv))
    quiet = QUIET_FLAG in argv
    args = build_parser().parse_args([a for a in argv if a != QUIET_FLAG])
    with quiet_pymc_logs(), progress.reporting(command_name(args), quiet=quiet):
        return run_guarded(args, debug)


if __name__ == "__main__":
    sys.exit(main())
