"""``effcompute check``: simulation-based calibration, prior sensitivity, influence and forecasts of unseen releases."""

from __future__ import annotations

import argparse
import json

from effcompute.cliargs import (
    config_field,
    date_arg,
    existing_path,
    path_arg,
    positive_int,
    print_json,
    print_result,
)
from effcompute.inference.sampling.settings import (
    DEFAULT_CHAINS,
    DEFAULT_CUT_CHAINS,
    DEFAULT_CUT_DRAWS,
    DEFAULT_CUT_IMPUTATIONS,
    DEFAULT_DRAWS,
    DEFAULT_TUNE,
)
from effcompute.models.config import TREND_BLOCK_MODELS
from effcompute.models.registry import FITTED_MODELS

DATA_OPT = dict(default=None, help="data folder (default: $EFFCOMPUTE_DATA, else the bundled data)")


def thin_arg(text: str) -> int | str:
    """``--thin``: a whole number >= 1, or ``ess`` (thin each simulation to its effective sample size)."""
    if text.strip().lower() == "ess":
        return "ess"
    try:
        return positive_int(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"{text!r} is neither a whole number >= 1 nor 'ess'") from None


def cmd_check_sbc(args) -> int:
    from effcompute.inference.checks.sbc import SBCSettings, run_sbc, save_sbc

    settings = SBCSettings(draws=args.draws, tune=args.tune, chains=args.chains, thin=args.thin)
    log_path = None
    if args.resume and not args.out:
        raise ValueError("check sbc --resume: needs --out, the folder whose per-simulation log is continued")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        log_path = args.out / f"sbc_{args.model}_sims.jsonl"
    fixed = dict(args.fix or [])
    summary, results = run_sbc(
        args.model, args.sims, args.seed, data_dir=args.data, workers=args.workers, settings=settings, prior=args.prior, log_path=log_path, fixed=fixed,
        resume=args.resume, screen_rhat=args.screen_rhat,
    )
    if args.out:
        summary["files"] = save_sbc(summary, results, args.out)
    if args.json:
        print_json(summary)
    else:
        kept = summary["kept_draws_per_sim"]
        kept = f"{kept['min']}-{kept['max']} (median {kept['median']:g})" if isinstance(kept, dict) else kept
        print(f"SBC {args.model}: {summary['sims']} simulations, {kept} kept draws each, "
              f"{summary['seconds_per_sim']['mean']:.2f} s per simulation, {summary['divergent_sims']} with divergences")
        if args.screen_rhat is not None:
            print(f"screen: {len(summary['screened_sims'])} of {summary['fitted_sims']} simulations left out, their chains disagreeing "
                  f"(max R-hat > {args.screen_rhat:g}); the bands below rank the other {summary['sims']}")
        print(f"{'quantity':44s}{'in band':>9s}{'cov50':>8s}{'cov80':>8s}{'cov90':>8s}")
        for name, row in summary["parameters"].items():
            cov = "".join(f"{row[k]:8.2f}" if k in row else f"{'':8s}" for k in ("coverage50", "coverage80", "coverage90"))
            print(f"{name:44s}{'yes' if row['in_band'] else 'NO':>9s}{cov}")
        if fixed:
            print(f"simulation study with {', '.join(f'{k}={v:g}' for k, v in fixed.items())} held fixed: read the coverage columns; "
                  "the rank bands do not apply")
        else:
            print("passed" if summary["passed"] else f"FAILED: outside band: {', '.join(summary['outside_band'])}")
    return 0 if (summary["passed"] or fixed) else 1


def name_value(text: str) -> tuple[str, float]:
    """``NAME=VALUE`` (a free variable held at a value) for ``check sbc --fix``."""
    name, sep, value = text.partition("=")
    try:
        if not sep or not name:
            raise ValueError
        return name.strip(), float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE (for example g_oom_per_year=0.3)") from None


def rhat_threshold(text: str) -> float:
    """An R-hat threshold for ``check sbc --screen-rhat``: a finite number above 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 1.0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be above 1 (R-hat is 1 when chains agree), for example 1.05")
    return value


def cmd_check_sensitivity(args) -> int:
    from effcompute.inference.checks.sensitivity import (
        format_sensitivity,
        run_sensitivity,
    )

    result = run_sensitivity(args.run, data_dir=args.data, against=args.against)
    print_result(result, args.json, format_sensitivity)
    return 0


def cmd_check_influence(args) -> int:
    from effcompute.inference.checks.influence import format_influence, run_influence

    result = run_influence(args.run, data_dir=args.data, top=args.top, refit=args.refit)
    print_result(result, args.json, format_influence)
    return 0


def cmd_check_forecast(args) -> int:
    from effcompute.inference.checks.forecast import format_forecast, run_forecast

    result = run_forecast(args.cutoff, data_dir=args.data, model_name=args.model, draws=args.draws, tune=args.tune, chains=args.chains, seed=args.seed,
                          quiet=False, config_fields=dict(args.config))
    print_result(result, args.json, format_forecast)
    return 0


def cmd_check_robustness(args) -> int:
    from effcompute.data.io import write_text_atomic
    from effcompute.inference.checks.robustness import format_robustness, run_robustness
    from effcompute.inference.report.robustness import robustness_path

    result = run_robustness(args.run, data_dir=args.data, draws=args.draws, tune=args.tune, chains=args.chains, seed=args.seed)
    result["saved"] = str(write_text_atomic(json.dumps(result, indent=2) + "\n", robustness_path(args.run)))
    print_result(result, args.json, format_robustness)
    return 0


def cmd_check_cut(args) -> int:
    from effcompute.data.io import write_text_atomic
    from effcompute.inference.checks.cut import cut_path, format_cut, run_cut

    result = run_cut(args.run, args.gain_from, data_dir=args.data, imputations=args.imputations, draws=args.draws, tune=args.tune,
                     chains=args.chains, seed=args.seed)
    result["saved"] = str(write_text_atomic(json.dumps(result, indent=2) + "\n", cut_path(args.run)))
    print_result(result, args.json, format_cut)
    return 0


def cmd_check_residuals(args) -> int:
    from effcompute.inference.checks.residuals import within_release_correlation
    from effcompute.inference.runs.files import load_run

    idata, _, _ = load_run(args.run)
    result = within_release_correlation(idata)
    print_result(result, args.json, lambda r: f"within-release correlation of standardized {r['term']} residuals: {r['correlation']:.3f} "
                                             f"({r['pairs']} pairs of scores in {r['releases']} releases)")
    return 0


def register(subparsers) -> None:
    """Add ``check`` and its subcommands to the top-level parser."""
    c = subparsers.add_parser("check", help="calibration, prior sensitivity, influence and forecast checks")
    csub = c.add_subparsers(dest="check_command", required=True)

    s = csub.add_parser("sbc", help="simulation-based calibration and parameter recovery of a model")
    s.add_argument("--model", choices=FITTED_MODELS, required=True, help="the model to calibrate")
    s.add_argument("--sims", type=positive_int, default=100, help="simulations: each draws parameters and data from the prior and refits (default: %(default)s)")
    s.add_argument("--seed", type=int, default=1, help="random seed of the simulations (default: %(default)s)")
    s.add_argument("--prior", choices=["seed", "weak"], default="seed", help="factor priors, as in `fit --prior` (default: %(default)s)")
    s.add_argument("--draws", type=positive_int, default=400, help="posterior draws per chain per simulation, before thinning (default: %(default)s)")
    s.add_argument("--tune", type=positive_int, default=400, help="tuning steps per chain per simulation (default: %(default)s)")
    s.add_argument("--chains", type=positive_int, default=1, help="chains per simulation (default: %(default)s)")
    s.add_argument("--thin", type=thin_arg, default=4,
                   help="keep every THIN-th draw for the ranks, or 'ess': about as many draws as each simulation's effective sample size (default: %(default)s)")
    s.add_argument("--screen-rhat", type=rhat_threshold, default=None, metavar="R",
                   help="rank only simulations whose chains agree (max R-hat <= R; needs --chains >= 2); the rest are counted, not ranked")
    s.add_argument("--workers", type=positive_int, default=None, help="worker processes (default: all cores)")
    s.add_argument("--fix", type=name_value, action="append", metavar="NAME=VALUE",
                   help="hold a free parameter at a known value in the simulations (a simulation study; repeatable)")
    s.add_argument("--data", **DATA_OPT)
    s.add_argument("--out", type=path_arg, default=None, help="folder for the summary JSON, ranks CSV, per-simulation log and ECDF plot (default: write no files)")
    s.add_argument("--resume", action="store_true",
                   help="continue the run whose per-simulation log is in --out (same model version, data, seed and sampling): "
                        "logged simulations are kept, the rest are fitted")
    s.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    s.set_defaults(func=cmd_check_sbc)

    se = csub.add_parser("sensitivity", help="power-scaling prior/likelihood sensitivity of a saved run's headline quantities")
    se.add_argument("run", type=existing_path, help="a run saved by `effcompute fit`")
    se.add_argument("--against", type=existing_path, default=None, help="a run of the same model under other priors, shown beside")
    se.add_argument("--data", **DATA_OPT)
    se.add_argument("--json", action="store_true", help="print the result as one JSON object")
    se.set_defaults(func=cmd_check_sensitivity)

    i = csub.add_parser("influence", help="PSIS-LOO Pareto k per observation and leave-one-source-out moves of R_compute")
    i.add_argument("run", type=existing_path, help="a run saved by `effcompute fit`")
    i.add_argument("--top", type=positive_int, default=10, help="observations listed, highest Pareto k first (default: %(default)s)")
    i.add_argument("--refit", action="store_true", help="refit without each source whose PSIS estimate is unreliable (k > 0.7)")
    i.add_argument("--data", **DATA_OPT)
    i.add_argument("--json", action="store_true", help="print the result as one JSON object")
    i.set_defaults(func=cmd_check_influence)

    rb = csub.add_parser("robustness", help="refit an evidence or joint run with the discrepancy's prior scale halved and doubled, and with weak "
                                            "factor priors; the compute reduction under each, and its ratio to the run's")
    rb.add_argument("run", type=existing_path, help="a saved evidence or joint run (.nc)")
    _add_refit_options(rb, DEFAULT_DRAWS, DEFAULT_CHAINS, "random seed of the refits (default: the run's)")
    rb.set_defaults(func=cmd_check_robustness)

    cu = csub.add_parser("cut", help="refit a trend run with MoE adopted and its gain fixed at draws of an evidence or joint run's (the releases "
                                     "do not inform it); the compute reduction against the run's")
    cu.add_argument("run", type=existing_path, help="a saved trend run (.nc)")
    cu.add_argument("--gain-from", type=existing_path, required=True, help="a saved evidence or joint run on the same data, whose MoE gain is used")
    cu.add_argument("--imputations", type=positive_int, default=DEFAULT_CUT_IMPUTATIONS,
                    help="gain values (equally spaced quantiles of its posterior), one refit each (default: %(default)s)")
    _add_refit_options(cu, DEFAULT_CUT_DRAWS, DEFAULT_CUT_CHAINS, "random seed of the first refit, the k-th uses seed + k (default: the run's)")
    cu.set_defaults(func=cmd_check_cut)

    r = csub.add_parser("residuals", help="correlation of a run's score residuals within releases (0: a release's scores independent given the model)")
    r.add_argument("run", type=existing_path, help="a run saved by `effcompute fit` of a model with benchmark scores")
    r.add_argument("--json", action="store_true", help="print the result as one JSON object")
    r.set_defaults(func=cmd_check_residuals)

    f = csub.add_parser("forecast", help="fit on releases before a cutoff, predict later releases' scores, MFU and costs")
    f.add_argument("--cutoff", type=date_arg, required=True, help="fit on releases before this date (YYYY-MM-DD), predict those on or after it")
    f.add_argument("--draws", type=positive_int, default=500, help="posterior draws per chain (default: %(default)s)")
    f.add_argument("--tune", type=positive_int, default=500, help="tuning steps per chain (default: %(default)s)")
    f.add_argument("--chains", type=positive_int, default=2, help="chains (default: %(default)s)")
    f.add_argument("--seed", type=int, default=1, help="random seed (default: %(default)s)")
    f.add_argument("--model", choices=TREND_BLOCK_MODELS, default="joint", help="the model to fit and forecast with (default: %(default)s)")
    f.add_argument("--config", type=config_field, action="append", default=[], metavar="KEY=VALUE",
                   help="a model setting other than the default, e.g. adoption=moe or conditional_pairs=exclude (repeatable)")
    f.add_argument("--data", **DATA_OPT)
    f.add_argument("--json", action="store_true", help="print the result as one JSON object")
    f.set_defaults(func=cmd_check_forecast)


def _add_refit_options(parser, draws: int, chains: int, seed_help: str) -> None:
    """Sampling options of a check that refits a saved run (draws, tune, chains, seed), and --data and --json."""
    parser.add_argument("--draws", type=positive_int, default=draws, help="posterior draws per chain of each refit (default: %(default)s)")
    parser.add_argument("--tune", type=positive_int, default=DEFAULT_TUNE, help="tuning steps per chain of each refit (default: %(default)s)")
    parser.add_argument("--chains", type=positive_int, default=chains, help="chains of each refit (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=None, help=seed_help)
    parser.add_argument("--data", **DATA_OPT)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
