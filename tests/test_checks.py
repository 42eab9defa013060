"""effcompute check: SBC machinery, forecast split and scoring, sensitivity and influence (fast, mocked); real runs are slow."""

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from effcompute import dims
from effcompute.cli import main
from effcompute.data.load import load_dataset
from effcompute.inference.checks import forecast, influence, sbc, sensitivity
from effcompute.inference.sampling.simulate import observed_data_names
from effcompute.models import build_model
from effcompute.models.config import ModelConfig
from tests.mock_sampling import mock_fit


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def models(ds):
    return {name: build_model(ds, ModelConfig(model=name)) for name in ("evidence", "trend", "joint")}


def test_joint_link_is_a_data_container_so_sbc_simulates_it(models):
    assert observed_data_names(models["joint"].model)["link"] == "link_y"


def test_ranked_quantities_cover_factors_and_skip_per_row_offsets(models):
    labels = [sbc.quantity_label(models["joint"].model, n, i) for n, i in sbc.ranked_quantities(models["joint"])]
    for f in models["joint"].data.evidence.coords["compute_factor"]:
        assert f"log_gain[{f}]" in labels
    assert "g_oom_per_year" in labels and "compute_reduction" in labels and "discrepancy" in labels
    assert not any(lab.startswith(models["joint"].nuisance) for lab in labels)
    assert not any(lab.startswith(("log_transformer_pp", "log_chinchilla_gain")) for lab in labels)


def test_draw_simulations_gives_truth_and_data_for_every_observation(models):
    m = models["joint"]
    truth, data = sbc.draw_simulations(m, 3, seed=5)
    assert len(data) == 3 and set(data[0]) == set(observed_data_names(m.model).values())
    assert truth["g_oom_per_year"].shape == (3,)
    assert data[0]["score_logit_y"].shape == m.model["score_logit_y"].get_value().shape
    assert not np.allclose(data[0]["score_logit_y"], data[1]["score_logit_y"])


def test_loglik_is_highest_near_the_data_generating_point(models):
    m = models["trend"]
    truth, data = sbc.draw_simulations(m, 2, seed=3)
    free = [rv.name for rv in m.model.free_RVs]
    at = [{n: truth[n][i] for n in free} for i in range(2)]
    loglik = sbc.loglik_function(m.model)
    own, other = loglik(data[0], at)
    assert np.isfinite(own) and own > other


def test_rank_with_ties_counts_draws_below():
    rng = np.random.default_rng(0)
    assert sbc.rank_with_ties(np.array([0.1, 0.2, 0.3]), 0.25, rng) == 2
    assert sbc.rank_with_ties(np.array([1.0, 1.0, 1.0]), 1.0, rng) in (0, 1, 2, 3)


def _fake_results(rank_fn, sims=300, kept=99, seed=0):
    rng = np.random.default_rng(seed)
    return [{"sim": i, "ranks": {"a": int(rank_fn(rng, kept))}, "hits": {"a": [True, True, True]}, "divergences": 0, "kept_draws": kept, "seconds": 1.0}
            for i in range(sims)]


def test_summarize_passes_uniform_ranks_and_fails_overconfident_ones():
    uniform = sbc.summarize(_fake_results(lambda rng, L: rng.integers(0, L + 1)))
    assert uniform["passed"] and uniform["parameters"]["a"]["in_band"]
    # an overconfident posterior puts the truth in the tails: ranks pile at 0 and L
    tails = sbc.summarize(_fake_results(lambda rng, L: rng.choice([0, L]) if rng.uniform() < 0.3 else rng.integers(0, L + 1)))
    assert not tails["passed"] and tails["outside_band"] == ["a"]


def test_the_rhat_screen_ranks_only_simulations_whose_chains_agree():
    """Stuck fits rank the truth at an extreme; screening them out by R-hat (data and sampler only) restores uniform ranks."""
    rng = np.random.default_rng(3)
    results = _fake_results(lambda rng, L: rng.integers(0, L + 1))
    for r in results:
        stuck = rng.uniform() < 0.3
        r["max_rhat"] = 1.6 if stuck else 1.004
        if stuck:
            r["ranks"]["a"] = int(rng.choice([0, r["kept_draws"]]))
    assert not sbc.summarize(results)["passed"]
    kept = sbc.summarize(results, screen_rhat=1.05)
    assert kept["passed"] and kept["fitted_sims"] == 300
    assert kept["sims"] + len(kept["screened_sims"]) == 300 and kept["screened_sims"] == [r["sim"] for r in results if r["max_rhat"] > 1.05]


def test_max_rhat_sees_chains_in_different_modes():
    import xarray as xr

    rng = np.random.default_rng(0)
    agree = rng.normal(size=(2, 200))
    apart = agree + np.array([[0.0], [3.0]])
    post = xr.Dataset({"a": (("chain", "draw"), agree), "b": (("chain", "draw"), apart), "c": (("chain", "draw"), apart)})
    assert sbc.max_rhat(post, {"a"})[0] < 1.05 < sbc.max_rhat(post, {"a", "b"})[0]
    assert sbc.max_rhat(post, {"a", "c"})[1] == "c"


def test_the_rhat_screen_needs_every_simulation_fitted_with_several_chains():
    results = _fake_results(lambda rng, L: rng.integers(0, L + 1), sims=5)
    with pytest.raises(ValueError, match="simulation 0 has no R-hat"):
        sbc.summarize(results, screen_rhat=1.05)
    for r in results:
        r["max_rhat"] = 2.0
    with pytest.raises(ValueError, match="all 5 simulations have max R-hat above 1.05"):
        sbc.summarize(results, screen_rhat=1.05)


def test_check_sbc_refuses_a_screen_it_cannot_apply(capsys):
    from effcompute.cli import main

    assert main(["check", "sbc", "--model", "perplexity", "--sims", "2", "--screen-rhat", "1.05"]) == 2
    assert "needs --chains 2 or more (got 1)" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["check", "sbc", "--model", "perplexity", "--sims", "2", "--chains", "2", "--screen-rhat", "0.99"])
    assert "must be above 1" in capsys.readouterr().err


def test_forecast_split_keeps_post_cutoff_rows_out_of_the_fit(ds):
    cutoff = dt.date(2024, 1, 1)
    before, after = forecast.split_dataset(ds, cutoff)
    assert (pd.to_datetime(before["releases"].release_date) < pd.Timestamp(cutoff)).all()
    assert (pd.to_datetime(before["mfu"].date) < pd.Timestamp(cutoff)).all()
    assert set(before["scores"].release) <= set(before["releases"].name)
    late = set(after["scores"].release)
    assert late and not late & set(before["releases"].name)


def test_log_linear_baseline_reproduces_a_line():
    train = pd.DataFrame({"series": ["A"] * 3, "log10_flop": [22.0, 23.0, 24.0], "value": [30.0, 40.0, 50.0]})
    test = pd.DataFrame({"series": ["A", "B"], "log10_flop": [25.0, 25.0]})
    np.testing.assert_allclose(forecast.log_linear_baseline(train, test), [60.0, np.nan])


def test_coverage_counts_observations_inside_central_intervals():
    draws = np.linspace(0, 1, 1001)
    pred = pd.DataFrame({"draws": [draws] * 4, "observed": [0.5, 0.2, 0.04, 0.99]})
    cov = forecast.coverage(pred)
    assert cov == {"coverage50": 0.25, "coverage80": 0.5, "coverage95": 0.75}


def test_crps_matches_the_closed_form_of_a_normal_predictive():
    from scipy.stats import norm

    draws = norm.ppf((np.arange(20000) + 0.5) / 20000)  # a standard normal, evenly spread
    for y in (0.0, 1.3, -2.5):
        exact = y * (2 * norm.cdf(y) - 1) + 2 * norm.pdf(y) - 1 / np.sqrt(np.pi)  # Gneiting & Raftery 2007, eq. 21
        assert forecast.crps(draws, y) == pytest.approx(exact, abs=2e-3)
    assert forecast.crps(np.full(10, 3.0), 5.0) == pytest.approx(2.0)  # a point forecast: the absolute error


def test_paired_difference_clusters_by_release():
    a = {"scores": [{"what": "R1 MMLU@5", "crps": 2.0}, {"what": "R1 ARC@0", "crps": 4.0}, {"what": "R2 MMLU@5", "crps": 1.0},
                    {"what": "R3 MMLU@5", "crps": 3.0}]}
    b = {"scores": [{"what": "R1 MMLU@5", "crps": 1.0}, {"what": "R1 ARC@0", "crps": 1.0}, {"what": "R2 MMLU@5", "crps": 1.0},
                    {"what": "R3 MMLU@5", "crps": 2.0}, {"what": "R4 MMLU@5", "crps": 9.0}]}
    d = forecast.paired_difference(a, b)
    assert (d["n"], d["n_releases"], d["mean_difference"]) == (4, 3, 1.25)
    # release sums 4, 0, 1 against sizes x mean 2.5, 1.25, 1.25: sqrt(3/2 * (2.25 + 1.5625 + 0.0625)) / 4
    assert d["se"] == pytest.approx(np.sqrt(1.5 * 3.875) / 4)
    with pytest.raises(ValueError, match="share no predicted score"):
        forecast.paired_difference(a, {"scores": []})


def test_forecast_predictions_from_a_mocked_fit(ds):
    before, after = forecast.split_dataset(ds, dt.date(2024, 1, 1))
    config = ModelConfig(model="joint")
    idata, _ = mock_fit(build_model(before, config).model, draws=40)
    rng = np.random.default_rng(0)
    from effcompute.models.evidence import prepare_evidence
    from effcompute.models.forecasting import predict_mfu_and_costs, predict_scores
    from effcompute.models.trend import prepare_trend

    scores = predict_scores(idata.posterior, prepare_trend(before, config), after, config, rng)
    other = predict_mfu_and_costs(idata.posterior, prepare_evidence(before, config).coords[dims.GENERATION], after, config, rng)
    assert len(scores) > 30 and set(other.kind) == {"mfu", "costs"}
    assert all(len(d) == 80 and np.isfinite(d).all() for d in pd.concat([scores, other]).draws)
    assert (other[other.kind == "mfu"].draws.map(lambda d: ((d > 0) & (d < 1)).all())).all()


def test_sensitivity_diagnosis():
    assert sensitivity.diagnose(0.2, 0.01) == "prior-dominated"
    assert sensitivity.diagnose(0.2, 0.2) == "prior-data conflict"
    assert sensitivity.diagnose(0.01, 0.3) == ""
    assert sensitivity.diagnose(0.2, 0.08, {"prior": 0.02, "likelihood": 0.09}) == "prior-dominated"


def test_power_scaling_covers_every_headline_factor(models):
    m = models["evidence"]
    idata, _ = mock_fit(m, draws=100)
    sensitivity.add_log_prior_and_likelihood(idata, m.model)
    assert "study_z" in idata.log_prior and "pair_log_multiplier" in idata.log_likelihood
    sens, floor = sensitivity.power_scaling(idata, m.headline_quantities(), m.nuisance)
    # prior draws stand in for the posterior here, so the likelihood weights are degenerate and its floor is large
    assert 0 < floor["prior"] < 1 and floor["likelihood"] > 0
    assert {f"{f}_multiplier" for f in m.data.coords["compute_factor"]} <= set(sens)
    assert "compute_reduction" in sens and all(np.isfinite(v).all() for v in sens.values())


def test_weighted_median():
    assert influence.weighted_median(np.array([3.0, 1.0, 2.0]), np.array([0.1, 0.1, 0.8])) == 2.0
    assert influence.weighted_median(np.array([3.0, 1.0, 2.0]), np.array([0.7, 0.1, 0.2])) == 3.0


def test_influence_tables_from_a_mocked_fit(models, ds):
    m = models["evidence"]
    idata, _ = mock_fit(m, draws=100)
    sensitivity.add_log_prior_and_likelihood(idata, m.model)
    k = influence.pointwise_loo(idata)
    pointwise = [v for v in m.observations() if v.pointwise]
    assert len(k) == sum(len(o.labels) for o in pointwise) and set(k.term) == {o.variable for o in pointwise}
    loso = influence.leave_one_source_out(idata)
    assert set(loso.table) == {"matched_pairs", "costs"}
    assert set(loso[loso.table == "matched_pairs"].source) == set(m.data.coords["study"])


def test_check_sbc_parser_has_the_interface():
    from effcompute.cli import build_parser

    args = build_parser().parse_args(["check", "sbc", "--model", "joint", "--sims", "5", "--seed", "1", "--json"])
    assert (args.model, args.sims, args.seed, args.json) == ("joint", 5, 1, True)
    args = build_parser().parse_args(["check", "forecast", "--cutoff", "2024-01-01", "--json"])
    assert args.cutoff == dt.date(2024, 1, 1) and args.config == [] and args.model == "joint"
    args = build_parser().parse_args(["check", "forecast", "--cutoff", "2024-01-01", "--config", "adoption=moe", "--config", "discrepancy_scale=1.4"])
    assert args.config == [("adoption", "moe"), ("discrepancy_scale", 1.4)]


@pytest.mark.slow
def test_check_sbc_json_interface_on_a_small_run(capsys):
    code = main(["check", "sbc", "--model", "trend", "--sims", "20", "--seed", "1", "--draws", "100", "--tune", "150", "--thin", "2", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["sims"] == 20 and isinstance(out["passed"], bool) and code == (0 if out["passed"] else 1)
    for name in ("g_oom_per_year", "log_likelihood"):
        assert isinstance(out["parameters"][name]["in_band"], bool)
    assert 0.0 <= out["parameters"]["g_oom_per_year"]["coverage90"] <= 1.0
    # 20 simulations cannot show small miscalibration, but a broken rank computation fails here
    assert sum(p["in_band"] for p in out["parameters"].values()) >= 0.9 * len(out["parameters"])


@pytest.mark.slow
def test_check_forecast_json_interface(capsys):
    assert main(["check", "forecast", "--cutoff", "2024-01-01", "--draws", "150", "--tune", "200", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n"] >= 50 and out["by_kind"]["scores"]["n"] >= 40
    for key in ("coverage50", "coverage80", "coverage95", "mae", "mae_baseline", "crps", "bias"):
        assert np.isfinite(out[key])
    assert len(out["scores"]) == out["by_kind"]["scores"]["n"] and out["crps"] < out["mae"]  # CRPS <= the median's error on average
    assert out["coverage50"] <= out["coverage80"] <= out["coverage95"]
    # the full run covers 88% with its 80% intervals (docs/checks.md); far outside means a broken predictive
    assert 0.6 <= out["coverage80"] <= 0.97 and out["mae"] < out["mae_baseline"]


def test_a_simulation_study_refuses_a_parameter_the_model_does_not_have(models):
    with pytest.raises(ValueError, match="banana: not a free parameter of the trend model"):
        sbc.draw_simulations(models["trend"], 2, seed=1, fixed={"banana": 1.0})
    truth, _ = sbc.draw_simulations(models["trend"], 2, seed=1, fixed={"g_oom_per_year": 0.3})
    assert np.allclose(truth["g_oom_per_year"], 0.3)


def test_the_simultaneous_ecdf_band_holds_its_probability_for_uniform_values():
    from effcompute.inference.checks.ecdf_band import ecdf_band, inside_probability

    n, prob = 200, 0.95
    z, lower, upper = ecdf_band(n, prob)
    assert np.all(lower <= z) and np.all(z <= upper) and np.all(np.diff(z) > 0)
    exact = inside_probability(n, z, np.round(lower * n).astype(int), np.round(upper * n).astype(int))
    assert prob <= exact < prob + 0.01
    rng = np.random.default_rng(0)
    u = np.sort(rng.uniform(size=(4000, n)), axis=1)
    ecdf = np.stack([np.searchsorted(row, z, side="right") / n for row in u])
    inside = np.mean(np.all((ecdf >= lower - 1e-12) & (ecdf <= upper + 1e-12), axis=1))
    assert abs(inside - exact) < 0.015  # 4,000 simulated samples: the exact probability is what they show
    with pytest.raises(ValueError, match="ecdf_band needs n >= 1"):
        ecdf_band(0, 0.95)


def test_thinning_to_the_ess_keeps_about_as_many_draws_as_the_effective_sample_size():
    ess = sbc.SBCSettings(draws=200, chains=1, thin="ess")
    assert sbc.thinning(ess, 12.8) == 16 and sbc.thinning(ess, 250.0) == 1 and sbc.thinning(ess, 0.2) == 200
    assert sbc.thinning(sbc.SBCSettings(thin=2), 12.8) == 2


def test_ranks_among_different_numbers_of_kept_draws_are_summarized_per_simulation():
    """With thin='ess' each simulation keeps its own number of draws; uniform ranks on each pass, extremes fail."""
    rng = np.random.default_rng(1)
    results = _fake_results(lambda rng, L: 0)
    for r in results:
        r["kept_draws"] = int(rng.integers(8, 120))
        r["ranks"]["a"] = int(rng.integers(0, r["kept_draws"] + 1))
    summary = sbc.summarize(results)
    assert summary["passed"] and summary["kept_draws_per_sim"]["min"] >= 8 and summary["kept_draws_per_sim"]["max"] < 120
    for r in results:
        r["ranks"]["a"] = int(rng.choice([0, r["kept_draws"]])) if rng.uniform() < 0.3 else r["ranks"]["a"]
    assert not sbc.summarize(results)["passed"]


def test_thin_takes_a_number_or_ess():
    import argparse

    from effcompute.cli_check import thin_arg

    assert thin_arg("ess") == "ess" and thin_arg("4") == 4
    with pytest.raises(argparse.ArgumentTypeError, match="'x' is neither a whole number >= 1 nor 'ess'"):
        thin_arg("x")
