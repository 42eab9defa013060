"""Published figures effcompute sets beside its own, one home for all of them.

Seed 002's and Epoch's interactive-model figures, which come from the seed's
own text, live with the seed's statements (``data/seed002_factors.json``,
read by :mod:`effcompute.inference.summary.seed_mc`).
"""

from __future__ import annotations

#: Ho et al. 2024, "Algorithmic progress in language models" (arXiv:2403.05812 v1, Section 3.1 and Table 5):
#: compute halving time of the preferred model, months, 95% bootstrap CI.
HO_ET_AL_2024_HALVING_MONTHS = {"median": 8.4, "lo95": 4.5, "hi95": 14.3}
HO_ET_AL_2024_CITATION = "Ho et al. 2024, Algorithmic progress in language models (arXiv:2403.05812)"
#: How the paper's own abstracts state the figure (the arXiv v1 abstract and the NeurIPS 2024 version differ).
HO_ET_AL_2024_ABSTRACTS = ("its arXiv v1 abstract: about 8 months, 95% CI about 5 to 14 months; "
                           "its NeurIPS 2024 version: about 8 months, 90% CI about 2 to 22 months")
