"""The growth model's printed decomposition: era rates beside published ones, the efficiency-vs-resources probability, projections."""

from __future__ import annotations

from effcompute.inference.summary.numbers import INTERVAL_KIND, format_number
from effcompute.literature import GROWTH_RATES
from effcompute.models.growth_model import BREAKPOINTS, EFFICIENCY_OVER_RESOURCES, SINCE

ROWS = ("compute", "spend", "hardware", "realisation", "algorithms", "effective")
ROW_LABELS = {
    "compute": "frontier training compute (physical)",
    "spend": "spending (training cost, 2023 USD)",
    "hardware": "GPU price-performance (FP32 FLOP/s per $)",
    "realisation": "realisation (FLOP per $ / price-perf.)",
    "algorithms": "algorithmic efficiency (prior only)",
    "effective": "effective compute",
}


def published_beside(decomposition: dict, era: str = "2018-2025", windows: dict | None = None) -> list[dict]:
    """Each published rate with our same-component rate in ``era`` and whether our median lies in its interval.

    ``windows`` (:func:`~effcompute.inference.summary.growth_windows.window_rates`), if given, adds the bundled data's own
    least-squares rate in the paper's window to each entry (``data_in_window``).
    """
    out = []
    for key, pub in GROWTH_RATES.items():
        ours = decomposition.get(pub["component"], {}).get(era)
        if ours is None:
            continue
        inside = pub["low"] <= ours["median"] <= pub["high"]
        overlap = ours["lo95"] <= pub["high"] and ours["hi95"] >= pub["low"]
        out.append({"source": key, **pub, "era": era, "ours": ours, "median_inside": inside, "intervals_overlap": overlap})
        if windows and key in windows:
            out[-1]["data_in_window"] = windows[key]
    return out


def efficiency_vs_resources(headline: dict, as_of) -> dict:
    """Seed 002's claim as a posterior probability: P(efficiency grew faster than resources, 2020 to ``as_of``)."""
    e = headline[EFFICIENCY_OVER_RESOURCES]
    return {"p_efficiency_faster": e["p_gt_1"], "since": f"{SINCE:.0f}", "until": str(as_of),
            "ratio_x_per_year": {k: e[k] for k in ("median", "lo80", "hi80", "lo95", "hi95")},
            "efficiency": "algorithms x GPU price-performance x realisation", "resources": "spending (training cost, 2023 USD)",
            "claim": "seed 002: resources and resource efficiency are growing at roughly similar speeds"}


def _cell(row: dict) -> str:
    return f"{format_number(row['median'])}x [{format_number(row['lo80'])}, {format_number(row['hi80'])}]"


def format_growth_fit(result: dict) -> str:
    """Terminal text of a growth fit: per-era rates (x/year), published rates, P(efficiency faster), projections, notes."""
    d = result["decomposition"]
    eras = list(next(iter(d.values())))
    h = result["headline"]
    lines = [
        f"effcompute growth model, data to {result['as_of']} ({'passed' if result['converged'] else 'FAILED'} the convergence gate; run {result['path']})",
        f"Growth per year by era: median [80% interval], {INTERVAL_KIND}; era boundaries learned:"
        + ", ".join(f" {h[b]['median']:.1f} [{h[b]['lo80']:.1f}, {h[b]['hi80']:.1f}]" for b in BREAKPOINTS),
        "",
        f"{'':42s}" + "".join(f"{e:>24s}" for e in eras),
    ]
    for c in ROWS:
        lines.append(f"{ROW_LABELS[c]:42s}" + "".join(f"{_cell(d[c][e]) if e in d[c] else '(one rate, all eras)':>24s}" for e in eras))
    lines += ["", "Published rates beside our 2018-2025 era (95% interval of ours):"]
    for p in result["published"]:
        o = p["ours"]
        lines.append(f"  {p['component']:9s} ours {format_number(o['median'])}x [{format_number(o['lo95'])}, {format_number(o['hi95'])}]"
                     f" vs {p['low']:.3g}-{p['high']:.3g}x ({p['interval']}; {p['citation']}; {p['window']})"
                     f"{'' if p['intervals_overlap'] else '  <- intervals do not overlap'}")
        if "data_in_window" in p:
            w = p["data_in_window"]
            lines.append(f"            the bundled data in that window, least squares (no model): {format_number(w['x_per_year'])}x"
                         f" [{format_number(w['lo95'])}, {format_number(w['hi95'])}], {w['n']} rows, {w['window']}")
    e = h[EFFICIENCY_OVER_RESOURCES]
    lines += ["", f"P(efficiency grew faster than resources since {SINCE:.0f}) = {e['p_gt_1']:.0%}"
                  f" (efficiency = algorithms x hardware x realisation, resources = spending; ratio {format_number(e['median'])}x/year)"]
    if result.get("projections"):
        lines += ["", "Frontier training compute predicted (log10 FLOP, median [80%]):"]
        for p in result["projections"]:
            s = p["log10_flop"]
            lines.append(f"  {p['date']}: {s['median']:.2f} [{s['lo80']:.2f}, {s['hi80']:.2f}]")
    lines += [""] + [f"note: {n}" for n in result.get("notes", [])]
    return "\n".join(lines)


def format_predictions(result: dict) -> str:
    """Terminal table of ``growth --predict``."""
    lines = ["Training compute of a frontier model (Epoch's 'Frontier model' flag) published on each date, log10 FLOP:",
             f"{'date':12s}{'median':>8s}{'80% interval':>18s}{'95% interval':>18s}"]
    for p in result["predictions"]:
        s = p["log10_flop"]
        i80, i95 = f"{s['lo80']:.2f} - {s['hi80']:.2f}", f"{s['lo95']:.2f} - {s['hi95']:.2f}"
        lines.append(f"{p['date']:12s}{s['median']:8.2f}{i80:>18s}{i95:>18s}")
    return "\n".join(lines)


def format_threshold(result: dict) -> str:
    """Terminal text of ``threshold``."""
    f, g = result["log10_flop"], result["efficiency_gain_x"]
    return "\n".join([
        f"The capability {result['threshold_flop']:.3g} FLOP bought on {result['set']} takes {result['flop']['median']:.3g} FLOP"
        f" on {result['at']} (median, 10^{f['median']:.2f};"
        f" 80%: 10^{f['lo80']:.2f} to 10^{f['hi80']:.2f}; 95%: 10^{f['lo95']:.2f} to 10^{f['hi95']:.2f}).",
        f"Efficiency gain between the dates: {format_number(g['median'])}x [80%: {format_number(g['lo80'])}, {format_number(g['hi80'])}].",
        f"Efficiency used: {result['efficiency_source']}.",
    ] + ([f"wrote {result['figure']} (median and 50/80/95% equal-tailed posterior intervals, monthly from {result['set']})"] if result.get("figure") else []))


def format_fan_chart(result: dict) -> str:
    """Terminal text of ``growth --fan-chart``: the figure's path and seed 000's clusters as training FLOP."""
    c, r = result["comparison"], result["reach"]
    lines = [f"wrote {result['figure']} (fan chart to {result['until']:.0f}; {result['interval_kind']})", "",
             f"Seed 000's clusters as training FLOP ({c['assumptions']}):"]
    for x in c["clusters"].values():
        span = f"; MFU {x['mfu_range'][0]:.2f}-{x['mfu_range'][1]:.2f}: {x['flop_range'][0]:.2g}-{x['flop_range'][1]:.2g}" if x["mfu_range"] else ""
        lines.append(f"  {x['chips']:,} {x['hardware']} ({x['peak_bf16_flops']:.3g} FLOP/s BF16 dense): {x['flop']:.2g} FLOP{span}")
    lines.append(f"  ratio {c['ratio_bf16']:.1f}x with both in BF16, {c['ratio_fp8_vs_bf16']:.1f}x with the H100s in FP8 (seed 000: '31x');"
                 f" GPT-4's 90-day run in {c['days_for_gpt4_run']['bf16']:.1f} days (BF16) or {c['days_for_gpt4_run']['fp8']:.1f} (FP8); seed 000: '4 days'")
    lines.append(f"  the frontier-compute trend reaches the 100k-H100 run's FLOP in {r['median']:.1f} [80%: {r['lo80']:.1f}, {r['hi80']:.1f}]"
                 f" (share of draws not reaching it by 2040: {r['share_not_reached']:.0%})")
    g = result["gpt4_cluster_reach"]
    lines.append(f"  and GPT-4's cluster's in {g['median']:.1f} [80%: {g['lo80']:.1f}, {g['hi80']:.1f}]")
    return "\n".join(lines)
