"""``effcompute growth`` (seed 003's tables, the growth model's fit, predictions), ``threshold``, ``growth-split`` and ``growth-data``."""

from __future__ import annotations

import datetime as dt
import sys

from effcompute.cliargs import date_arg, existing_path, path_arg, positive_int, print_json, print_result

FRONTIER_HELP = ("'frontier' as Epoch AI's 'Frontier model' flag defines it (a model among the top 10 by training compute when it was published; "
                 "any domain)")
PROJECTION_DATES = (dt.date(2030, 1, 1), dt.date(2035, 1, 1))


def growth_overrides(args) -> dict | None:
    """``ModelConfig.growth`` from ``--algorithmic-run`` (None: the defaults)."""
    if not args.algorithmic_run:
        return None
    from effcompute.inference.summary.growth_forecast import algorithmic_prior_from_run

    return algorithmic_prior_from_run(args.algorithmic_run)


def fit_growth(args) -> dict:
    """Fit the growth model on the growth tables, save the run; the fit's result with decomposition and published rates."""
    from effcompute.data.growth_data import load_growth_data
    from effcompute.inference.runs.fit_workflow import default_out_dir, run_fit

    return run_fit(
        "growth", dataset=load_growth_data(args.data), out_dir=args.out or default_out_dir(), draws=args.draws, tune=args.tune,
        chains=args.chains, seed=args.seed, as_of=args.as_of, target_accept=args.target_accept, growth=growth_overrides(args),
    )


def saved_growth_result(path) -> dict:
    """What :func:`fit_growth` returns, read from a saved growth run (``growth --run RUN``: no refit)."""
    from effcompute.inference.summary.growth_forecast import load_growth_run

    _, _, attrs = load_growth_run(path)
    conv = attrs["convergence"]
    return {"model": "growth", "converged": conv["converged"], "failures": conv.get("failures", []),
            "diagnostics": {k: v for k, v in conv.items() if k not in ("converged", "failures")}, "headline": attrs["headline"],
            "as_of": attrs["as_of"], "notes": attrs.get("notes", []), "counts": attrs.get("counts"), "path": str(path)}


def growth_run_path(args) -> str:
    """``--run``, else the path of a fresh fit (refused when it fails the gate)."""
    if args.run is not None:
        return str(args.run)
    print("fitting the growth model (pass --run RUN to use a saved one)...", file=sys.stderr)
    result = fit_growth(args)
    if not result["converged"] and not args.allow_unconverged:
        raise ValueError(f"the growth fit did not pass the convergence gate ({'; '.join(result['failures'])}); pass --allow-unconverged to use it")
    return result["path"]


def cmd_growth(args) -> int:
    if args.seed_table:
        from effcompute.inference.summary.seed_report import format_growth_report
        from effcompute.models.growth import compare_with_seed_tables

        tables = compare_with_seed_tables(args.calendar)
        if args.json:
            print_json({"calendar": args.calendar, "tables": tables})
        else:
            print(format_growth_report(tables))
        return 0
    from effcompute.data.growth_data import load_growth_data
    from effcompute.inference.summary.growth_forecast import decomposition, load_growth_run, predict_from_run
    from effcompute.inference.summary.growth_report import efficiency_vs_resources, format_growth_fit, format_predictions, published_beside
    from effcompute.inference.summary.growth_windows import window_rates
    from effcompute.models.base import quantities_from_roles

    if args.predict:
        result = {"predictions": predict_from_run(growth_run_path(args), args.predict, seed=args.seed)}
        print_result(result, args.json, format_predictions)
        return 0
    if args.fan_chart:
        return write_fan_chart(args)
    result = saved_growth_result(args.run) if args.run is not None else fit_growth(args)
    _, _, attrs = load_growth_run(result["path"])
    result["decomposition"] = decomposition(result["headline"], quantities_from_roles(attrs["roles"]))
    result["efficiency_vs_resources"] = efficiency_vs_resources(result["headline"], result["as_of"])
    result["published"] = published_beside(result["decomposition"], windows=window_rates(load_growth_data(args.data)))
    result["projections"] = predict_from_run(result["path"], PROJECTION_DATES, seed=args.seed)
    print_result(result, args.json, format_growth_fit)
    if not result["converged"] and not args.allow_unconverged:
        print("effcompute growth: the run did not pass the convergence gate (saved, marked UNCONVERGED)", file=sys.stderr)
        return 1
    return 0


def write_fan_chart(args) -> int:
    """``growth --fan-chart PNG``: the fan chart of a saved (or fresh) run with seed 000's clusters; prints what it placed."""
    from effcompute.inference.plots.growth import growth_fan_from_run
    from effcompute.inference.plots.style import pyplot
    from effcompute.inference.summary.growth_report import format_fan_chart

    fig, info = growth_fan_from_run(growth_run_path(args), until=args.until)
    args.fan_chart.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.fan_chart, dpi=110, bbox_inches="tight")
    pyplot().close(fig)
    print_result({"figure": str(args.fan_chart), **info}, args.json, format_fan_chart)
    return 0


def cmd_threshold(args) -> int:
    from effcompute.inference.summary.growth_forecast import THRESHOLD_EFFICIENCY, load_growth_run, threshold_equivalent
    from effcompute.inference.summary.growth_report import format_threshold

    path = growth_run_path(args)
    idata, settings, _ = load_growth_run(path)
    posterior = idata.posterior
    result = {"threshold_flop": args.flop, "set": str(args.set), "at": str(args.at), "run": path,
              "efficiency_source": THRESHOLD_EFFICIENCY.format(source=settings["algorithms_source"]),
              **threshold_equivalent(posterior, args.flop, args.set, args.at, settings["smoothness_years"])}
    if args.figure:
        result["figure"] = write_threshold_figure(args, path)
    print_result(result, args.json, format_threshold)
    return 0


def write_threshold_figure(args, path) -> str:
    """``threshold --figure PNG``: the threshold's equivalent FLOP from its set date to ``--until``; the PNG's path."""
    from effcompute.inference.plots.growth import threshold_figure_from_run
    from effcompute.inference.plots.style import pyplot
    from effcompute.inference.summary.growth_forecast import POLICY_THRESHOLDS

    known = {(t["flop"], t["set"]): t["name"] for t in POLICY_THRESHOLDS}
    drawn = [{"name": known.get((args.flop, str(args.set)), f"{args.flop:.3g} FLOP"), "flop": args.flop, "set": str(args.set)}]
    if args.with_policy:
        drawn += [t for t in POLICY_THRESHOLDS if (t["flop"], t["set"]) != (args.flop, str(args.set))]
    fig, _ = threshold_figure_from_run(path, drawn, until=args.until)
    args.figure.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.figure, dpi=110, bbox_inches="tight")
    pyplot().close(fig)
    return str(args.figure)


def cmd_growth_data(args) -> int:
    from effcompute.data.growth_data import DATA_END, import_growth_subset

    counts = import_growth_subset(args.models, args.hardware, args.out, end=args.end or DATA_END)
    for name, c in counts.items():
        print(f"wrote {c['kept']} of {c['read']} row(s) to {args.out / name}")
    return 0


def cmd_growth_split(args) -> int:
    from effcompute.inference.checks.growth_split import format_growth_split, run_growth_split

    result = run_growth_split(args.cutoff, data_dir=args.data, out_dir=args.out or "runs/growth_split", draws=args.draws, tune=args.tune,
                              chains=args.chains, seed=args.seed, target_accept=args.target_accept, growth=growth_overrides(args))
    print_result(result, args.json, format_growth_split)
    return 0 if result["converged"] and result["n"] and 0.7 <= result["coverage80"] <= 0.9 else 1


def _fit_options(p) -> None:
    p.add_argument("--run", type=existing_path, default=None, help="a saved growth run (default: fit the model now)")
    p.add_argument("--algorithmic-run", type=existing_path, default=None,
                   help="a trend or joint run whose top-down efficiency rate is the algorithmic term's 2018-2025 prior (default: Ho et al. 2024)")
    p.add_argument("--data", default=None, help="folder with frontier_models.csv and hardware_prices.csv (default: the bundled Epoch subset)")
    p.add_argument("--as-of", type=date_arg, default=None, help="fit on rows published up to this date (default: the data's end, 2025-03-31)")
    p.add_argument("--draws", type=positive_int, default=2000, help="posterior draws per chain (default: %(default)s)")
    p.add_argument("--tune", type=positive_int, default=1000, help="tuning steps per chain (default: %(default)s)")
    p.add_argument("--chains", type=positive_int, default=4, help="chains (default: %(default)s)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default: %(default)s)")
    p.add_argument("--target-accept", type=float, default=0.98, help="NUTS target acceptance rate (default: %(default)s)")
    p.add_argument("--out", type=path_arg, default=None, help="folder for the run's netCDF file (default: runs/)")
    p.add_argument("--allow-unconverged", action="store_true", help="use (and exit 0 on) a fit that fails the convergence gate")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")


def register(subparsers) -> None:
    """Add ``growth``, ``threshold`` and ``growth-data`` to the top-level parser."""
    g = subparsers.add_parser("growth", help="growth of effective compute: the growth model's fit (default), --predict, or seed 003's --seed-table",
                              description="Without flags: fit the growth model (frontier compute, GPU price-performance, training costs; "
                                          f"Epoch AI data) and print the decomposition by era. --predict: {FRONTIER_HELP}.")
    g.add_argument("--seed-table", action="store_true", help="recompute seed 003's growth tables from its exponents")
    g.add_argument("--calendar", choices=["seed", "continuous"], default="seed", help="how years map to eras (seed: as the seed's first table counts them; default: %(default)s)")
    g.add_argument("--predict", type=date_arg, nargs="+", metavar="DATE", default=None,
                   help=f"predictive log10 training FLOP of a frontier model published on each DATE; {FRONTIER_HELP}")
    g.add_argument("--fan-chart", type=path_arg, default=None, metavar="PNG",
                   help="draw the fan chart of every factor and of effective compute, with seed 000's cluster comparison, to PNG")
    g.add_argument("--until", type=float, default=2035.0, help="last year of the fan chart (default 2035)")
    _fit_options(g)
    g.set_defaults(func=cmd_growth)

    t = subparsers.add_parser("threshold", help="training FLOP at a later date that buys the capability a compute threshold bought when set",
                              description="Uses the growth model's algorithmic-efficiency posterior (in this version its Ho et al. 2024 prior; "
                                          "no likelihood conditions it yet).")
    t.add_argument("flop", type=float, help="the threshold, training FLOP (e.g. 1e25)")
    t.add_argument("--set", type=date_arg, required=True, help="date the threshold was set")
    t.add_argument("--at", type=date_arg, required=True, help="date its equivalent is wanted")
    t.add_argument("--figure", type=path_arg, default=None, metavar="PNG",
                   help="also draw the equivalent FLOP month by month from --set to --until (median; 50/80/95%% equal-tailed bands) to PNG "
                        "(default: no figure)")
    t.add_argument("--until", type=date_arg, default=dt.date(2030, 1, 1), help="last date of --figure (default 2030-01-01)")
    t.add_argument("--with-policy", action="store_true",
                   help="--figure also draws the EU AI Act's 1e25 FLOP (set 2024-08-01) and US Executive Order 14110's 1e26 FLOP (set 2023-10-30)")
    _fit_options(t)
    t.set_defaults(func=cmd_threshold)

    s = subparsers.add_parser("growth-split", help="time-split check: fit the growth model to a cutoff, predict later frontier models' compute")
    s.add_argument("--cutoff", type=date_arg, default=dt.date(2024, 3, 31), help="fit on frontier models published up to this date, predict the later ones (default: %(default)s)")
    _fit_options(s)
    s.set_defaults(func=cmd_growth_split)

    d = subparsers.add_parser("growth-data", help="re-cut the growth model's Epoch subset from newer Epoch downloads")
    d.add_argument("models", type=existing_path, help="Epoch's all_ai_models.csv")
    d.add_argument("hardware", type=existing_path, help="Epoch's ml_hardware.csv")
    d.add_argument("--out", type=path_arg, required=True, help="folder to write frontier_models.csv and hardware_prices.csv into")
    d.add_argument("--end", type=date_arg, default=None, help="last publication / release date kept (default 2025-03-31)")
    d.set_defaults(func=cmd_growth_data)
