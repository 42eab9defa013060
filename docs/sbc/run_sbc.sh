#!/bin/sh
# The SBC record in docs/sbc, as run for docs/checks.md, from the repository root: 2 worker processes,
# 1,000 simulations per model, seed 1. trend and joint: 1 chain x 400 draws (400 tuning) per simulation,
# thinned by 4 to 100 kept draws; evidence: 1 chain x 800 draws (600 tuning) thinned by 8 to 100.
set -e
run() {
    model=$1; shift
    nice -n 10 effcompute check sbc --model "$model" --sims 1000 --seed 1 --workers 2 "$@" --out docs/sbc --json > "docs/sbc/sbc_${model}_stdout.json" || true
}
run trend
run joint
run evidence --draws 800 --tune 600 --thin 8
