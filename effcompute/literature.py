"""Published figures effcompute sets beside its own, one home for all of them.

Seed 002's and Epoch's interactive-model figures, which come from the seed's
own text, live with the seed's statements (``data/seed002_factors.json``,
read by :mod:`effcompute.inference.summary.seed_mc`).
"""

from __future__ import annotations

#: Ho et al. 2024, "Algorithmic progress in language models": the three published versions of its compute halving
#: time, as each states it (median and interval in months, the interval's mass). The preferred model's figure is
#: from arXiv:2403.05812 v1, Section 3.1 and Table 5 (95% bootstrap CI); the other two are the paper's abstracts
#: (the arXiv v1 abstract and the NeurIPS 2024 version differ).
HO_ET_AL_2024_VERSIONS = (
    {"label": "preferred model 7 (paper, 95% bootstrap CI)", "source": "preferred model", "median": 8.4, "lo": 4.5, "hi": 14.3, "mass": 0.95},
    {"label": "arXiv v1 abstract (about, 95% CI)", "source": "arXiv v1 abstract", "median": 8.0, "lo": 5.0, "hi": 14.0, "mass": 0.95},
    {"label": "NeurIPS 2024 version (about, 90% CI)", "source": "NeurIPS 2024 version", "median": 8.0, "lo": 2.0, "hi": 22.0, "mass": 0.90},
)
#: The preferred model's halving time (months, 95% bootstrap CI), the figure quoted beside every run.
HO_ET_AL_2024_HALVING_MONTHS = {"median": HO_ET_AL_2024_VERSIONS[0]["median"], "lo95": HO_ET_AL_2024_VERSIONS[0]["lo"], "hi95": HO_ET_AL_2024_VERSIONS[0]["hi"]}
HO_ET_AL_2024_CITATION = "Ho et al. 2024, Algorithmic progress in language models (arXiv:2403.05812)"
#: How the paper's own abstracts state the figure, in words.
HO_ET_AL_2024_ABSTRACTS = "; ".join(f"its {v['source']}: about {v['median']:g} months, {v['mass']:.0%} CI about {v['lo']:g} to {v['hi']:g} months"
                                    for v in HO_ET_AL_2024_VERSIONS[1:])

#: Published growth rates the growth model's 2018-2025 era is set beside (x per year; docs/literature_notes.md section 4).
#: ``component`` names the growth model's term; ``interval`` its kind as stated by the source.
GROWTH_RATES = {
    "sevilla_roldan_2024": {"component": "compute", "low": 4.0, "high": 5.0, "interval": "range as stated ('4-5x/year'), no interval",
                            "citation": "Sevilla & Roldan 2024, Training compute of frontier AI models grows by 4-5x per year (Epoch AI)",
                            "window": "2010 to May 2024, notable and frontier models"},
    "cottier_et_al_2024": {"component": "spend", "median": 2.4, "low": 2.0, "high": 3.1, "interval": "95% CI (arXiv v1 abstract)",
                           "citation": "Cottier et al. 2024, The rising costs of training frontier AI models (arXiv:2405.21015)",
                           "window": "2016 to 2024, amortized hardware and energy cost of frontier runs"},
    "hobbhahn_besiroglu_2022": {"component": "hardware", "median": 2.0 ** (1 / 2.46), "low": 2.0 ** (1 / 2.72), "high": 2.0 ** (1 / 2.24),
                                "interval": "95% CI of the doubling time 2.46 years [2.24, 2.72], as x/year",
                                "citation": "Hobbhahn & Besiroglu 2022, Trends in GPU price-performance (Epoch AI), Table 1",
                                "window": "2006 to 2021, 470 GPUs, FP32 FLOP/s per dollar"},
}
