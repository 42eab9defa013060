"""Ranks of the same simulated data sets from the joint SBC's short fits (400 tuning steps) and from longer ones
(1,500): if the short fits were biased, the ranks would differ systematically. Output: paired.txt.

    effcompute check sbc --model joint --sims 24 --seed 1 --workers 2 --tune 1500 --draws 800 --thin 8 --out docs/sbc/joint_v2_probe/long_tune
    python docs/sbc/joint_v2_probe/paired.py docs/sbc/joint_v2_1000/sbc_joint_sims.jsonl docs/sbc/joint_v2_probe/long_tune/sbc_joint_sims.jsonl

Both logs keep 100 draws per simulation, so their ranks are on one scale. Simulation i is the same data set in
both (seed 1, prefix-stable prior draws).
"""
import sys

import numpy as np

from effcompute.inference.checks.sbc_log import results_from_log

QUANTITIES = ["g_oom_per_year_mmlu", "g_oom_per_year", "compute_reduction", "discrepancy", "law_weight", "log_gain[chinchilla]", "release_sd",
              "log_likelihood"]

short = {r["sim"]: r for r in results_from_log(sys.argv[1])}
long_ = {r["sim"]: r for r in results_from_log(sys.argv[2])}
common = sorted(set(short) & set(long_))
assert all(short[i]["kept_draws"] == long_[i]["kept_draws"] for i in common), "the two logs keep different numbers of draws"
print(f"{len(common)} simulations fitted both ways (short: 1 chain, 400 tuning, 400 draws thinned by 4; long: 1 chain, 1,500 tuning, "
      f"800 draws thinned by 8; {short[common[0]]['kept_draws']} kept draws each)")
print(f"divergent simulations: short {sum(short[i]['divergences'] > 0 for i in common)}, long {sum(long_[i]['divergences'] > 0 for i in common)}")
print(f"{'quantity':28s} {'short mean':>10s} {'long mean':>10s} {'long - short':>13s} {'(se)':>6s} {'median |diff|':>14s} {'corr':>5s}")
for k in QUANTITIES:
    if k not in short[common[0]]["ranks"]:
        continue
    a = np.array([short[i]["ranks"][k] for i in common])
    b = np.array([long_[i]["ranks"][k] for i in common])
    d = b - a
    print(f"{k:28s} {a.mean():10.1f} {b.mean():10.1f} {d.mean():13.2f} {d.std(ddof=1) / np.sqrt(len(d)):6.2f} {np.median(np.abs(d)):14.0f} "
          f"{np.corrcoef(a, b)[0, 1]:5.2f}")
