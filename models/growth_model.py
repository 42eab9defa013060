"""The growth model: effective compute = algorithms x hardware price-performance x realisation x spending.

Each term is a log10 curve in time, piecewise linear over three eras whose
two boundaries are learned (seed 003's 2018 and 2026 as the prior), with
the corners smoothed by a softplus of width ``smoothness_years`` so the
breakpoints have gradients (NUTS):

    f(t) = level + r1 (t - 2018) + (r2 - r1) h(t, b1) + (r3 - r2) h(t, b2),
    h(t, b) = w [softplus((t - b) / w) - softplus((2018 - b) / w)]

Likelihood (all on log10, Normal):

- training cost of a frontier model (2023 USD) ~ spend(t);
- FP32 FLOP/s per dollar of a GPU at release ~ hardware(t) (+ a consumer-card offset);
- training FLOP of a frontier model ~ spend(t) + hardware(t) + realisation(t) (scatter
  ``sigma_compute exp(scatter_trend (t - 2018))``), where
  realisation (training FLOP per dollar over FP32 FLOP/s per dollar at release: seconds
  of use x utilisation x number-format gain / overheads) is linear in time.

The algorithmic term has no likelihood in this version: its rates are a prior
from Ho et al. 2024 (see :data:`GROWTH_DEFAULTS`), or from an effcompute trend
run (``algorithmic_from_run``). Priors are justified in docs/models.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pymc as pm
import pytensor.tensor as pt

from effcompute.dates import decimal_year
from effcompute.models.base import EffModel, Observed, Quantity, Role

T0 = 2018.0
#: Names of the learned era boundaries and of the efficiency-over-resources ratio (the growth report reads them).
BREAKPOINTS = ("breakpoint_1", "breakpoint_2")
EFFICIENCY_OVER_RESOURCES = "efficiency_over_resources_x_per_year"
ERAS = ("2012-2017", "2018-2025", "2026-")
ERA = "growth_era"
COMPONENT = "growth_component"
#: Terms of log10 effective compute; ``compute`` (physical) = hardware + realisation + spend.
COMPONENTS = ("algorithms", "hardware", "realisation", "spend", "compute", "effective")
EFFICIENCY = ("algorithms", "hardware", "realisation")
SINCE = 2020.0
LOG10_HO_RATE = float(np.log10(2.0 ** (12 / 8.4)))
#: Every growth-model choice (``ModelConfig.growth`` overrides any key). Rates in log10 per year, per era.
GROWTH_DEFAULTS = {
    "breakpoints": [2018.0, 2026.0],
    "breakpoint_sd": [1.5, 1.0],
    "smoothness_years": 0.5,
    # seed 003's exponents (spend 1, 10, 1.73 x/yr; hardware efficiency 1.73, 1.31, 1.22 x/yr) as prior centres
    "spend_rate": [0.0, 1.0, float(np.log10(1.73))],
    "spend_rate_sd": [0.4, 0.4, 0.4],
    "hardware_rate": [float(np.log10(1.73)), float(np.log10(1.31)), float(np.log10(1.22))],
    "hardware_rate_sd": [0.2, 0.2, 0.2],
    # Ho et al. 2024: halving 8.4 months [4.5, 14.3] (95%) = 2.69x/yr [1.79, 6.35]: log10 0.43, sd 0.14
    "algorithms_rate": [LOG10_HO_RATE] * 3,
    "algorithms_rate_sd": [0.14, 0.14, 0.28],
    "algorithms_source": "Ho et al. 2024, compute halving 8.4 months [4.5, 14.3] (95%), prior only",
    "spend_level": [6.0, 1.5],
    "hardware_level": [9.0, 1.5],
    "consumer_offset": [0.5, 0.5],
    "realisation_level": [7.0, 1.0],
    "realisation_rate": [0.0, 0.2],
    "noise_sd": 0.5,
    # log change of the compute scatter per year: 0.1 allows halving or doubling over 7 years at 1 sd
    "scatter_trend": [0.0, 0.1],
}
CONSUMER_WORDS = r"GeForce|TITAN|Titan|Radeon RX"
VARIABLES = {"spend": "rate_spend", "hardware": "rate_hardware", "algorithms": "rate_algorithms"}


def growth_settings(config) -> dict:
    """:data:`GROWTH_DEFAULTS` with the config's overrides."""
    unknown = set(config.growth) - set(GROWTH_DEFAULTS)
    if unknown:
        raise ValueError(f"unknown growth setting(s) {sorted(unknown)}")
    return {**GROWTH_DEFAULTS, **config.growth}


def soft_piecewise(t, level, r1, r2, r3, b1, b2, w, xp=np):
    """log10 curve with slopes r1, r2, r3, soft corners at b1, b2 (years) and value ``level`` at :data:`T0`; ``xp`` is ``np`` or ``pt``.

    The hinges are measured from their value at T0, so moving a breakpoint does not move the level (less posterior correlation).
    """
    soft = lambda b: w * (xp.logaddexp(0.0, (t - b) / w) - xp.logaddexp(0.0, (T0 - b) / w))  # noqa: E731
    return level + r1 * (t - T0) + (r2 - r1) * soft(b1) + (r3 - r2) * soft(b2)


@dataclass
class GrowthArrays:
    """Times (decimal years) and log10 values of the three likelihood terms, with labels."""

    compute_t: np.ndarray
    compute: np.ndarray
    cost_t: np.ndarray
    cost: np.ndarray
    hw_t: np.ndarray
    hw: np.ndarray
    consumer: np.ndarray
    coords: dict
    sources: dict
    as_of: dt.date
    excluded: list


def prepare_growth(tables, as_of: dt.date) -> GrowthArrays:
    """Rows published on or before ``as_of`` (frontier models, costs, GPUs) as arrays."""
    f = tables.frontier[tables.frontier.publication_date <= np.datetime64(as_of)]
    h = tables.hardware[tables.hardware.release_date <= np.datetime64(as_of)]
    excluded = [("frontier_models", m, f"published after as_of {as_of}") for m in tables.frontier.model[~tables.frontier.model.isin(f.model)]]
    labels = [f"{m} ({d:%Y-%m})" for m, d in zip(f.model, f.publication_date)]
    has_cost = np.isfinite(f.training_cost_2023_usd.to_numpy(float))
    return GrowthArrays(
        compute_t=decimal_year(f.publication_date), compute=np.log10(f.training_compute_flop.to_numpy(float)),
        cost_t=decimal_year(f.publication_date[has_cost]), cost=np.log10(f.training_cost_2023_usd.to_numpy(float)[has_cost]),
        hw_t=decimal_year(h.release_date), hw=np.log10(h.peak_fp32_flops.to_numpy(float) / h.release_price_usd.to_numpy(float)),
        consumer=h.hardware_name.str.contains(CONSUMER_WORDS).to_numpy(float),
        coords={ERA: list(ERAS), COMPONENT: list(COMPONENTS), "frontier_model": labels,
                "costed_model": [lab for lab, c in zip(labels, has_cost) if c], "gpu": list(h.hardware_name)},
        sources={"frontier_model": tuple(f.source_url.fillna("Epoch AI models database")),
                 "costed_model": tuple(f.source_url.fillna("Epoch AI models database")[has_cost])},
        as_of=as_of, excluded=excluded,
    )


def _normal_vec(name, mu, sd):
    return pm.Normal(name, np.asarray(mu, float), np.asarray(sd, float), dims=ERA)


def add_growth_variables(d: GrowthArrays, s: dict) -> None:
    """Priors, curves, likelihood and headline deterministics (inside a ``pm.Model``)."""
    b1 = pm.Normal(BREAKPOINTS[0], s["breakpoints"][0], s["breakpoint_sd"][0])
    b2 = pm.Normal(BREAKPOINTS[1], s["breakpoints"][1], s["breakpoint_sd"][1])
    w = s["smoothness_years"]
    rates = {c: _normal_vec(VARIABLES[c], s[f"{c}_rate"], s[f"{c}_rate_sd"]) for c in VARIABLES}
    level_s = pm.Normal("level_spend", *s["spend_level"])
    level_h = pm.Normal("level_hardware", *s["hardware_level"])
    level_u = pm.Normal("level_realisation", *s["realisation_level"])
    rate_u = pm.Normal("rate_realisation", *s["realisation_rate"])
    consumer = pm.Normal("consumer_offset", *s["consumer_offset"])

    def curve(c, level, t):
        r = rates[c]
        return soft_piecewise(t, level, r[0], r[1], r[2], b1, b2, w, xp=pt)

    def resources(t):
        return curve("spend", level_s, t) + curve("hardware", level_h, t) + level_u + rate_u * (t - T0)

    noise = s["noise_sd"]
    # observed values in data containers, so SBC can swap in simulated data
    # scatter of frontier compute about the trend at 2018, changing log-linearly in time (wider before 2020: more domains)
    sigma_c = pm.HalfNormal("sigma_compute", noise) * pt.exp(pm.Normal("scatter_trend", *s["scatter_trend"]) * (d.compute_t - T0))
    pm.Normal("log10_compute", resources(d.compute_t), sigma_c,
              observed=pm.Data("log10_compute_y", d.compute, dims="frontier_model"), dims="frontier_model")
    pm.Normal("log10_cost", curve("spend", level_s, d.cost_t), pm.HalfNormal("sigma_cost", noise),
              observed=pm.Data("log10_cost_y", d.cost, dims="costed_model"), dims="costed_model")
    pm.Normal("log10_flops_per_dollar", curve("hardware", level_h, d.hw_t) + consumer * d.consumer, pm.HalfNormal("sigma_hardware", noise),
              observed=pm.Data("log10_flops_per_dollar_y", d.hw, dims="gpu"), dims="gpu")

    ones = pt.ones(len(ERAS))
    era_rates = [rates["algorithms"], rates["hardware"], rate_u * ones, rates["spend"]]
    era_rates += [era_rates[1] + era_rates[2] + era_rates[3], era_rates[0] + era_rates[1] + era_rates[2] + era_rates[3]]
    pm.Deterministic("growth_x_per_year", 10.0 ** pt.stack(era_rates), dims=(COMPONENT, ERA))
    end = float(decimal_year(d.as_of)[0])
    span = end - SINCE
    since = {c: (curve(c, 0.0, end) - curve(c, 0.0, SINCE)) / span for c in ("algorithms", "hardware", "spend")}
    efficiency = since["algorithms"] + since["hardware"] + rate_u
    pm.Deterministic(EFFICIENCY_OVER_RESOURCES, 10.0 ** (efficiency - since["spend"]))


def era_quantities() -> list[Quantity]:
    """One headline rate per component and era (x/year)."""
    out = []
    for c in COMPONENTS:
        for i, era in enumerate(ERAS):
            if c == "realisation" and i:
                continue  # one rate for every era
            out.append(Quantity("growth_x_per_year", f"{c} growth, era {era}" + (" (all eras)" if c == "realisation" else ""), "x/year", log_scale=True,
                                key=f"{c}_x_per_year_{era.replace('-', '_').rstrip('_')}", select={COMPONENT: c, ERA: era}, role=Role.GROWTH_RATE))
    return out


class GrowthModel(EffModel):
    """Frontier compute, GPU price-performance and training costs by era; algorithmic progress as a stated prior."""

    name = "growth"
    description = "growth decomposition of effective compute (Epoch frontier models, GPU prices, training costs)"
    key_variables = ("breakpoint_1", "rate_spend", "rate_hardware", "rate_realisation", "sigma_compute")

    @classmethod
    def load_data(cls, data_dir=None):
        """The Epoch subset (``data_dir``: a folder with its two files; default: the bundled ``data/epoch``)."""
        from effcompute.data.growth_data import load_growth_data

        return load_growth_data(data_dir)

    def prepare(self, dataset) -> GrowthArrays:
        from effcompute.data.growth_data import DATA_END, GrowthTables

        # a curated Dataset (or None) carries no growth tables: use the bundled subset
        tables = dataset if isinstance(dataset, GrowthTables) else self.load_data()
        self.settings = growth_settings(self.config)
        as_of = dt.date.fromisoformat(self.config.as_of) if self.config.as_of else DATA_END
        return prepare_growth(tables, as_of)

    def coords(self) -> dict:
        return self.data.coords

    def add_variables(self) -> None:
        add_growth_variables(self.data, self.settings)

    def headline_quantities(self) -> list[Quantity]:
        return era_quantities() + [
            Quantity("efficiency_over_resources_x_per_year", f"efficiency (algorithms x hardware x realisation) over resources (spend) growth, {SINCE:.0f} to as-of",
                     "x/year", log_scale=True, tail_threshold=1.0, role=Role.EFFICIENCY_VS_RESOURCES),
            Quantity("breakpoint_1", "first era boundary (year)", "year", role=Role.GROWTH_BREAKPOINT),
            Quantity("breakpoint_2", "second era boundary (year)", "year", role=Role.GROWTH_BREAKPOINT),
        ]

    def gated_variables(self) -> list[str]:
        return ["growth_x_per_year", "breakpoint_1", "breakpoint_2", "sigma_compute", "sigma_cost", "sigma_hardware"]

    def observations(self) -> list[Observed]:
        d = self.data
        return [
            Observed("log10_compute", "frontier_model", "epoch/frontier_models.csv", tuple(d.coords["frontier_model"]), sources=d.sources["frontier_model"],
                     kind="frontier training compute"),
            Observed("log10_cost", "costed_model", "epoch/frontier_models.csv", tuple(d.coords["costed_model"]), sources=d.sources["costed_model"],
                     kind="frontier training cost (2023 USD)"),
            Observed("log10_flops_per_dollar", "gpu", "epoch/hardware_prices.csv", tuple(d.coords["gpu"]), kind="GPU price-performance (FP32 FLOP/s per USD)"),
        ]

    def notes(self) -> list[str]:
        return [
            f"algorithmic term: {self.settings['algorithms_source']}; no likelihood conditions it in this version",
            "frontier = Epoch's 'Frontier model' flag (any domain); costs are Epoch's amortized hardware+energy estimates in 2023 USD",
            "hardware price-performance is FP32 FLOP/s per list-price dollar at release (data-centre level; consumer cards get an offset)",
            "the 2026- era is informed by the prior alone unless the second boundary falls inside the data",
        ]
