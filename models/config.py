"""Model configuration: every modelling choice as serializable data.

A fitted run stores ``ModelConfig.to_json()`` in its netCDF attributes;
loading rebuilds the same model from it. Priors are data here too: the
factor priors are :class:`~effcompute.models.priors.FactorPrior` specs, chosen
by name (``seed`` or ``weak``) and overridable one by one.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import asdict, dataclass, field, fields

import pandas as pd

from effcompute import dims
from effcompute.models.priors import FactorPrior, seed002_priors
from effcompute.models.registry import MODEL_NAMES as MODELS
from effcompute.models.registry import PERPLEXITY_VARIANTS

PRIOR_SETS = ("seed", "weak")
#: Row rules of the perplexity sample (data/perplexity.py ``EXCLUSION_RULES``).
PERPLEXITY_EXCLUSIONS = ("paper", "code")

#: Weakly informative alternative: log-multiplier ~ HalfNormal(1.5), i.e. a gain
#: between 1x and ~19x with 95% probability, the same for every factor.
WEAK_LOG_SIGMA = 1.5


def factor_priors(prior_set: str, reading: str = "intervals") -> dict[str, FactorPrior]:
    """Priors of the compute factors (gains >= 1) under a named prior set."""
    if prior_set not in PRIOR_SETS:
        raise ValueError(f"prior={prior_set!r} must be one of {PRIOR_SETS}")
    if prior_set == "weak":
        return {f: FactorPrior("halfnormal_log", 0.0, WEAK_LOG_SIGMA) for f in dims.COMPUTE_FACTORS}
    seed = seed002_priors(reading)
    return {f: seed[f] for f in dims.COMPUTE_FACTORS}


def check_rate_prior(spec: dict) -> None:
    """Raise ValueError unless ``spec`` is ``{"mu": finite, "sd": > 0, "source": non-empty text}``."""
    import math

    if set(spec) != {"mu", "sd", "source"}:
        raise ValueError(f"rate_prior={spec!r} must have exactly the keys 'mu', 'sd' and 'source'")
    mu, sd, source = spec["mu"], spec["sd"], spec["source"]
    if not (isinstance(mu, (int, float)) and math.isfinite(mu)):
        raise ValueError(f"rate_prior mu={mu!r} must be a finite number (orders of magnitude per year)")
    if not (isinstance(sd, (int, float)) and math.isfinite(sd) and sd > 0):
        raise ValueError(f"rate_prior sd={sd!r} must be a finite number > 0")
    if not (isinstance(source, str) and source.strip()):
        raise ValueError(f"rate_prior source={source!r} must say where the prior comes from")


#: The bottom-up switches and their values (the first of each is the default).
BOTTOM_UP_CHOICES = {
    "prior_overlap": ("drop", "keep"),
    "pair_rules": ("apply", "ignore"),
    "conditional_pairs": ("share", "exclude"),
    "chinchilla": ("loss_law", "factor"),
    "scale_transfer": ("per_technique", "shared"),
    "unpublished": ("discrepancy", "factor"),
}


#: The bottom-up switches of the models before issue 17 (seed priors and their source rows, every pair as a whole
#: gain, a free Chinchilla factor, one transfer rate, the unpublished factor): the waterfall's and forecast
#: comparison's starting point.
EARLIER_BOTTOM_UP = {"prior_overlap": "keep", "pair_rules": "ignore", "conditional_pairs": "exclude", "chinchilla": "factor",
                     "scale_transfer": "shared", "unpublished": "factor"}
#: The models whose trend block has a pooled rate and releases (``rate_prior`` and ``adoption`` apply to these only).
TREND_BLOCK_MODELS = ("trend", "joint")
#: Techniques whose factor enters the effective compute of the releases that use them (trend and joint).
ADOPTION_CHOICES = ("none", "moe")


@dataclass
class ModelConfig:
    """Settings of one model; JSON round-trips through :meth:`to_json` / :meth:`from_json`.

    Parameters
    ----------
    model : {"seed", "evidence", "trend", "trend_v1", "joint", "growth", "perplexity"}
    prior : {"seed", "weak"}
        Factor priors: seed 002's (restricted to gains >= 1) or weakly informative.
    reading : {"intervals", "table"}
        Reading of seed 002 for the ``seed`` priors.
    as_of : str or None
        ISO date the reductions run to from GPT-3's training; None = the latest
        release date in the data.
    flop_log10_sd : dict
        Measurement error of log10 training FLOP by ``flop_basis`` (0.04 ~ 10%).
    score_evaluator_sd : float
        Extra score noise (points) for third-party evaluations (``trend_v1`` only; the trend model learns it).
    loss_law : {"span", "hoffmann", "besiroglu"}
        Trend model: the loss law's constants, uncertain between Hoffmann et al. 2022 and Besiroglu et al. 2024
        (``span``), or fixed at one of them.
    frontier_quantile : float
        Trend model: the quantile of the release effects that defines the frontier recipe.
    min_series_rows : int
        A benchmark at a shot count enters the trend model with at least this many scores.
    link_sd : float
        Joint model: sd of log(top-down / bottom-up R_compute), the room the two
        definitions (benchmark-matched vs loss-matched) leave each other.
    fp8_window_years : float
        Releases this many years before ``as_of`` inform the fp8 share.
    cost_log_sd : float
        Error of a reported training cost on the log scale (0.25 ~ 25%).
    priors : dict
        Factor name -> FactorPrior dict; filled from ``prior``/``reading`` when empty.
    growth : dict
        Growth model: overrides of ``effcompute.models.growth_model.GROWTH_DEFAULTS`` (priors, breakpoints,
        the algorithmic term's source); empty for the other models.
    perplexity_variant : {"ho7", "neutral", "per_corpus", "irreducible"}
        Perplexity model only: which of Ho et al.'s law variants (models/perplexity.py).
    perplexity_exclusions : {"paper", "code"}
        Perplexity model only: the row rule (data/README.md): Ho et al.'s code filters, plus (``paper``)
        their App. E.5 exclusions of cache and architecture-search models.
    perplexity_noise : {"student_t", "normal"}
        Perplexity model only: the noise of log perplexity (``normal`` is least squares' counterpart).
    prior_overlap : {"drop", "keep"}
        Evidence and joint: ``drop`` leaves out of the likelihood every matched pair of a study that a factor
        prior in use was built from (``prior_sources`` in data/seed002_factors.json); ``keep`` counts them twice.
    pair_rules : {"apply", "ignore"}
        Evidence and joint: apply data/pair_rules.csv (mixed pairs excluded, conditional gains as such, allocation
        adjusted), or enter every pair as a gain since the 2020 recipe.
    conditional_pairs : {"share", "exclude"}
        Evidence and joint, ``pair_rules="apply"``: a gain over an improved baseline (rule ``conditional``) enters as
        an unknown share of its factor's gain (``share``), or leaves the likelihood (``exclude``, the earlier rule).
    chinchilla : {"loss_law", "factor"}
        Evidence and joint: the Chinchilla factor as GPT-3's allocation penalty under the loss law
        (``models/loss_law.py``, shared with the trend model), or a free factor with a prior and pairs.
    scale_transfer : {"per_technique", "shared"}
        Evidence and joint: how small-scale gains transfer to GPT-3's scale: a rate per technique, partially
        pooled, or one rate for all.
    unpublished : {"discrepancy", "factor"}
        Evidence and joint: ``discrepancy``: the bottom-up product runs over the measured factors, and what the
        releases show beyond them is a discrepancy with a learned scale (joint model); ``factor``: seed 002's
        unpublished-innovations factor with its prior, and a link of fixed scale ``link_sd``.
    discrepancy_scale : float
        Joint model, ``unpublished="discrepancy"``: scale s of the discrepancy's prior, Student-t(4, 0, s) on the
        log scale (its sd learned with an inverse-gamma prior, integrated out). The default 0.7 gives the
        discrepancy an 80% prior interval of x/÷ 2.9, as wide as seed 002's unpublished-innovations interval
        (1.5x-13x, 80%: half-width 1.08 in logs); not set from any data the model uses.
    rate_prior : dict
        Trend and joint models: the pooled rate's prior ``{"mu", "sd", "source"}`` (orders of magnitude per year,
        Normal); empty (the default) is the weakly informative Normal(0.3, 0.3) of models/trend.py. Made from a
        perplexity run by :func:`effcompute.inference.summary.rate_prior.rate_prior_from_perplexity_run`.
    adoption : {"none", "moe"}
        Trend and joint models: ``moe`` adds the MoE factor's log-gain to the effective compute of every release
        that is a mixture of experts (active parameters below total), so those releases inform the factor
        (joint: the evidence block's ``log_moe``; trend alone: its own, with the weak prior), and the estimand is
        the recipe that adopts it. ``none``: releases carry no technique; the estimand is the mean release.
    adoption_log_gain : float or None
        Trend model, ``adoption="moe"``: the MoE factor's log-gain held fixed at this value instead of learned from
        the releases, the cut (modular) fit of ``check cut``, which feeds it draws of the evidence model's
        ``log_moe``. None (the default): learned.
    discrepancy_centre : float
        Joint model: centre of the discrepancy's prior (log scale). 0 (the default) claims nothing about gains the
        measured factors leave out; ``check robustness`` also centres it at seed 002's unpublished-innovations
        median (log 4.4), the belief that such gains exist.
    """

    model: str = "joint"
    prior: str = "seed"
    reading: str = "intervals"
    as_of: str | None = None
    flop_log10_sd: dict = field(default_factory=lambda: {"reported": 0.04, "6ND": 0.10, "third_party_estimate": 0.25})
    score_evaluator_sd: float = 1.0
    loss_law: str = "span"
    frontier_quantile: float = 0.9
    min_series_rows: int = 15
    link_sd: float = 0.35
    fp8_window_years: float = 2.0
    cost_log_sd: float = 0.25
    priors: dict = field(default_factory=dict)
    growth: dict = field(default_factory=dict)
    perplexity_variant: str = "ho7"
    perplexity_exclusions: str = "paper"
    perplexity_noise: str = "student_t"
    prior_overlap: str = "drop"
    pair_rules: str = "apply"
    conditional_pairs: str = "share"
    chinchilla: str = "loss_law"
    scale_transfer: str = "per_technique"
    unpublished: str = "discrepancy"
    discrepancy_scale: float = 0.7
    discrepancy_centre: float = 0.0
    rate_prior: dict = field(default_factory=dict)
    adoption: str = "none"
    adoption_log_gain: float | None = None

    def __post_init__(self):
        if self.model not in MODELS:
            raise ValueError(f"model={self.model!r} must be one of {MODELS}")
        if self.perplexity_variant not in PERPLEXITY_VARIANTS:
            raise ValueError(f"perplexity_variant={self.perplexity_variant!r} must be one of {PERPLEXITY_VARIANTS}")
        if self.perplexity_exclusions not in PERPLEXITY_EXCLUSIONS:
            raise ValueError(f"perplexity_exclusions={self.perplexity_exclusions!r} must be one of {PERPLEXITY_EXCLUSIONS}")
        if self.perplexity_noise not in ("student_t", "normal"):
            raise ValueError(f"perplexity_noise={self.perplexity_noise!r} must be 'student_t' or 'normal'")
        if self.as_of is not None:
            try:
                dt.date.fromisoformat(str(self.as_of))
            except ValueError:
                raise ValueError(f"as_of={self.as_of!r} is not a YYYY-MM-DD date") from None
        if self.loss_law not in ("span", "hoffmann", "besiroglu"):
            raise ValueError(f"loss_law={self.loss_law!r} must be one of ('span', 'hoffmann', 'besiroglu')")
        if not 0.5 <= self.frontier_quantile < 1:
            raise ValueError(f"frontier_quantile={self.frontier_quantile!r} must be in [0.5, 1)")
        for name, allowed in BOTTOM_UP_CHOICES.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name}={getattr(self, name)!r} must be one of {allowed}")
        if self.adoption not in ADOPTION_CHOICES:
            raise ValueError(f"adoption={self.adoption!r} must be one of {ADOPTION_CHOICES}")
        if not self.discrepancy_scale > 0:
            raise ValueError(f"discrepancy_scale={self.discrepancy_scale!r} must be > 0")
        if self.rate_prior:
            check_rate_prior(self.rate_prior)
        for name, unset in (("rate_prior", {}), ("adoption", "none")):
            if getattr(self, name) != unset and self.model not in TREND_BLOCK_MODELS:
                raise ValueError(f"{name}={getattr(self, name)!r}: only the {' and '.join(TREND_BLOCK_MODELS)} models use it; model is {self.model!r}")
        if self.adoption_log_gain is not None:
            check_adoption_log_gain(self)
        if not self.priors:
            self.priors = {k: p.to_dict() for k, p in factor_priors(self.prior, self.reading).items()}

    def factor_priors(self) -> dict[str, FactorPrior]:
        """The priors as objects."""
        return {k: FactorPrior.from_dict(v) for k, v in self.priors.items()}

    def prior_factors(self) -> tuple[str, ...]:
        """The compute factors that are free variables with a prior (the rest are measured otherwise or absent)."""
        return tuple(f for f in self.bottom_up_factors() if not (f == dims.CHINCHILLA and self.chinchilla == "loss_law"))

    def bottom_up_factors(self) -> tuple[str, ...]:
        """The compute factors of the bottom-up product, in ``dims.COMPUTE_FACTORS`` order."""
        return tuple(f for f in dims.COMPUTE_FACTORS if not (f == dims.UNPUBLISHED and self.unpublished == "discrepancy"))

    @property
    def learned_discrepancy(self) -> bool:
        """A joint model whose unpublished gap is the learned discrepancy (not a factor with a prior)."""
        return self.model == "joint" and self.unpublished == "discrepancy"

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ModelConfig:
        data = json.loads(text)
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown model config field(s) {sorted(unknown)}")
        return cls(**data)


def check_adoption_log_gain(config: ModelConfig) -> None:
    """A fixed MoE log-gain needs the trend model with ``adoption="moe"`` and a finite value >= 0 (a gain >= 1x)."""
    value = config.adoption_log_gain
    if config.model != "trend" or config.adoption != "moe":
        raise ValueError(f"adoption_log_gain={value!r}: only the trend model with adoption='moe' uses it; "
                         f"model is {config.model!r}, adoption {config.adoption!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError(f"adoption_log_gain={value!r} must be a finite number >= 0 (the log of a gain >= 1x)")


def resolve_as_of(config: ModelConfig, releases: pd.DataFrame) -> dt.date:
    """The configured as-of date, else the latest release date in the data."""
    if config.as_of:
        return dt.date.fromisoformat(config.as_of)
    return pd.to_datetime(releases["release_date"]).max().date()
