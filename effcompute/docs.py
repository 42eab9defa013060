"""``python -m effcompute.docs``: the answer in README.md and docs/results.md, generated from saved runs.

The figures a reader quotes are written by this module from the runs that made them, never by hand, so README,
docs/results.md and a run's report cannot disagree. It reads, from one folder (default ``runs/``):

- ``joint_seed1.nc``, ``evidence_seed1.nc``, ``trend_seed1.nc``: ``effcompute fit --model M`` (default settings),
- ``joint_seed1.robustness.json``: ``effcompute check robustness runs/joint_seed1.nc``,

and replaces the text between ``<!-- effcompute.docs:NAME -->`` and ``<!-- /effcompute.docs:NAME -->`` in each
document: ``answer`` in README.md, ``results`` and ``robustness`` in docs/results.md. With ``--check`` it writes
nothing and exits 1 when a document differs from what the runs give (a stale README), naming the block.

Numbers are medians with 80% equal-tailed intervals (10th-90th percentiles); every block states the runs' data
hash, seed and library versions.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from effcompute.data.documents import read_json_file
from effcompute.models.base import Role

ROUTES = ("joint", "evidence", "trend")


class DocsError(ValueError):
    """A run or document the generator cannot use (named in the message)."""


@dataclass
class Sources:
    """The saved runs and the robustness check the documents quote."""

    headlines: dict  # model -> headline dict as fitted (run attrs)
    attrs: dict  # model -> run attrs
    quantities: dict  # model -> its headline Quantity list (roles say what each answers)

    def row(self, model: str, role: str, *, required: bool = True) -> dict | None:
        """The summary (median, lo80, hi80, ...) of the first quantity of ``model`` with ``role``, as a multiplier
        where the model stores a log ratio."""
        from effcompute.inference.summary.tension import LOG_RATIO

        q = next((q for q in self.quantities[model] if q.role == role and q.headline_key in self.headlines[model]), None)
        if q is None:
            if required:
                raise DocsError(f"the {model} run reports no {role}; refit it with this version")
            return None
        row = self.headlines[model][q.headline_key]
        return _ratio(row) if q.unit == LOG_RATIO else row

    def rows(self, model: str, role: str) -> list[tuple[str, dict]]:
        """(display name, summary) of every quantity of ``model`` with ``role``, in model order; the display name
        of a factor's element (Transformer++, mixture of experts, ...) where the quantity selects one."""
        from effcompute.inference.plots.style import LABELS

        def name(q) -> str:
            element = next(iter((q.select or {}).values()), None)
            return LABELS.get(element, q.label)

        return [(name(q), self.headlines[model][q.headline_key]) for q in self.quantities[model]
                if q.role == role and q.headline_key in self.headlines[model]]
    tension: dict  # tension_between_runs(evidence, trend)
    robustness: dict  # the saved `check robustness` result of the joint run


def quote(v: float, unit: str = "") -> str:
    """A number as the documents quote it: 56, 126, 1,071, 8.5, 2.25, 0.63 (3 significant figures below 10)."""
    if v is None or not np.isfinite(v):
        return "-"
    if unit == "months":
        return f"{v:.1f}"
    return f"{v:,.0f}" if abs(v) >= 10 else f"{v:#.3g}"


def quote_row(row: dict, unit: str = "x") -> str:
    """``56x (32-108)``, ``8.5 months (6.5-11.7)``: the median and the 80% equal-tailed interval."""
    if unit == "months":
        return f"{quote(row['median'], 'months')} months ({quote(row['lo80'], 'months')}-{quote(row['hi80'], 'months')})"
    if unit == "log10":
        return f"10^{row['median']:.2f} ({row['lo80']:.2f}-{row['hi80']:.2f})"
    return f"{quote(row['median'])}{unit} ({quote(row['lo80'])}-{quote(row['hi80'])})"


def _load(runs: Path) -> Sources:
    from effcompute.inference.runs.files import load_run
    from effcompute.inference.summary.tension import tension_between_runs
    from effcompute.models.base import quantities_from_roles

    loaded = {}
    for model in ROUTES:
        path = runs / f"{model}_seed1.nc"
        if not path.exists():
            flag = "" if model == "joint" else f" --model {model}"
            raise DocsError(f"{path}: missing; make it with `effcompute fit{flag} --out {runs}`")
        idata, config, attrs = load_run(path)
        if config.model != model:
            raise DocsError(f"{path}: holds a {config.model} run, not a {model} run")
        loaded[model] = (idata, attrs)
    hashes = {m: a["data_hash"] for m, (_, a) in loaded.items()}
    if len(set(hashes.values())) != 1:
        raise DocsError(f"{runs}: the runs were fitted on different data (data_hash {hashes}); refit them on one data set")
    from effcompute.inference.report.robustness import robustness_path as saved_robustness

    robustness_path = saved_robustness(runs / "joint_seed1.nc")
    if not robustness_path.exists():
        raise DocsError(f"{robustness_path}: missing; make it with `effcompute check robustness {runs / 'joint_seed1.nc'}`")
    robustness = read_json_file(robustness_path, DocsError)
    joint, target = loaded["joint"][1]["headline"], robustness.get("target")
    if target not in joint or target not in robustness.get("original", {}):
        raise DocsError(f"{robustness_path}: field 'target' is {target!r}, not a quantity of {runs / 'joint_seed1.nc'}; rerun `effcompute check robustness`")
    if not np.isclose(robustness["original"][target]["median"], joint[target]["median"], rtol=1e-9):
        raise DocsError(f"{robustness_path}: field 'original' ({target} median {robustness['original'][target]['median']:.4g}) is from "
                        f"another run than {runs / 'joint_seed1.nc'} ({joint[target]['median']:.4g}); rerun `effcompute check robustness`")
    (ev, ev_attrs), (tr, tr_attrs) = loaded["evidence"], loaded["trend"]
    tension = tension_between_runs(ev, quantities_from_roles(ev_attrs["roles"]), tr, quantities_from_roles(tr_attrs["roles"]))
    return Sources({m: a["headline"] for m, (_, a) in loaded.items()}, {m: a for m, (_, a) in loaded.items()},
                   {m: quantities_from_roles(a["roles"]) for m, (_, a) in loaded.items()}, tension, robustness)


def provenance(src: Sources) -> str:
    """One line: data hash, seed, versions, and the commands that made the runs."""
    a = src.attrs["joint"]
    versions = a.get("versions", {})
    shown = ", ".join(f"{k} {versions[k]}" for k in ("effcompute", "pymc", "pytensor", "arviz", "nutpie") if k in versions)
    return (f"*Generated by `python -m effcompute.docs` from `effcompute fit --model joint|evidence|trend` (seed {a['seed']}) and "
            f"`effcompute check robustness`; data hash `{a['data_hash'][:12]}`; {shown}.*")


def _ratio(log_summary: dict) -> dict:
    return {k: float(np.exp(log_summary[k])) for k in ("median", "lo80", "hi80")}


def answer_block(src: Sources) -> str:
    """README's answer: the three headline rows, which number to quote, the routes and the robustness range."""
    rob = robustness_summary(src.robustness)
    joint_compute = src.row("joint", Role.COMPUTE)
    rows = [
        "| | the estimate (joint) | route: measured factors alone (evidence) | route: benchmark trend alone (trend) |",
        "| --- | --- | --- | --- |",
        f"| compute reduction since GPT-3 | **{quote_row(joint_compute)}** | {quote_row(src.row('evidence', Role.COMPUTE))} | "
        f"{quote_row(src.row('trend', Role.COMPUTE_TOPDOWN))} |",
        f"| hardware reduction since GPT-3 | **{quote_row(src.row('joint', Role.HARDWARE))}** | "
        f"{quote_row(src.row('evidence', Role.HARDWARE))} | |",
        f"| compute halving time (MMLU 5-shot) | {quote_row(src.row('joint', Role.HALVING_TOPDOWN), 'months')} | "
        f"{quote_row(src.row('evidence', Role.HALVING_BOTTOM_UP), 'months')} | {quote_row(src.row('trend', Role.HALVING_TOPDOWN), 'months')} |",
    ]
    return f"""{chr(10).join(rows)}

Quote the joint figures. R_compute is GPT-3's training FLOP over the compute-optimal-equivalent FLOP a mean
release needs today to reach GPT-3's MMLU 5-shot; R_hardware multiplies it by the hardware-efficiency gain (MFU
and number format, {quote(src.row('joint', Role.HARDWARE_EFFICIENCY)['median'])}x). The measured factors (Transformer++, mixture-of-experts,
Chinchilla as GPT-3's allocation penalty under the loss law, data quality) explain it up to a learned
discrepancy of {quote_row(src.row('joint', Role.TENSION))}; the two routes are diagnostics, and fitted apart,
top-down over bottom-up, they differ by {quote_row(_ratio(src.tension['log_ratio']))}. Halving or doubling the
discrepancy's prior scale moves the joint compute reduction by {rob['scale_moves']}; two beliefs no data here check
move it more: centring the discrepancy at seed 002's guess of unpublished gains gives {rob['centred']}, and weak
factor priors instead of seed 002's give {rob['weak']}, because the bottom-up route is still mostly its priors
(`effcompute check robustness`, [docs/results.md](docs/results.md)). Quote
{quote(joint_compute['median'])}x with that range beside it.

{provenance(src)}"""


ROBUSTNESS_LABELS = {
    "discrepancy_scale_0.5": "discrepancy scale halved",
    "discrepancy_scale_2": "discrepancy scale doubled",
    "discrepancy_centre_seed_unpublished": "discrepancy centred at seed 002's unpublished median",
    "weak_factor_priors": "weak factor priors (HalfNormal(1.5) on each log-gain; the prior sources' rows then enter)",
}


def robustness_summary(result: dict) -> dict:
    """The phrases README quotes from a robustness check: how far the scale variants move it, the other two medians."""
    by_name = {v["name"]: v for v in result["variants"]}
    target = result["target"]

    def median_of(name: str) -> str:
        v = by_name.get(name)
        if v is None:
            raise DocsError(f"the robustness check has no variant {name!r} (it has {', '.join(by_name)}); rerun `effcompute check robustness`")
        mark = "" if v["converged"] else " (that refit did not pass the convergence gate)"
        return f"{quote(v['headline'][target]['median'])}x{mark}"

    moves = sorted(abs(by_name[n]["compute_reduction_ratio"] - 1) * 100 for n in ("discrepancy_scale_0.5", "discrepancy_scale_2"))
    return {"scale_moves": f"{moves[0]:.0f}-{moves[1]:.0f}%", "centred": median_of("discrepancy_centre_seed_unpublished"), "weak": median_of("weak_factor_priors")}


def robustness_block(src: Sources) -> str:
    """docs/results.md's robustness table (one row per variant, with its ratio to the run and its gate)."""
    result, target = src.robustness, src.robustness["target"]
    lines = ["| variant | compute reduction | ratio to the run's median | gate |", "| --- | --- | --- | --- |",
             f"| the run | {quote_row(result['original'][target])} | 1.00 | passed |"]
    for v in result["variants"]:
        changes = ", ".join(f"{k} {val:.3g}" for k, val in v.get("changes", {}).items() if isinstance(val, (int, float)))
        label = ROBUSTNESS_LABELS.get(v["name"], v["name"]) + (f" ({changes})" if changes else "")
        gate = "passed" if v["converged"] else "; ".join(v["failures"]) or "failed"
        lines.append(f"| {label} | {quote_row(v['headline'][target])} | {v['compute_reduction_ratio']:.2f} | {gate} |")
    return "\n".join(lines) + f"\n\n{provenance(src)}"


def results_block(src: Sources) -> str:
    """docs/results.md's table of the current figures: the joint estimate and both routes, row by row."""

    def cell(model: str, role: str, unit: str = "x") -> str:
        row = src.row(model, role, required=False)
        return quote_row(row, unit) if row is not None else ""

    def factors(model: str) -> str:
        return ", ".join(f"{label} {quote(row['median'])}x" for label, row in src.rows(model, Role.FACTOR))

    rows = [
        ("**compute reduction since GPT-3**", f"**{cell('joint', Role.COMPUTE)}**", cell("evidence", Role.COMPUTE), cell("trend", Role.COMPUTE_TOPDOWN)),
        ("**hardware reduction since GPT-3**", f"**{cell('joint', Role.HARDWARE)}**", cell("evidence", Role.HARDWARE), ""),
        ("compute halving time, MMLU 5-shot (evidence: bottom-up)", cell("joint", Role.HALVING_TOPDOWN, "months"),
         cell("evidence", Role.HALVING_BOTTOM_UP, "months"), cell("trend", Role.HALVING_TOPDOWN, "months")),
        ("compute halving time, pooled over benchmarks", cell("joint", Role.HALVING_POOLED, "months"), "", cell("trend", Role.HALVING_POOLED, "months")),
        ("frontier (90% quantile of release and lab effects)", cell("joint", Role.COMPUTE_TOPDOWN_FRONTIER), "",
         cell("trend", Role.COMPUTE_TOPDOWN_FRONTIER)),
        ("product of the measured factors (route diagnostic)", cell("joint", Role.COMPUTE_MEASURED), cell("evidence", Role.COMPUTE), ""),
        ("discrepancy: R_compute / product of the measured factors", cell("joint", Role.TENSION), "", ""),
        ("factor multipliers (medians)", factors("joint"), factors("evidence"), ""),
        ("GPT-3's allocation penalty under the loss law (the Chinchilla factor)", cell("joint", Role.ALLOCATION_PENALTY), "",
         cell("trend", Role.ALLOCATION_PENALTY)),
        ("hardware-efficiency gain (MFU, number format)", cell("joint", Role.HARDWARE_EFFICIENCY), cell("evidence", Role.HARDWARE_EFFICIENCY), ""),
        ("compute-optimal FLOP to match GPT-3's MMLU at the latest release date", cell("joint", Role.FLOP_TO_MATCH, "log10"), "",
         cell("trend", Role.FLOP_TO_MATCH, "log10")),
    ]
    lines = ["| quantity | joint (the estimate) | route: evidence alone (measured factors) | route: trend alone |", "| --- | --- | --- | --- |"]
    lines += [f"| {' | '.join(r)} |" for r in rows]
    r = src.tension["log_ratio"]
    lines += ["", f"Routes fitted apart (`effcompute tension EVIDENCE_RUN TREND_RUN`): top-down over bottom-up "
                  f"{quote_row(_ratio(r))}, P(top-down below bottom-up) = {src.tension['p_topdown_below']:.0%}.", "", gate_line(src), "", provenance(src)]
    return "\n".join(lines)


def gate_line(src: Sources) -> str:
    """Each run's convergence: max R-hat, min bulk / tail ESS, divergences."""
    parts = []
    for model in ROUTES:
        d = src.attrs[model].get("convergence", {})
        if not d:
            continue
        parts.append(f"{model}: max R-hat {d.get('max_rhat', float('nan')):.3f}, min bulk / tail ESS "
                     f"{d.get('min_ess_bulk', float('nan')):,.0f} / {d.get('min_ess_tail', float('nan')):,.0f}, "
                     f"{d.get('divergences', 0)} divergences")
    return "Convergence: " + "; ".join(parts) + "." if parts else ""


BLOCKS = {"README.md": {"answer": answer_block}, "docs/results.md": {"results": results_block, "robustness": robustness_block}}


def replace_block(text: str, name: str, content: str, where: str) -> str:
    """``text`` with the body between the block's two markers replaced by ``content``."""
    start, end = f"<!-- effcompute.docs:{name} -->", f"<!-- /effcompute.docs:{name} -->"
    pattern = re.compile(re.escape(start) + r"\n.*?" + re.escape(end), re.S)
    if len(pattern.findall(text)) != 1:
        raise DocsError(f"{where}: needs exactly one block between {start} and {end}")
    return pattern.sub(lambda _: f"{start}\n{content.strip()}\n{end}", text)


def generate(runs: Path, root: Path) -> dict[Path, tuple[str, str]]:
    """Each document's path -> (current text, generated text)."""
    src = _load(runs)
    out = {}
    for name, blocks in BLOCKS.items():
        path = root / name
        if not path.exists():
            raise DocsError(f"{path}: missing (run from the repository root or pass --root)")
        old = path.read_text()
        new = old
        for block, render in blocks.items():
            new = replace_block(new, block, render(src), str(path))
        out[path] = (old, new)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m effcompute.docs", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=Path, default=Path("runs"), help="folder of the saved runs (default: %(default)s)")
    parser.add_argument("--root", type=Path, default=Path("."), help="repository root holding README.md and docs/ (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a document differs from what the runs give")
    args = parser.parse_args(argv)
    try:
        docs = generate(args.runs, args.root)
    except KeyError as err:
        print(f"effcompute.docs: a run in {args.runs} has no headline quantity {err}; refit it with this version", file=sys.stderr)
        return 2
    except (ValueError, OSError) as err:  # DocsError, and a run file another version cannot read
        print(f"effcompute.docs: {err}", file=sys.stderr)
        return 2
    stale = [path for path, (old, new) in docs.items() if old != new]
    if args.check:
        for path in stale:
            print(f"effcompute.docs: {path} differs from the runs in {args.runs}; run `python -m effcompute.docs --runs {args.runs}`")
        return 1 if stale else 0
    from effcompute.data.io import write_text_atomic

    for path in stale:
        write_text_atomic(docs[path][1], path)
        print(f"updated {path}")
    if not stale:
        print("README.md and docs/results.md already match the runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
