"""Ranks of the same simulated data sets from the SBC's short fits (400 tuning steps) and from longer ones (1,500):
if short fits were biased, the ranks would differ systematically. Output: paired.txt.

    effcompute check sbc --model trend --sims 40 --seed 1 --workers 1 --tune 1500 --draws 800 --thin 8 --out docs/sbc/trend_v2_probe/long_tune
    python docs/sbc/trend_v2_probe/paired.py docs/sbc/trend_v2_1000/sbc_trend_ranks.csv docs/sbc/trend_v2_probe/long_tune/sbc_trend_ranks.csv
"""
import sys

import numpy as np
import pandas as pd


def by_sim(path):
    """Simulation -> {"ranks": {quantity: rank}} from an SBC ranks CSV."""
    frame = pd.read_csv(path).set_index("sim")
    return {int(i): {"ranks": row.to_dict()} for i, row in frame.iterrows()}


short, long_ = by_sim(sys.argv[1]), by_sim(sys.argv[2])
common = sorted(set(short) & set(long_))
print(f"{len(common)} simulations fitted both ways (short: 1 chain, 400 tuning, 400 draws thinned by 4; long: 1 chain, 1,500 tuning, 800 draws thinned by 8)")
print(f"{'quantity':28s} {'short mean':>10s} {'long mean':>10s} {'long - short':>13s} {'(se)':>6s} {'median |diff|':>14s} {'corr':>5s}")
for k in ["g_oom_per_year_mmlu", "g_oom_per_year", "compute_reduction_topdown", "g_series_sd", "org_sd", "release_sd", "law_weight", "log_likelihood"]:
    a = np.array([short[i]["ranks"][k] for i in common])
    b = np.array([long_[i]["ranks"][k] for i in common])
    d = b - a
    print(f"{k:28s} {a.mean():10.1f} {b.mean():10.1f} {d.mean():13.2f} {d.std(ddof=1) / np.sqrt(len(d)):6.2f} {np.median(np.abs(d)):14.0f} {np.corrcoef(a, b)[0, 1]:5.2f}")
