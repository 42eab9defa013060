"""Markdown tables of the SBC summaries in docs/sbc (band verdicts and interval coverage per parameter).

    python docs/sbc/tables.py docs/sbc/sbc_evidence.json docs/sbc/sbc_trend.json docs/sbc/sbc_joint.json
    python docs/sbc/tables.py --side-by-side docs/sbc/sbc_evidence.json docs/sbc/sbc_trend.json docs/sbc/sbc_joint.json
"""

import json
import sys

def per_model(paths):
    for path in paths:
        s = json.load(open(path))
        print(f"\n**{s['model']}**: {s['sims']} simulations, {s['kept_draws_per_sim']} kept draws each, "
              f"{s['divergent_sims']} simulations with divergences ({s['divergences']} in all), "
              f"{s['seconds_per_sim']['mean']:.2f} s per simulation per worker (median {s['seconds_per_sim']['median']:.2f}); "
              f"passed: {'yes' if s['passed'] else 'no'}\n")
        print("| parameter | in band (family-wise) | in 95% band | coverage 50% | coverage 80% | coverage 90% |")
        print("| --- | --- | --- | --- | --- | --- |")
        for name, p in s["parameters"].items():
            cov = " | ".join(f"{p[k]:.3f}" if k in p else "" for k in ("coverage50", "coverage80", "coverage90"))
            print(f"| {name} | {'yes' if p['in_band'] else '**no**'} | {'yes' if p['in_band_95'] else 'no'} | {cov} |")
        covs = [p["coverage90"] for p in s["parameters"].values() if "coverage90" in p]
        print(f"\nmean coverage over parameters: 50% {sum(p['coverage50'] for p in s['parameters'].values() if 'coverage50' in p) / len(covs):.3f}, "
              f"80% {sum(p['coverage80'] for p in s['parameters'].values() if 'coverage80' in p) / len(covs):.3f}, 90% {sum(covs) / len(covs):.3f}")


def side_by_side(paths, names):
    """One row per named parameter: coverage 50/80/90 in each model's summary (blank where absent)."""
    sums = [json.load(open(p)) for p in paths]
    print("| parameter | " + " | ".join(f"{s['model']}: 50 / 80 / 90%" for s in sums) + " |")
    print("| --- | " + " | ".join("---" for _ in sums) + " |")
    for name in names:
        cells = []
        for s in sums:
            p = s["parameters"].get(name)
            cells.append(" / ".join(f"{p[k]:.3f}" for k in ("coverage50", "coverage80", "coverage90")) if p and "coverage90" in p else "")
        print(f"| {name} | " + " | ".join(cells) + " |")


HEADLINE = [
    "log_gain[transformer_pp]", "log_gain[moe]", "log_gain[unpublished]", "log_gain[chinchilla]", "log_gain[data_quality]",
    "compute_reduction", "hardware_reduction", "hardware_efficiency", "g_oom_per_year", "tension_log_ratio",
    "mfu_intercept", "mfu_per_year", "scale_transfer", "pair_sd", "study_sd",
]

if __name__ == "__main__":
    if sys.argv[1] == "--side-by-side":
        side_by_side(sys.argv[2:], HEADLINE)
    else:
        per_model(sys.argv[1:])
