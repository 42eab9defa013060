"""The model base class: a model owns its variables, its equations and the roles of its variables.

A subclass declares its ``name``, turns a validated dataset into arrays in
:meth:`EffModel.prepare`, adds its variables in :meth:`EffModel.add_variables`
(called inside a fresh ``pm.Model``; nothing is sampled) and declares what
the rest of the package needs to know about them:

- :meth:`EffModel.headline_quantities`: what people quote, with label, unit
  and whether it is summarised on the log scale;
- ``nuisance``: per-observation latent offsets (non-centred ``*_z`` and the
  like), left out of SBC ranks and sensitivity checks;
- :meth:`EffModel.observations`: every likelihood term with the table its
  rows came from and a label per row;
- ``pseudo_observations``: observed nodes that are not data (the joint
  model's link), kept out of a run's data and log-likelihood groups.

Inference code asks a model (or the roles a run stores, see :meth:`roles`)
for names; it never spells a model's variable names itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import ClassVar

import pymc as pm

from effcompute.baseline import years_since_gpt3


class Role:
    """What a headline quantity answers. Reports, figures and exports pick quantities by role, never by variable name."""

    HARDWARE = "hardware reduction"
    HARDWARE_RATE = "hardware reduction per year"
    COMPUTE = "compute reduction, bottom-up"
    COMPUTE_RATE = "compute reduction per year, bottom-up"
    ALGORITHMIC = "algorithmic reduction"
    ALGORITHMIC_RATE = "algorithmic reduction per year"
    COMPUTE_TOPDOWN = "compute reduction, top-down"
    COMPUTE_TOPDOWN_RATE = "compute reduction per year, top-down"
    RATE_TOPDOWN = "orders of magnitude per year, top-down"
    HALVING_TOPDOWN = "halving time, top-down"
    HALVING_BOTTOM_UP = "halving time, bottom-up"
    HARDWARE_EFFICIENCY = "hardware-efficiency gain"
    MFU_TODAY = "MFU today"
    FORMAT_GAIN = "number-format gain"
    FACTOR = "factor multiplier"
    FLOP_TO_MATCH = "FLOP to match GPT-3's MMLU"
    TENSION = "tension"
    DISCREPANCY_SCALE = "discrepancy scale"
    COMPUTE_MEASURED = "compute reduction, product of the measured factors"
    RATE_POOLED = "orders of magnitude per year, pooled over benchmarks"
    HALVING_POOLED = "halving time, pooled over benchmarks"
    SERIES_RATE = "orders of magnitude per year, one benchmark series"
    ALLOCATION_PENALTY = "GPT-3's allocation penalty"
    ALLOCATION_SHARE = "allocation share of the top-down reduction"
    COMPUTE_TOPDOWN_FRONTIER = "compute reduction, top-down, frontier"
    FLOP_TO_MATCH_BY_YEAR = "FLOP to match GPT-3's MMLU, by year"
    FLOP_TO_MATCH_FRONTIER = "FLOP to match GPT-3's MMLU, frontier"
    GROWTH_RATE = "growth rate per era"
    GROWTH_BREAKPOINT = "era boundary"
    EFFICIENCY_VS_RESOURCES = "efficiency over resources growth"
    HALVING_LOSS_MATCHED = "halving time, loss-matched"
    COMPUTE_RATE_LOSS_MATCHED = "compute-equivalent gain per year, loss-matched"
    EFFICIENCY_DOUBLING = "effective parameter or data doubling time"


@dataclass(frozen=True)
class Quantity:
    """A headline quantity.

    Parameters
    ----------
    variable : str
        The model variable its draws come from.
    label : str
        What a reader calls it.
    unit : str
        ``x`` (a multiplier), ``x/year``, ``months``, ``OOM/year``, ``fraction``, ``log10 FLOP`` or ``log ratio``.
    log_scale : bool
        Summarise and check on the log scale (positive, multiplicative quantities).
    key : str, optional
        Headline key when it differs from ``variable`` (one variable element per key).
    select : dict, optional
        ``{dim: position}`` of the element summarised (e.g. the last date).
    tail_threshold : float, optional
        Also report P(quantity > threshold).
    role : str, optional
        What it answers (a :class:`Role`); None for an alias of another quantity.
    """

    variable: str
    label: str
    unit: str
    log_scale: bool = False
    key: str | None = None
    select: dict | None = None
    tail_threshold: float | None = None
    role: str | None = None

    @property
    def headline_key(self) -> str:
        return self.key or self.variable


@dataclass(frozen=True)
class Observed:
    """One likelihood term: the observed variable, its dim, the table its rows came from and a label per row.

    ``sources`` names, per row, the study or document it came from (leave-one-source-out; stored as the
    coordinate ``<dim>_source``); ``releases`` the release each row belongs to (empty when rows are not releases');
    ``coords`` are extra coordinates along ``dim`` stored in the run (e.g. release and series of a score; names
    unique across the model's terms);
    ``pointwise`` is False for terms whose rows are not exchangeable data points (a count, a price list), left
    out of per-observation LOO figures; ``kind`` names the data for people ("matched pairs", "MFU");
    ``natural`` is how an observed value reads on its natural scale (``exp``, ``expit`` or None).
    """

    variable: str
    dim: str
    table: str
    labels: tuple
    sources: tuple = ()
    releases: tuple = ()
    coords: dict = field(default_factory=dict)
    pointwise: bool = True
    kind: str = ""
    natural: str | None = None


class EffModel:
    """Base class of every effcompute model.

    Parameters
    ----------
    dataset : effcompute.data.load.Dataset or None
        Validated tables (None for prior-only models).
    config : ModelConfig, optional
        Modelling choices; the class's defaults when omitted.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    nuisance: ClassVar[tuple[str, ...]] = ()
    pseudo_observations: ClassVar[tuple[str, ...]] = ()
    #: Derived quantities ranked in SBC beside the free parameters.
    calibrated_derived: ClassVar[tuple[str, ...]] = ()
    #: Free variables SBC does not rank because a derived one it ranks is a transform of them.
    calibration_replaces: ClassVar[tuple[str, ...]] = ()
    #: Variables shown first in trace and rank plots (one per distinct quantity).
    key_variables: ClassVar[tuple[str, ...]] = ()
    #: NUTS's target acceptance rate when the user gives none (smaller steps for harder geometry).
    target_accept: ClassVar[float] = 0.9
    #: Chains start at the best of this many optimisations of the posterior density when above 0, for posteriors with
    #: local optima (inference/sampling/start.py); 0: at the support point with PyMC's jitter.
    start_search: ClassVar[int] = 0

    def __init__(self, dataset=None, config=None):
        from effcompute.models.config import ModelConfig

        self.config = config if config is not None else ModelConfig(model=self.name)
        if self.config.model != self.name:
            raise ValueError(f"config is for model {self.config.model!r}, not {self.name!r}")
        self.dataset = dataset
        self.data = self.prepare(dataset)
        self._model = None

    # -- what a subclass provides ------------------------------------------------------
    @classmethod
    def load_data(cls, data_dir=None):
        """The tables the model is fitted on, from ``data_dir`` (default: the curated six of a data folder or workspace)."""
        from effcompute.data.load import load_dataset

        return load_dataset(data_dir)

    def prepare(self, dataset):
        """Arrays, coordinates and excluded rows from the tables (no PyMC)."""
        raise NotImplementedError

    def coords(self) -> dict:
        """Coordinates of the model's dims."""
        raise NotImplementedError

    def add_variables(self) -> None:
        """Add the variables to the current ``pm.Model`` context."""
        raise NotImplementedError

    def headline_quantities(self) -> list[Quantity]:
        """The quantities people quote, in the order they are shown."""
        raise NotImplementedError

    def observations(self) -> list[Observed]:
        """Every likelihood term (pseudo-observations excluded) with its rows' labels."""
        return []

    def notes(self) -> list[str]:
        """Caveats printed with the headline."""
        return []

    @property
    def as_of(self) -> dt.date | None:
        """End of the period since GPT-3 (None for a model without data)."""
        return getattr(self.data, "as_of", None)

    @property
    def excluded(self) -> list[tuple]:
        """(table, row, reason) of every row the model left out."""
        return list(getattr(self.data, "excluded", []))

    # -- built on the above ------------------------------------------------------------
    @property
    def years(self) -> float | None:
        """Years from GPT-3's training to :attr:`as_of`."""
        return None if self.as_of is None else years_since_gpt3(self.as_of)

    def build(self) -> pm.Model:
        """The ``pm.Model`` (built once, then cached; nothing is sampled)."""
        if self._model is None:
            with pm.Model(coords=self.coords()) as model:
                self.add_variables()
            self._model = model
        return self._model

    @property
    def model(self) -> pm.Model:
        return self.build()

    def gated_variables(self) -> list[str]:
        """Variables the convergence gate checks: every headline quantity's."""
        return list(dict.fromkeys(q.variable for q in self.headline_quantities()))

    def model_id(self) -> str:
        """Hash of the model's name, configuration and package version (16 hex digits)."""
        from effcompute import __version__

        return model_id(self.name, self.config.to_json(), __version__)

    def roles(self) -> dict:
        """What a saved run needs to describe itself without rebuilding the model (JSON-ready)."""
        return {
            "headline": [asdict(q) for q in self.headline_quantities()],
            "nuisance": list(self.nuisance),
            "pseudo_observations": list(self.pseudo_observations),
            "observed": {o.variable: {"dim": o.dim, "table": o.table, "pointwise": o.pointwise, "kind": o.kind, "natural": o.natural}
                         for o in self.observations()},
            "key_variables": list(self.key_variables) or self.gated_variables(),
        }


def model_id(name: str, config_json: str, version: str) -> str:
    """The id :meth:`EffModel.model_id` computes, from its three parts."""
    text = json.dumps({"model": name, "config": json.loads(config_json), "version": version}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def quantities_from_roles(roles: dict) -> list[Quantity]:
    """The headline quantities a run stored with :meth:`EffModel.roles`."""
    return [Quantity(**q) for q in roles.get("headline", [])]


def build_model(dataset, config) -> EffModel:
    """The model ``config.model`` names, built on ``dataset``."""
    from effcompute.models.registry import model_class

    return model_class(config.model)(dataset, config)
