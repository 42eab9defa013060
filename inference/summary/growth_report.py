"""The growth model's printed decomposition: era rates beside published ones, the efficiency-vs-resources probability, projections."""

from __future__ import annotations

from effcompute.inference.summary.numbers import INTERVAL_KIND, format_number
from effcompute.literature import GROWTH_RATES
from effcompute.models.growth_model import BREAKPOINTS, EFFICIENCY_OVER_RESOURCES

ROWS = ("compute", "spend", "hardware", "realisation", "algorithms", "effective")
ROW_LABELS = {
    "compute": "frontier training compute (physical)",
    "spend": "spending (training cost, 2023 USD)",
    "hardware": "GPU price-performance (FP32 FLOP/s per $)",
    "realisation": "realisation (FLOP per $ / price-perf.)",
    "algorithms": "algorithmic efficiency (prior only)",
    "effective": "effective compute",
}


def published_beside(decomposition: dict, era: str = "2018-2025") -> list[dict]:
    """Each published rate with our same-component rate in ``era`` and whether our median lies in its interval."""
    out = []
    for key, pub in GROWTH_RATES.items():
        ours = decomposition.get(pub["component"], {}).get(era)
        if ours is None:
            continue
        inside = pub["low"] <= ours["median"] <= pub["high"]
        overlap = ours["lo95"] <= pub["high"] and ours["hi95"] >= pub["low"]
        out.append({"source": key, **pub, "era": era, "ours": ours, "median_inside": inside, "intervals_overlap": overlap})
    return out


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
    e = h[EFFICIENCY_OVER_RESOURCES]
    lines += ["", f"P(efficiency grew faster than resources since 2020) = {e['p_gt_1']:.0%}"
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
    ])
