"""GPT-3, the fixed point every reduction is measured from (seed 002)."""

from __future__ import annotations

import datetime as dt

from effcompute.accounting import model_flops_utilization

#: Training FLOP of GPT-3 175B (Brown et al. 2020, Table D.1: 3.14e23).
GPT3_TRAIN_FLOP = 3.14e23
GPT3_PARAMS, GPT3_TOKENS = 175e9, 300e9  # Brown et al. 2020, Table D.1 / Section 2.2
#: Cluster and duration used by seed 002 (10,000 V100 for 14.8 days).
GPT3_N_CHIPS = 10_000
GPT3_TRAIN_DAYS = 14.8
GPT3_PEAK_FLOPS_PER_CHIP = 125e12
#: When GPT-3 was trained; reductions "since GPT-3" run from this date (DESIGN.md: 2020-05).
GPT3_TRAINING_DATE = dt.date(2020, 5, 1)
#: GPT-3's MMLU 5-shot accuracy, percent (Hendrycks et al. 2021).
GPT3_MMLU_5SHOT = 43.9

#: GPT-3's MFU, 19.6 % (seed 002, footnote 9), computed, not typed in.
GPT3_MFU = model_flops_utilization(GPT3_TRAIN_FLOP, GPT3_N_CHIPS, GPT3_PEAK_FLOPS_PER_CHIP, GPT3_TRAIN_DAYS)


def years_since_gpt3(as_of: dt.date) -> float:
    """Years (of 365.25 days) from GPT-3's training to ``as_of``.

    Raises
    ------
    ValueError
        If ``as_of`` is not after GPT-3's training date.
    """
    days = (as_of - GPT3_TRAINING_DATE).days
    if days <= 0:
        raise ValueError(f"as_of={as_of.isoformat()} must be after GPT-3's training date {GPT3_TRAINING_DATE.isoformat()}")
    return days / 365.25
