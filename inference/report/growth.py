"""The report of a growth run: growth by era, compute-threshold equivalents, the fan chart, diagnostics, provenance.

:func:`~effcompute.inference.report.build.build_report` hands growth runs here: the
answer, comparison, figure and model-check sections of the other models read quantities
(hardware and compute reductions since GPT-3, benchmark trends, PSIS-LOO on the curated
data) that a growth run does not have.
"""

from __future__ import annotations

from effcompute.inference.report.blocks import Figure, Report, Section, Table
from effcompute.inference.report.sections import diagnostics_section, provenance_section
from effcompute.inference.summary.numbers import INTERVAL_KIND, format_number

#: Dates of the threshold table besides the run's as-of date.
THRESHOLD_TABLE_DATES = ("2027-01-01", "2030-01-01")


def _flop_cell(s: dict) -> str:
    return f"{s['median']:.2g} ({s['lo80']:.2g} to {s['hi80']:.2g})"


def threshold_rows(posterior, settings: dict, as_of: str, thresholds=None, dates=THRESHOLD_TABLE_DATES) -> list[dict]:
    """Each threshold's equivalent FLOP at the as-of date and at each of ``dates``.

    Parameters
    ----------
    posterior : xarray.Dataset
        A growth run's posterior group.
    settings : dict
        The run's growth settings (``smoothness_years``).
    as_of : str
        The run's as-of date (first column).
    thresholds : sequence of dict, optional
        ``name``, ``flop`` and ``set`` of each; default
        :data:`~effcompute.inference.summary.growth_forecast.POLICY_THRESHOLDS`.
    dates : sequence of str
        Later dates.

    Returns
    -------
    list of dict
        Per threshold: ``name``, ``flop``, ``set`` and ``at`` (date -> :func:`~effcompute.inference.summary.growth_forecast.threshold_equivalent`).
    """
    from effcompute.inference.summary.growth_forecast import POLICY_THRESHOLDS, threshold_equivalent

    out = []
    for t in POLICY_THRESHOLDS if thresholds is None else thresholds:
        at = {d: threshold_equivalent(posterior, t["flop"], t["set"], d, settings["smoothness_years"]) for d in (as_of, *dates)}
        out.append({"name": t["name"], "flop": t["flop"], "set": str(t["set"]), "at": at})
    return out


def thresholds_section(view, thresholds=None) -> Section:
    """"Compute thresholds": a table of equivalent FLOP (median, 80% interval) at the as-of date, 2027 and 2030, and the figure."""
    from effcompute.inference.plots.growth import threshold_figure_from_run
    from effcompute.inference.plots.style import figure_png
    from effcompute.inference.summary.growth_forecast import THRESHOLD_EFFICIENCY
    from effcompute.models.growth_model import growth_settings

    settings = growth_settings(view.config)
    as_of = view.attrs["as_of"]
    rows = threshold_rows(view.idata.posterior, settings, as_of, thresholds)
    dates = [as_of, *THRESHOLD_TABLE_DATES]
    source = THRESHOLD_EFFICIENCY.format(source=settings["algorithms_source"])
    table = Table(["threshold", "FLOP", "set", *[f"equivalent on {d}" + (" (as of)" if d == as_of else "") for d in dates]],
                  [[r["name"], f"{r['flop']:.0e}", r["set"], *[_flop_cell(r["at"][d]["flop"]) for d in dates]] for r in rows],
                  f"Training FLOP that buys on each date the capability the threshold bought when it was set: posterior median and {INTERVAL_KIND} "
                  "80% interval (10th to 90th percentile).")
    fig, _ = threshold_figure_from_run(view.path, thresholds)
    first = rows[0]
    gain = first["at"][THRESHOLD_TABLE_DATES[0]]["efficiency_gain_x"]
    return Section("Compute thresholds", [
        "A compute threshold in law is fixed in FLOP, but the capability a FLOP buys grows with algorithmic efficiency. "
        f"For example, the capability {first['flop']:.0e} FLOP bought on {first['set']} ({first['name']}) takes "
        f"{format_number(gain['median'])}x less compute on {THRESHOLD_TABLE_DATES[0]} (80%: {format_number(gain['lo80'])}x to "
        f"{format_number(gain['hi80'])}x). Efficiency used: {source}.",
        table,
        Figure("threshold_equivalents", "Compute-threshold equivalents",
               f"Training FLOP that buys what each threshold bought when set, monthly to 2030: median line and {INTERVAL_KIND} posterior intervals "
               "of 50%, 80% and 95% mass; dashed: the threshold as set; dotted: the run's data end.", figure_png(fig)),
        "The same for any threshold and date: effcompute threshold FLOP --set DATE --at DATE --run RUN [--figure PNG].",
    ])


def growth_section(view) -> Section:
    """Growth per year by era (median and 80% interval) of every factor, and seed 002's claim as a probability."""
    from effcompute.inference.summary.growth_forecast import decomposition
    from effcompute.inference.summary.growth_report import ROW_LABELS, ROWS, efficiency_vs_resources
    from effcompute.models.base import quantities_from_roles
    from effcompute.models.growth_model import ERAS

    h = view.headline()
    d = decomposition(h, quantities_from_roles(view.attrs.get("roles", {})))
    rows = [[ROW_LABELS[c], *[f"{format_number(d[c][e]['median'])}x ({format_number(d[c][e]['lo80'])} to {format_number(d[c][e]['hi80'])})"
                              if e in d.get(c, {}) else "one rate, all eras" for e in ERAS]] for c in ROWS if c in d]
    e = efficiency_vs_resources(h, view.attrs["as_of"])
    blocks = [Table(["factor", *[f"{era} (x/year)" for era in ERAS]], rows,
                    f"Growth per year by era: posterior median and {INTERVAL_KIND} 80% interval; era boundaries learned."),
              f"P(efficiency grew faster than resources, {e['since']} to {e['until']}) = {e['p_efficiency_faster']:.0%} "
              f"(efficiency = {e['efficiency']}; resources = {e['resources']}; {e['claim']})."]
    blocks += [f"Note: {n}" for n in view.attrs.get("notes", [])]
    return Section("Growth by era", blocks)


def fan_section(view) -> Section:
    """The fan chart of every factor and of effective compute to 2035, with seed 000's clusters."""
    from effcompute.inference.plots.growth import INTERVAL_CAPTION, growth_fan_from_run
    from effcompute.inference.plots.style import figure_png

    fig, _ = growth_fan_from_run(view.path)
    return Section("Figures", [Figure("growth_fan", "Growth model fan chart",
                                      f"Each factor's trend and effective compute to 2035; {INTERVAL_CAPTION}; Epoch's rows to the data end.",
                                      figure_png(fig))])


def growth_data_note(view, data_dir=None) -> str:
    """Whether the growth tables in ``data_dir`` (default: the bundled Epoch subset) are the run's, by hash."""
    from effcompute.data.growth_data import load_growth_data

    try:
        tables = load_growth_data(data_dir)
    except (FileNotFoundError, ValueError) as err:
        return f"growth data not loaded ({err})"
    if tables.data_hash() != view.attrs["data_hash"]:
        return (f"the growth tables in {tables.data_dir} have hash {tables.data_hash()[:12]}, not the run's {view.attrs['data_hash'][:12]}; "
                "the fan chart's points come from them")
    return f"growth tables in {tables.data_dir} match the run's hash"


def build_growth_report(view, data_dir=None) -> Report:
    """The report of a growth run (see the module docstring)."""
    from effcompute.models.growth_model import growth_settings

    a = view.attrs
    diagnostics = diagnostics_section(view)
    for block in diagnostics.blocks:  # the shared caption speaks of the evidence model's factors
        if isinstance(block, Figure) and block.name == "pair":
            block.caption = "Joint posterior of the headline quantities; divergent transitions, if any, in red."
    provenance = provenance_section(view, growth_data_note(view, data_dir))
    for row in provenance.blocks[0].rows:  # the growth model has no seed-002 factor priors
        if row[0] == "factor priors":
            row[:] = ["algorithmic-term prior", growth_settings(view.config)["algorithms_source"]]
    return Report(
        title="Growth of effective compute and what a compute threshold is worth later",
        subtitle=f"effcompute report of growth run, seed {a['seed']}, as of {a['as_of']}, data {a['data_hash'][:12]}",
        sections=[growth_section(view), thresholds_section(view), fan_section(view), diagnostics, provenance],
    )
