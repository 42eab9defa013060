#!/bin/sh
# The SBC record in docs/sbc: 1,000 simulations per model, 2 worker processes, 1 chain x 400 draws
# (400 tuning) per simulation thinned by 4 to 100 kept draws. Run from the repository root.
set -e
for model in ${MODELS:-trend evidence joint}; do
    nice -n 10 effcompute check sbc --model "$model" --sims "${SIMS:-1000}" --seed 1 --workers 2 --out docs/sbc --json > "docs/sbc/sbc_${model}_stdout.json" || true
done
