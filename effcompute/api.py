"""The Python API: fit a model or load a saved run, then read its headline, figures and report.

>>> import effcompute as ec
>>> run = ec.load_run("runs/joint_seed1.nc")      # or: run = ec.fit(model="joint", draws=2000)
>>> run.headline()                                # one row per quantity: median, 80% and 95% intervals, unit
>>> fig = run.plot("reductions")                  # a matplotlib Figure
>>> run.report("report")                          # report.html, report.md and figures/

PyMC is imported on first use, not by ``import effcompute``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from effcompute.inference.sampling.settings import DEFAULT_CHAINS, DEFAULT_DRAWS, DEFAULT_TUNE

#: Figures a run can draw, by name: name -> (module function in effcompute.inference.plots, what it takes).
FIGURES = {
    "reductions": "plot_reduction_distributions",
    "factors": "plot_prior_posterior_forest",
    "contributions": "plot_factor_contributions",
    "tension": "plot_tension",
    "halving_time": "plot_halving_time",
    "flop_to_match_gpt3": "plot_flop_to_match_gpt3",
    "trace": "plot_trace",
    "rank": "plot_rank",
    "energy": "plot_energy",
    "pair": "plot_pair",
    "pareto_k": "plot_pareto_k",
    "growth_fan": "plot_growth_fan",
    "threshold_equivalents": "plot_threshold_equivalents",
    "perplexity_fit": "plot_perplexity_fit",
    "loss_matched_halving": "plot_loss_matched_halving",
}


@dataclass
class Run:
    """A fitted run: its InferenceData, its model configuration and its stored attributes.

    Attributes
    ----------
    idata : arviz.InferenceData
        Posterior, prior, predictive, log-likelihood and data groups (see docs/architecture.md).
    config : effcompute.models.config.ModelConfig
    attrs : dict
        Provenance: data hash, seed, versions, convergence, the headline as fitted.
    path : pathlib.Path or None
        The netCDF file, when the run is on disk.
    """

    idata: object
    config: object
    attrs: dict
    path: Path | None = None

    @property
    def model(self) -> str:
        """The model's registry name."""
        return self.config.model

    def headline(self):
        """The headline as a :class:`pandas.DataFrame`: one row per quantity, with its unit, label and interval kind."""
        import pandas as pd

        from effcompute.inference.sampling.record import run_quantities
        from effcompute.inference.summary.numbers import INTERVAL_KIND

        quantities = {q.headline_key: q for q in run_quantities(self.idata)}
        rows = []
        for key, row in self.attrs["headline"].items():
            q = quantities.get(key)
            prior = row.get("prior", {})
            rows.append({"quantity": key, "label": q.label if q else key, "unit": q.unit if q else "",
                         **{k: row.get(k) for k in ("median", "lo80", "hi80", "lo95", "hi95")},
                         "prior_median": prior.get("median"), "prior_lo80": prior.get("lo80"), "prior_hi80": prior.get("hi80")})
        frame = pd.DataFrame(rows).set_index("quantity")
        frame.attrs["interval_kind"] = INTERVAL_KIND
        return frame

    def plot(self, name: str):
        """One of the run's figures by name (:data:`FIGURES`); returns a matplotlib Figure."""
        from effcompute.inference import plots

        if name not in FIGURES:
            raise ValueError(f"figure {name!r} must be one of {sorted(FIGURES)}")
        function = getattr(plots, FIGURES[name])
        post = self.idata["posterior"]
        prior = self.idata["prior"] if "prior" in self.idata.groups() else None
        if name == "reductions":
            return function({"prior": prior, "posterior": post} if prior is not None else {"posterior": post})
        if name == "factors":
            return function(prior, post)
        if name in ("contributions", "halving_time", "flop_to_match_gpt3", "loss_matched_halving"):
            return function(post)
        if name == "growth_fan":  # needs the run's settings, data end and the Epoch rows: read from the file
            if self.path is None:
                raise ValueError("the growth fan chart reads the run from disk: save it first (effcompute.fit saves every run)")
            from effcompute.inference.plots.growth import growth_fan_from_run

            return growth_fan_from_run(self.path)[0]
        if name == "threshold_equivalents":  # the policy thresholds (EU AI Act 1e25, US EO 14110 1e26) with the run's settings
            if self.path is None:
                raise ValueError("the threshold figure reads the run from disk: save it first (effcompute.fit saves every run)")
            from effcompute.inference.plots.growth import threshold_figure_from_run

            return threshold_figure_from_run(self.path)[0]
        if name == "pareto_k":
            return function(plots.pointwise_loo(self.idata))
        return function(self.idata)

    def report(self, out, data=None) -> dict:
        """Write the run's report (HTML and Markdown with PNG figures) into ``out``; returns the written paths."""
        if self.path is None:
            raise ValueError("the run is not on disk: save it first (effcompute.fit saves every run)")
        from effcompute.inference.report.build import build_report
        from effcompute.inference.report.render import write_report

        return write_report(build_report(self.path, data_dir=data), Path(out))


def load_run(path) -> Run:
    """Load a run saved by ``effcompute fit`` (or :func:`fit`)."""
    from effcompute.inference.runs.files import load_run as _load

    idata, config, attrs = _load(path)
    return Run(idata, config, attrs, Path(path))


def fit(model: str = "joint", *, data=None, out="runs", draws: int = DEFAULT_DRAWS, tune: int = DEFAULT_TUNE, chains: int = DEFAULT_CHAINS, seed: int = 1,
        prior: str = "seed", as_of=None, quiet: bool = False, **options) -> Run:
    """Fit a model on a data folder (default: the bundled data), save the run under ``out`` and return it.

    ``options`` go to :func:`effcompute.inference.runs.fit_workflow.run_fit` (``sampler``, ``target_accept``,
    ``loss_law``). Its phases (compile, sample, predictive, write) are shown on stderr unless ``quiet``. The convergence gate's verdict is in ``run.attrs["convergence"]``; an unconverged run is
    saved with ``_UNCONVERGED`` in its name.
    """
    from effcompute import progress
    from effcompute.inference.runs.fit_workflow import run_fit
    from effcompute.quiet import quiet_pymc_logs

    with quiet_pymc_logs(), progress.reporting("fit", quiet=quiet):
        result = run_fit(model, data_dir=data, out_dir=out, draws=draws, tune=tune, chains=chains, seed=seed, prior=prior, as_of=as_of, **options)
    return load_run(result["path"])


def saved_run_path(model: str = "joint", *, runs="runs", seed: int = 1, **options) -> Path | None:
    """The run :func:`fit` would save for ``model``, ``seed`` and ``options`` (``loss_law``, ``variant``) in ``runs``, if it is
    there: the converged one, else one marked ``_UNCONVERGED``; None when neither exists."""
    from effcompute.inference.runs.fit_workflow import run_stem

    stem = run_stem(model, seed, variant=options.get("variant"), loss_law=options.get("loss_law", "span"))
    return next((p for p in (Path(runs) / f"{stem}.nc", Path(runs) / f"{stem}_UNCONVERGED.nc") if p.is_file()), None)


def load_or_fit(model: str = "joint", *, runs="runs", seed: int = 1, refit: bool = False, **options) -> Run:
    """The saved run of ``model`` and ``seed`` in ``runs`` when there is one, else a new fit saved there.

    Parameters
    ----------
    model : str
        A registered model name.
    runs : path
        The folder ``effcompute fit`` saves runs in (default ``runs``).
    seed : int
    refit : bool
        Fit again even when a saved run exists (the new run replaces it).
    **options
        Passed to :func:`fit` (``draws``, ``tune``, ``chains``, ``data``, ``loss_law``, ``quiet``...) when it fits.
    """
    path = None if refit else saved_run_path(model, runs=runs, seed=seed, **options)
    return load_run(path) if path else fit(model, out=runs, seed=seed, **options)
