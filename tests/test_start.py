"""Where chains start: the multi-start search finds the best optimum, and both samplers start there (toy models), and
the perplexity model's trapped simulation is recovered (slow)."""

import numpy as np
import pymc as pm
import pytest

from effcompute.inference.sampling.sampler import nutpie_available, sample_model
from effcompute.inference.sampling.start import JITTER, StartSearch


def two_peaks():
    """x has a narrow, high peak at -1 and a broad, low one at +4 (equal mass): from PyMC's default start (the mean,
    1.5, jittered by 1) gradients lead to +4; the deep valley between keeps NUTS there."""
    with pm.Model() as model:
        pm.NormalMixture("x", w=[0.5, 0.5], mu=[-1.0, 4.0], sigma=[0.05, 0.5])
    return model


def shifted_mean():
    """A positive scale and a mean whose optimum moves with the data container (one local optimum)."""
    with pm.Model() as model:
        y = pm.Data("y", np.array([1.0, 1.2, 0.8]))
        mu = pm.Normal("mu", 0.0, 10.0)
        sigma = pm.HalfNormal("sigma", 1.0)
        pm.Normal("obs", mu, sigma, observed=y)
    return model


def test_the_search_keeps_the_highest_of_several_optima():
    search = StartSearch(two_peaks())
    start = search.find(12, seed=3)
    assert start.point["x"] == pytest.approx(-1.0, abs=1e-3)
    found = np.asarray(start.logps)
    assert np.nanmax(found) == start.logp and 1 <= start.spread() <= 12
    assert np.any(np.abs(found - start.logp) > 2), "some starts should end on the lower peak at +4"
    assert start.record(2.5) == {"starts": 12, "best_logp": start.logp, "reached_best": start.spread(), "seconds": 2.5}


def test_the_search_reads_the_data_it_is_given():
    search = StartSearch(shifted_mean())
    near_one = search.find(3, seed=1)
    moved = search.find(3, seed=1, data={"y": np.array([10.0, 10.5, 9.5])})
    assert near_one.point["mu"] == pytest.approx(1.0, abs=0.05)
    assert moved.point["mu"] == pytest.approx(10.0, abs=0.1)
    assert set(moved.point) == {"mu", "sigma_log__"}  # unconstrained, as the samplers take them


def test_chain_starts_jitter_the_best_point_by_a_seeded_uniform():
    search = StartSearch(shifted_mean())
    start = search.find(2, seed=0)
    initial_point = search.chain_starts(start)
    centre = search.flat(start.point)
    a, b, again = initial_point(1), initial_point(2), initial_point(1)
    assert np.all(np.abs(a - centre) <= JITTER) and not np.allclose(a, b) and np.allclose(a, again)
    constrained = search.constrained_starts(start, chains=3, seed=5)
    assert len(constrained) == 3 and all(c["sigma"] > 0 for c in constrained)
    assert constrained[0]["sigma"] == pytest.approx(np.exp(initial_point(5)[1]))


def test_the_search_refuses_no_starts():
    search = StartSearch(shifted_mean())
    with pytest.raises(ValueError, match="starts=0"):
        search.find(0, seed=0)


SAMPLERS = ["pymc"] + (["nutpie"] if nutpie_available() else [])


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_sampling_from_the_searched_start_stays_on_the_best_peak(sampler):
    model = two_peaks()
    default, _ = sample_model(model, draws=100, tune=100, chains=2, seed=4, sampler=sampler, quiet=True, progress=False)
    started, timings = sample_model(model, draws=100, tune=100, chains=2, seed=4, sampler=sampler, quiet=True, progress=False, starts=8)
    assert float(default.posterior.x.mean()) > 3, "the default start should reach the broad peak (else this toy tests nothing)"
    assert np.all(np.abs(started.posterior.x.values + 1.0) < 0.5)
    assert timings.extra["start_search"]["starts"] == 8 and timings.extra["start_search"]["reached_best"] >= 1


@pytest.mark.slow
def test_the_perplexity_model_recovers_the_simulation_its_chains_were_trapped_in():
    """Simulation 48 of seed 1 (docs/checks.md): from the default start, chains settled at noise sd 0.108 (truth 0.074)."""
    from effcompute.data.load import load_dataset
    from effcompute.inference.checks.sbc import draw_simulations
    from effcompute.inference.sampling.sampler import compile_for_nutpie, sample_compiled, started_at
    from effcompute.models import build_model
    from effcompute.models.config import ModelConfig

    m = build_model(load_dataset(), ModelConfig(model="perplexity"))
    truth, data = draw_simulations(m, 49, 1)
    search = StartSearch(m.model)
    start = search.find(m.start_search, seed=48, data=data[48])
    compiled = started_at(compile_for_nutpie(m.model).with_data(**data[48]), search.chain_starts(start))
    idata = sample_compiled(compiled, draws=200, tune=300, chains=2, seed=48, cores=1)
    assert float(truth["sigma"][48]) == pytest.approx(0.074, abs=0.001)
    assert float(idata.posterior.sigma.mean()) == pytest.approx(0.074, abs=0.01)
    assert float(idata.posterior.sigma.max()) < 0.095
