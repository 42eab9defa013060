#!/bin/sh
# The SBC record in docs/sbc, as run for docs/checks.md: 2 worker processes, 1 chain x 400 draws
# (400 tuning) per simulation thinned by 4 to 100 kept draws. Run from the repository root.
# Model and number of simulations: MODELS="trend:1000 evidence:300 joint:1000" (the default).
set -e
for spec in ${MODELS:-trend:1000 evidence:300 joint:1000}; do
    model=${spec%%:*}; sims=${spec##*:}
    nice -n 10 effcompute check sbc --model "$model" --sims "$sims" --seed 1 --workers 2 --out docs/sbc --json > "docs/sbc/sbc_${model}_stdout.json" || true
done
