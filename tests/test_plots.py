"""Plot helpers and figures on small synthetic draws; the quick-mode switch of the fit path."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from effcompute import dims
from effcompute.inference import plots
from effcompute.inference.plots.style import figure_png, times_formatter
from effcompute.inference.sampling import sampler as fit_module


@pytest.mark.parametrize("value,text", [(1.0, "1x"), (30.0, "30x"), (1000.0, "1,000x"), (2.5, "2.5x"), (0.3, "0.3x"), (1e6, "1e6x")])
def test_multiplier_tick_labels(value, text):
    assert times_formatter(value) == text


@pytest.mark.parametrize("env,expected", [(None, (1000, 1000, 4)), ("0", (1000, 1000, 4)), ("1", (150, 150, 2)), ("yes", (150, 150, 2))])
def test_quick_mode_caps_the_fit_sizes(monkeypatch, env, expected):
    if env is None:
        monkeypatch.delenv(fit_module.QUICK_ENV, raising=False)
    else:
        monkeypatch.setenv(fit_module.QUICK_ENV, env)
    assert fit_module.sampling_sizes(1000, 1000, 4) == expected
    assert fit_module.sampling_sizes(50, 20, 1) == (50, 20, 1)


def _posterior(rng, chains=2, draws=300, shift=0.0):
    mult = np.exp(rng.normal(1.0, 0.3, size=(chains, draws, len(dims.FACTORS))))
    mult[1] *= np.exp(shift)
    logs = np.log(mult)
    return xr.Dataset(
        {
            "multiplier": (("chain", "draw", dims.FACTOR), mult),
            dims.HARDWARE_REDUCTION: (("chain", "draw"), np.exp(logs.sum(-1))),
            dims.COMPUTE_REDUCTION: (("chain", "draw"), np.exp(logs[..., :5].sum(-1))),
        },
        coords={"chain": np.arange(chains), "draw": np.arange(draws), dims.FACTOR: list(dims.FACTORS)},
    )


def test_reduction_distributions_are_on_log_axes_with_the_medians_in_the_legend():
    post = _posterior(np.random.default_rng(0))
    fig = plots.plot_reduction_distributions({"posterior": post}, references={dims.HARDWARE_REDUCTION: {"seed 002": 414.0}})
    hw_ax, compute_ax = fig.axes[:2]
    assert hw_ax.get_xscale() == "log" and "log scale" in hw_ax.get_xlabel()
    labels = [t.get_text() for t in hw_ax.get_legend().get_texts()]
    assert f"posterior: median {np.median(post[dims.HARDWARE_REDUCTION].values):,.0f}x" in labels
    assert "seed 002: 414x" in labels
    assert figure_png(fig).startswith(b"\x89PNG")


def test_diagnostics_table_flags_chains_that_disagree():
    rng = np.random.default_rng(1)
    good = plots.diagnostics_table(_ds_idata(_posterior(rng)), var_names=["multiplier"])
    bad = plots.diagnostics_table(_ds_idata(_posterior(rng, shift=1.0)), var_names=["multiplier"])
    assert len(good) == len(dims.FACTORS) and good.index[0] == f"multiplier[{dims.FACTORS[0]}]"
    assert good["r_hat"].max() < 1.01 < bad["r_hat"].min()
    assert (good["q10"] < good["median"]).all() and (good["median"] < good["q90"]).all()


def _ds_idata(post):
    import arviz as az

    return az.InferenceData(posterior=post)


def test_ppc_table_gives_each_observation_its_predictive_percentile():
    import arviz as az

    rng = np.random.default_rng(2)
    pp = rng.normal(0.0, 1.0, size=(2, 500, 3))
    idata = az.InferenceData(
        posterior_predictive=xr.Dataset({"y": (("chain", "draw", "obs"), pp)}, coords={"obs": ["a", "b", "c"]}),
        observed_data=xr.Dataset({"y": (("obs",), np.array([-10.0, 0.0, 10.0]))}, coords={"obs": ["a", "b", "c"]}),
    )
    table = plots.ppc_table(idata, "y")
    assert list(table.index) == ["a", "b", "c"]
    assert table.loc["a", "percentile"] == 0.0 and table.loc["c", "percentile"] == 1.0
    assert 0.4 < table.loc["b", "percentile"] < 0.6
