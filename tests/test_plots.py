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


def test_trace_plot_names_the_elements_of_a_vector_variable_in_a_legend():
    fig = plots.plot_trace(_ds_idata(_posterior(np.random.default_rng(3))), var_names=["multiplier", dims.HARDWARE_REDUCTION])
    legend = fig.axes[0].get_legend()
    assert legend is not None and [t.get_text() for t in legend.get_texts()] == list(dims.FACTORS)


def test_pareto_k_plot_names_only_the_worst_few_with_separate_labels():
    import pandas as pd

    k = np.r_[np.linspace(0.1, 0.4, 40), [0.9, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 1.2]]
    table = pd.DataFrame({"term": ["a"] * 24 + ["b"] * 24, "observation": [f"observation {i}" for i in range(48)], "pareto_k": k})
    fig = plots.plot_pareto_k(table)
    texts = [t for t in fig.axes[0].texts]
    assert len(texts) == 5 and {t.get_text() for t in texts} == {f"observation {i}" for i in range(43, 48)}
    assert len({t.xyann for t in texts[:3]}) == 3, "neighbouring labels sit at different heights"
    assert "8 of 48 observations with k > 0.7" in fig.axes[0].get_title()


def test_dollar_axis_labels_minor_ticks_only_where_they_fit():
    import matplotlib.pyplot as plt

    from effcompute.inference.plots.style import log_dollar_axis

    for lo, hi, labelled in ((7e6, 1.1e7, False), (1.5e6, 9e6, True), (1e5, 1e9, False)):
        fig, ax = plt.subplots()
        ax.plot([lo, hi], [0, 1])
        ax.set_xlim(lo, hi)
        log_dollar_axis(ax)
        fig.canvas.draw()
        shown = zip(ax.xaxis.get_minorticklocs(), ax.get_xticklabels(minor=True))
        minor = [t.get_text() for v, t in shown if lo <= v <= hi and t.get_text()]
        assert all(m.lstrip("$")[0] in "25" for m in minor)
        assert bool(minor) == labelled, (lo, hi, minor)
        plt.close(fig)
