"""The report of a fitted run: the answer first, then published figures beside it, the figures,
the model checks, the diagnostics and the data provenance.

:func:`build_report` assembles the content as plain blocks (paragraphs,
tables, PNG figures); :mod:`effcompute.inference.report.render` turns them
into a self-contained HTML page and a Markdown file with PNGs.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from effcompute import dims, progress
from effcompute.baseline import years_since_gpt3
from effcompute.inference.report.blocks import Report, Section, Table
from effcompute.inference.report.robustness import robustness_section
from effcompute.inference.report.sections import (
    checks_section,
    diagnostics_section,
    figures_section,
    provenance_section,
)
from effcompute.inference.runs.files import load_run
from effcompute.inference.summary.numbers import INTERVAL_KIND, format_months, format_multiplier
from effcompute.inference.summary.seed_mc import (
    epoch_interactive_comparison,
    seed_reported,
)
from effcompute.literature import (
    HO_ET_AL_2024_ABSTRACTS,
    HO_ET_AL_2024_CITATION,
    HO_ET_AL_2024_HALVING_MONTHS,
)
from effcompute.models.base import Role, quantities_from_roles


def _interval(row: dict, fmt) -> str:
    return f"{fmt(row['lo80'])} to {fmt(row['hi80'])}"


@dataclass
class RunView:
    """A loaded run and what the report derives from it."""

    idata: object
    config: object
    attrs: dict
    path: str

    @property
    def model(self) -> str:
        return self.attrs["model"]

    @property
    def years(self) -> float:
        return years_since_gpt3(dt.date.fromisoformat(self.attrs["as_of"]))

    def headline(self) -> dict:
        """The run's stored headline (headline key -> summary)."""
        return self.attrs["headline"]

    @property
    def loss_matched(self) -> bool:
        """A run whose estimand is loss-matched (the perplexity re-analysis), not GPT-3's reductions since 2020."""
        return self.row(Role.HALVING_LOSS_MATCHED)[0] is not None

    def row(self, *roles) -> tuple:
        """(Quantity, summary) of the first of ``roles`` the run reports, else (None, None)."""
        h = self.headline()
        quantities = quantities_from_roles(self.attrs.get("roles", {}))
        for role in roles:
            for q in quantities:
                if q.role == role and q.headline_key in h:
                    return q, h[q.headline_key]
        return None, None


#: Rows of the answer table, by role: the run's own label and unit say how each reads.
ANSWER_ROLES = (
    Role.HARDWARE, Role.HARDWARE_RATE, Role.COMPUTE, Role.COMPUTE_RATE, Role.COMPUTE_TOPDOWN, Role.COMPUTE_TOPDOWN_RATE,
    Role.HALVING_TOPDOWN, Role.HALVING_BOTTOM_UP, Role.HALVING_LOSS_MATCHED, Role.COMPUTE_RATE_LOSS_MATCHED,
)
FORMATTERS = {"x": format_multiplier, "x/year": format_multiplier, "months": format_months}


def answer_table(view: RunView) -> Table:
    """Medians with 80% intervals of the quantities people quote, the prior's median beside them."""
    rows = []
    for role in ANSWER_ROLES:
        q, row = view.row(role)
        if q is not None:
            fmt = FORMATTERS.get(q.unit, format_multiplier)
            unit = " (months)" if q.unit == "months" else ""
            rows.append([q.label + unit, fmt(row["median"]), _interval(row, fmt), _prior_median(q, row, fmt)])
    period = (f"perplexities published to {view.attrs['as_of']}" if view.loss_matched
              else f"GPT-3's training (2020-05) to {view.attrs['as_of']} ({view.years:.2f} years)")
    return Table(["quantity", "median", "80% interval", "prior median"], rows,
                 f"Posterior medians and {INTERVAL_KIND} 80% intervals (10th to 90th percentile), {period}.")


def _prior_median(q, row: dict, fmt) -> str:
    """The prior's median, or why it has none: a halving time whose prior 80% interval reaches zero or below (the prior
    allows compute needs that stay flat or grow) has no meaningful median."""
    prior = row.get("prior")
    if not prior:
        return ""
    if q.unit == "months" and min(prior["lo80"], prior["hi80"]) <= 0:
        return "none (the prior allows no halving)"
    return fmt(prior["median"])


def answer_sentence(view: RunView) -> str:
    if view.loss_matched:
        _, loss = view.row(Role.HALVING_LOSS_MATCHED)
        return (f"Loss-matched, 2012-2023: the compute that reaches the same WikiText/Penn Treebank perplexity halved every "
                f"{format_months(loss['median'])} months (80%: {_interval(loss, format_months)}; {view.model} model). This is Ho et al. 2024's "
                "question on their data, not GPT-3's benchmark scores since 2020.")
    parts = []
    _, r = view.row(Role.HARDWARE)
    if r:
        parts.append(f"{format_multiplier(r['median'])} less hardware (80%: {_interval(r, format_multiplier)})")
    _, r = view.row(Role.COMPUTE, Role.COMPUTE_TOPDOWN)
    if r:
        parts.append(f"{format_multiplier(r['median'])} less compute (80%: {_interval(r, format_multiplier)})")
    text = f"From GPT-3's training (2020-05) to {view.attrs['as_of']}, training a GPT-3-level model takes " + " and ".join(parts) + f" ({view.model} model)."
    _, r = view.row(Role.HALVING_TOPDOWN)
    if r:
        text += f" The compute needed for the same benchmark scores halves every {format_months(r['median'])} months (80%: {_interval(r, format_months)})."
    return text


def _halving_from_rate(per_year: float) -> float:
    return 12.0 * math.log(2.0) / math.log(per_year)


def comparison_table(view: RunView) -> Table:
    """This run beside seed 002, Epoch's interactive model (as the seed quotes it) and Ho et al. 2024.

    Totals cover different periods, so the per-year rates and halving times are the fair comparison.
    """
    seed, epoch, ho = seed_reported(), epoch_interactive_comparison(), HO_ET_AL_2024_HALVING_MONTHS

    def ours(fmt, *roles):
        _, r = view.row(*roles)
        return f"{fmt(r['median'])} ({_interval(r, fmt)})" if r else "-"

    halving_q, _ = view.row(Role.HALVING_TOPDOWN, Role.HALVING_BOTTOM_UP)
    which = "" if halving_q is None else (", top-down" if halving_q.role == Role.HALVING_TOPDOWN else ", bottom-up")
    epoch_compute_rate = epoch["algorithmic_per_year"]
    epoch_hw_rate = epoch["algorithmic_per_year"] * epoch["hardware_efficiency_per_year"]
    rows = [
        ["period", f"2020-05 to {view.attrs['as_of']} ({view.years:.2f} years)", "2020-05 to 2024-05 (4 years)", f"{epoch['years']:g} years", "2012 to 2023"],
        ["hardware reduction", ours(format_multiplier, Role.HARDWARE), format_multiplier(seed["hardware_reduction_median"]), format_multiplier(epoch[dims.HARDWARE_REDUCTION]), "-"],
        ["compute reduction", ours(format_multiplier, Role.COMPUTE, Role.COMPUTE_TOPDOWN), format_multiplier(seed["compute_reduction_median"]), format_multiplier(epoch[dims.COMPUTE_REDUCTION]), "-"],
        ["hardware reduction per year", ours(format_multiplier, Role.HARDWARE_RATE), format_multiplier(seed["hardware_per_year"]), format_multiplier(epoch_hw_rate), "-"],
        ["compute reduction per year", ours(format_multiplier, Role.COMPUTE_RATE, Role.COMPUTE_TOPDOWN_RATE), format_multiplier(seed["compute_per_year"]), format_multiplier(epoch_compute_rate),
         format_multiplier(2 ** (12 / ho["median"]))],
        [f"compute halving time (months{which} for this run)", ours(format_months, Role.HALVING_TOPDOWN, Role.HALVING_BOTTOM_UP),
         format_months(_halving_from_rate(seed["compute_per_year"])), format_months(_halving_from_rate(epoch_compute_rate)), f"{ho['median']} (95% CI {ho['lo95']} to {ho['hi95']})"],
    ]
    return Table(["", f"this run ({view.model}), median (80%)", "seed 002 (Monte Carlo medians)", "Epoch interactive model, as seed 002 quotes it", "Ho et al. 2024"], rows,
                 "Seed 002 and Epoch's figures are as the seed states them; halving times of seed 002 and Epoch are implied by their per-year rates. "
                 f"Ho et al. measure perplexity-matched pre-training progress, not benchmark-matched progress ({HO_ET_AL_2024_CITATION}; "
                 f"{HO_ET_AL_2024_ABSTRACTS}).")


def build_report(run_path, data_dir=None, with_loo: bool = True) -> Report:
    """Assemble the report of the run saved at ``run_path``.

    Parameters
    ----------
    run_path : path
        A run saved by ``effcompute fit`` (or ``effcompute growth``: a growth run gets the sections of
        :mod:`effcompute.inference.report.growth`, with compute-threshold equivalents).
    data_dir : path, optional
        Data folder the run was fitted on (default: as ``effcompute fit``); figures that need
        the data (scores, PSIS-LOO) are left out with a note when its hash differs from the run's.
    with_loo : bool
        Compute PSIS-LOO (rebuilds the model and its log-likelihood: a few seconds).
    """
    with progress.phase("load the run"):
        idata, config, attrs = load_run(run_path)
    view = RunView(idata, config, attrs, str(run_path))
    if config.model == "growth":
        from effcompute.inference.report.growth import build_growth_report

        return build_growth_report(view, data_dir)
    answer = Section("The answer", [answer_sentence(view), answer_table(view)])
    if attrs.get("tension") and config.learned_discrepancy:
        t = attrs["tension"]["log_ratio"]
        answer.blocks.append(
            f"The measured factors do not explain all of R_compute: R_compute over their product (the discrepancy) has median "
            f"{math.exp(t['median']):.2g}x (80%: {math.exp(t['lo80']):.2g}x to {math.exp(t['hi80']):.2g}x); the product alone is a route diagnostic, "
            "not the estimate."
        )
    elif attrs.get("tension"):
        t = attrs["tension"]["log_ratio"]
        answer.blocks.append(
            f"Bottom-up (the product of the factors) and top-down (the benchmark trend) disagree: in this run R_compute top-down / bottom-up has median "
            f"{math.exp(t['median']):.2g}x (80%: {math.exp(t['lo80']):.2g}x to {math.exp(t['hi80']):.2g}x). Quote the figures with this tension beside them."
        )
    answer.blocks += [f"Note: {n}" for n in attrs.get("notes", [])]
    if view.loss_matched:
        from effcompute.inference.report.perplexity import perplexity_section

        comparison = perplexity_section(view)
    else:
        comparison = Section("Beside published figures", [comparison_table(view)])
    report = Report(
        title="How much less hardware and compute a GPT-3-level model needs today",
        subtitle=f"effcompute report of {view.model} run, seed {attrs['seed']}, as of {attrs['as_of']}, data {attrs['data_hash'][:12]}",
        sections=[answer, comparison],
    )
    dataset, data_note = _matching_dataset(view, data_dir)
    with progress.phase("figures"):
        figures = figures_section(view, dataset)
    if figures.blocks:  # a perplexity run's figures are in its own section
        report.sections.append(figures)
    with progress.phase("predictive checks" + (" and PSIS-LOO" if with_loo else "")):
        report.sections.append(checks_section(view, dataset, with_loo))
    robust = robustness_section(run_path)
    if robust is not None:
        report.sections.append(robust)
    with progress.phase("diagnostics"):
        report.sections.append(diagnostics_section(view))
    report.sections.append(provenance_section(view, data_note))
    return report


def _matching_dataset(view: RunView, data_dir):
    """The data the run was fitted on, or (None, why not)."""
    from effcompute.data.load import load_dataset

    try:
        dataset = load_dataset(data_dir)
    except (FileNotFoundError, ValueError) as err:
        return None, f"data not loaded ({err}): figures that need the data are left out"
    if dataset.data_hash() != view.attrs["data_hash"]:
        return None, (f"the data folder {dataset.data_dir} has hash {dataset.data_hash()[:12]}, not the run's {view.attrs['data_hash'][:12]}: "
                      "figures that need the data (scores, PSIS-LOO) are left out; pass the run's data with --data")
    return dataset, f"data folder {dataset.data_dir} matches the run's hash"
