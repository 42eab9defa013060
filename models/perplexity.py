"""The perplexity model: a Bayesian re-analysis of Ho et al. 2024's augmented scaling law on their own data.

For a system with N parameters trained on D tokens, published at decimal year
Y, evaluated on corpus c (WikiText-103, WikiText-2, Penn Treebank), the log
perplexity (cross-entropy in nats per token) is

    L = E_c + exp(a_c - alpha_param x_N - alpha_year_c t) + exp(b_c - beta_data x_D - beta_year_c t)

with x_N = ln(N / N_REF), x_D = ln(D / D_REF), t = Y - YEAR_REF. This is
Ho et al.'s Eq. 8 (their E = 0): effective parameters grow as
N exp(g_N t), g_N = alpha_year / alpha_param, effective data as D exp(g_D t),
g_D = beta_year / beta_data, and effective compute (C = 6ND) as exp(g_C t),
g_C = g_N + g_D (their Eqs. 4-6). The compute halving time is
12 ln 2 / g_C months. Observation noise is Student-t on log perplexity.

Variants (``ModelConfig.perplexity_variant``, table :data:`VARIANTS`):

- ``ho7``: their preferred model 7: corpus-specific a, b; alpha_year, beta_year shared; E = 0.
- ``neutral``: their model 12 ("Hicks-neutral"): one progress rate lambda multiplies the whole
  reducible loss (alpha_year = beta_year = lambda), so parameter and data progress are not separated.
- ``per_corpus``: their model 10: corpus-specific alpha_year and beta_year, partially pooled
  (non-centred), so each corpus has its own halving time.
- ``irreducible``: model 7 plus a corpus-specific irreducible loss E_c >= 0 (their Eq. 12).

Priors are weakly informative and fixed before seeing the data (docs/models.md):

- a_c, b_c ~ Normal(0.5, 1): each reducible term at the reference point is 0.23-12 nats (95%),
  around the 3-4 nats of a 2018 model of 1e8 parameters.
- alpha_param, beta_data ~ LogNormal(ln 0.1, 1): exponents 0.014-0.71 (95%), covering Chinchilla's
  0.28-0.34 (with E) and the 0.04-0.07 Ho et al. report without E.
- alpha_year, beta_year, lambda ~ Normal(0, 0.1): the reducible loss shrinks (or grows) by at most
  ~20% a year from algorithms (95%); no sign is imposed.
- per-corpus spread of the rates tau ~ HalfNormal(0.05); E_c ~ HalfNormal(1) (0 is Ho et al.'s choice).
- noise sigma ~ HalfNormal(0.5) nats; Student-t nu ~ Gamma(2, 0.1) (Juarez and Steel 2010).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pymc as pm
import pytensor.tensor as pt

from effcompute.data.perplexity import CORPORA, file_sha256, fitting_sample, perplexity_path, read_perplexity
from effcompute.literature import HO_ET_AL_2024_ABSTRACTS, HO_ET_AL_2024_CITATION, HO_ET_AL_2024_HALVING_MONTHS
from effcompute.models.base import EffModel, Observed, Quantity, Role
from effcompute.models.registry import PERPLEXITY_VARIANTS

CORPUS = "corpus"
PPL_OBS = "perplexity_obs"
#: Reference point of the law (fixed constants, not data summaries, so the priors do not move with the data):
#: 1e8 parameters, 1e9 training tokens, the start of 2018.
N_REF, D_REF, YEAR_REF = 1e8, 1e9, 2018.0
LN2 = float(np.log(2.0))
#: variant -> (progress rates: "shared" | "neutral" | "per_corpus", irreducible loss term)
VARIANTS = {"ho7": ("shared", False), "neutral": ("neutral", False), "per_corpus": ("per_corpus", False), "irreducible": ("shared", True)}
assert tuple(VARIANTS) == PERPLEXITY_VARIANTS, "models/registry.py PERPLEXITY_VARIANTS must list VARIANTS"
HALVING = "halving_time_months"
CORPUS_HALVING = "halving_time_months_corpus"
GAIN = "compute_gain_per_year"
PARAM_DOUBLING, DATA_DOUBLING = "param_doubling_months", "data_doubling_months"
DATA_SHARE = "data_share_of_progress"
LOG_PPL = "log_ppl"
#: Observation coords a run carries beside the log perplexities (which corpus, the decimal publication year).
CORPUS_COORD, YEAR_COORD = "ppl_corpus", "ppl_year"


@dataclass
class PerplexityData:
    """The fitting sample (one row per system and corpus), where it came from and the rows left out."""

    coords: dict
    rows: pd.DataFrame
    corpus: np.ndarray
    path: str
    sha256: str
    excluded: list
    #: the last publication date in the sample: the run's as-of date (the data end, not GPT-3's comparison date)
    as_of: dt.date | None = None


def prepare_perplexity(dataset, config) -> PerplexityData:
    """The sample of ``config.perplexity_exclusions`` from the data folder's perplexity file, else the bundled one.

    The curated tables (``dataset``) do not carry the perplexity data; only the folder they were read from is used.
    """
    path = perplexity_path(getattr(dataset, "data_dir", None))
    rows, excluded = fitting_sample(read_perplexity(path), config.perplexity_exclusions)
    corpora = [c for c in CORPORA if c in set(rows.corpus)]
    return PerplexityData(
        coords={CORPUS: corpora, PPL_OBS: list(rows.label)}, rows=rows, corpus=np.array([corpora.index(c) for c in rows.corpus]),
        path=str(path), sha256=file_sha256(path), excluded=excluded, as_of=dt.date.fromisoformat(max(rows.date)),
    )


def progress_rates(kind: str, n_corpora: int):
    """(alpha_year, beta_year) per corpus (length-``n_corpora`` tensors) and the pooled pair, under a variant's rate structure."""
    if kind == "neutral":
        lam = pm.Normal("lambda_year", 0.0, 0.1)
        return pt.stack([lam] * n_corpora), pt.stack([lam] * n_corpora), lam, lam
    alpha_year = pm.Normal("alpha_year", 0.0, 0.1)
    beta_year = pm.Normal("beta_year", 0.0, 0.1)
    if kind == "shared":
        return pt.stack([alpha_year] * n_corpora), pt.stack([beta_year] * n_corpora), alpha_year, beta_year
    # per corpus, non-centred: a corpus's rate = pooled rate + tau x z
    rates = []
    for name, pooled in (("alpha_year", alpha_year), ("beta_year", beta_year)):
        tau = pm.HalfNormal(f"{name}_tau", 0.05)
        z = pm.Normal(f"{name}_z", 0.0, 1.0, dims=CORPUS)
        rates.append(pm.Deterministic(f"{name}_corpus", pooled + tau * z, dims=CORPUS))
    return rates[0], rates[1], alpha_year, beta_year


def months_to_double(rate_per_year):
    """Months for a quantity growing at ``rate_per_year`` e-folds a year to double (halving time of the compute it saves): 12 ln 2 / rate (Ho et al. Eqs. 4-6)."""
    return 12.0 * LN2 / rate_per_year


def add_perplexity_block(data: PerplexityData, config) -> None:
    """The law's variables, the derived progress rates and the Student-t likelihood of log perplexity."""
    rates_kind, irreducible = VARIANTS[config.perplexity_variant]
    r, c = data.rows, data.corpus
    x_n = pm.Data("log_params_rel", np.log(r.params.to_numpy(float) / N_REF), dims=PPL_OBS)
    x_d = pm.Data("log_data_rel", np.log(r.data_tokens.to_numpy(float) / D_REF), dims=PPL_OBS)
    t = pm.Data("years_rel", r.year.to_numpy(float) - YEAR_REF, dims=PPL_OBS)
    a = pm.Normal("a_const", 0.5, 1.0, dims=CORPUS)
    b = pm.Normal("b_const", 0.5, 1.0, dims=CORPUS)
    alpha_param = pm.LogNormal("alpha_param", np.log(0.1), 1.0)
    beta_data = pm.LogNormal("beta_data", np.log(0.1), 1.0)
    alpha_year_c, beta_year_c, alpha_year, beta_year = progress_rates(rates_kind, len(data.coords[CORPUS]))
    mu = pt.exp(a[c] - alpha_param * x_n - alpha_year_c[c] * t) + pt.exp(b[c] - beta_data * x_d - beta_year_c[c] * t)
    if irreducible:
        mu = mu + pm.HalfNormal("irreducible", 1.0, dims=CORPUS)[c]
    sigma = pm.HalfNormal("sigma", 0.5)
    y = pm.Data("log_ppl_y", r.log_ppl.to_numpy(float), dims=PPL_OBS)
    if config.perplexity_noise == "normal":
        pm.Normal(LOG_PPL, mu=mu, sigma=sigma, observed=y, dims=PPL_OBS)
    else:
        pm.StudentT(LOG_PPL, nu=pm.Gamma("nu", alpha=2.0, beta=0.1), mu=mu, sigma=sigma, observed=y, dims=PPL_OBS)

    g_n = pm.Deterministic("param_efficiency_rate", alpha_year / alpha_param)
    g_d = pm.Deterministic("data_efficiency_rate", beta_year / beta_data)
    g_c = pm.Deterministic("compute_efficiency_rate", g_n + g_d)
    pm.Deterministic(HALVING, months_to_double(g_c))
    pm.Deterministic(GAIN, pt.exp(g_c))
    pm.Deterministic(PARAM_DOUBLING, months_to_double(g_n))
    pm.Deterministic(DATA_DOUBLING, months_to_double(g_d))
    pm.Deterministic(DATA_SHARE, g_d / g_c)
    if rates_kind == "per_corpus":
        pm.Deterministic(CORPUS_HALVING, months_to_double(alpha_year_c / alpha_param + beta_year_c / beta_data), dims=CORPUS)


class PerplexityModel(EffModel):
    """Ho et al. 2024's augmented scaling law of log perplexity, with algorithmic progress in effective parameters and data."""

    name = "perplexity"
    description = "loss-matched algorithmic progress from WikiText/PTB perplexities, 2012-2023 (Ho et al. 2024 re-analysis)"
    #: The per-corpus variant's standardised offsets (SBC ranks the per-corpus rates they make instead).
    PER_CORPUS_Z = ("alpha_year_z", "beta_year_z")
    calibrated_derived = ("alpha_year_corpus", "beta_year_corpus")
    key_variables = (HALVING, "param_efficiency_rate", "data_efficiency_rate", "alpha_param", "beta_data", "nu")
    #: The sum of two power laws has local optima where one term does the other's work; chains started by PyMC's
    #: jitter were trapped in them in half the simulated fits (docs/checks.md), so chains start at the best of 32
    #: optimisations (the best optimum was reached by 1-32 of 32 starts in 24 simulated data sets).
    start_search = 32

    @property
    def nuisance(self) -> tuple[str, ...]:
        return self.PER_CORPUS_Z if VARIANTS[self.config.perplexity_variant][0] == "per_corpus" else ()

    def prepare(self, dataset) -> PerplexityData:
        return prepare_perplexity(dataset, self.config)

    def coords(self) -> dict:
        return self.data.coords

    def add_variables(self) -> None:
        add_perplexity_block(self.data, self.config)

    def headline_quantities(self) -> list[Quantity]:
        out = [
            Quantity(HALVING, "Compute halving time, loss-matched (perplexity, 2012-2023)", "months", role=Role.HALVING_LOSS_MATCHED),
            Quantity(GAIN, "Effective-compute gain per year from algorithms, loss-matched", "x/year", log_scale=True,
                     role=Role.COMPUTE_RATE_LOSS_MATCHED),
            Quantity(PARAM_DOUBLING, "Effective-parameter doubling time (parameter efficiency)", "months", role=Role.EFFICIENCY_DOUBLING),
            Quantity(DATA_DOUBLING, "Effective-data doubling time (data efficiency)", "months", role=Role.EFFICIENCY_DOUBLING),
            Quantity(DATA_SHARE, "Share of compute-equivalent progress from data efficiency", "fraction"),
        ]
        if VARIANTS[self.config.perplexity_variant][0] == "per_corpus":
            out += [Quantity(CORPUS_HALVING, f"Compute halving time on {c}", "months", key=f"{HALVING}_{c}", select={CORPUS: i}, role=Role.HALVING_LOSS_MATCHED)
                    for i, c in enumerate(self.data.coords[CORPUS])]
        return out

    def observations(self) -> list[Observed]:
        r = self.data.rows
        return [Observed(LOG_PPL, PPL_OBS, "perplexity", tuple(r.label), sources=tuple(r.reference),
                         coords={CORPUS_COORD: list(r.corpus), YEAR_COORD: list(r.year.round(3))}, kind="perplexities", natural="exp")]

    def notes(self) -> list[str]:
        d, rule, ho = self.data, self.config.perplexity_exclusions, HO_ET_AL_2024_HALVING_MONTHS
        return [
            f"Loss-matched, 2012-2023: compute that reaches the same WikiText/PTB perplexity, not GPT-3's benchmark scores (variant {self.config.perplexity_variant}).",
            f"{len(d.rows)} perplexities of {d.rows.reference.nunique()} papers from {d.path.rsplit('/', 1)[-1]} (sha256 {d.sha256[:12]}), "
            f"filter rule '{rule}', {len(d.excluded)} rows left out (data/README.md).",
            "The split between parameter and data efficiency is weakly identified (as in Ho et al.); their sum, the compute rate, is the quoted figure. "
            "A halving-time interval is only read as such while the compute rate stays above 0 (compute_gain_per_year > 1).",
            f"Compare: {HO_ET_AL_2024_CITATION}, preferred model 7 on 231 rows by least squares: {ho['median']} months "
            f"[{ho['lo95']}, {ho['hi95']}] (95% bootstrap); {HO_ET_AL_2024_ABSTRACTS}.",
        ]
