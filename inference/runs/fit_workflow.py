"""`effcompute fit`: data -> model -> sampling -> gate -> headline -> netCDF."""

from __future__ import annotations

from pathlib import Path

from effcompute import progress as shown
from effcompute.inference.sampling.gate import check_convergence
from effcompute.inference.sampling.sampler import fit_model
from effcompute.inference.summary.headline import INTERVAL_KIND, comparisons, headline_table
from effcompute.inference.runs.files import provenance, save_run
from effcompute.inference.summary.tension import tension_in_run
from effcompute.models import build_model
from effcompute.models.config import ModelConfig
from effcompute.models.registry import model_class
from effcompute.inference.sampling.settings import DEFAULT_CHAINS, DEFAULT_DRAWS, DEFAULT_TUNE




def default_out_dir(data_dir=None) -> Path:
    """``runs/<version>`` inside a workspace (``--data`` or ``$EFFCOMPUTE_DATA``), else ``runs`` here."""
    from effcompute.data.load import named_data_dir, named_workspace
    from effcompute.data.workspace import is_workspace

    chosen = named_data_dir(data_dir)
    if chosen and is_workspace(chosen):
        ws = named_workspace(chosen)
        return ws.runs_dir / ws.head
    return Path("runs")


def run_stem(model_name: str, seed: int, *, variant=None, loss_law: str = "span", rate_prior: bool = False) -> str:
    """The file name (without ``.nc`` and the ``_UNCONVERGED`` mark) :func:`run_fit` saves a run under; a run with
    another pooled-rate prior (``rate_prior``) is named apart so it never replaces the default run."""
    return (f"{model_name}{'_' + variant if variant else ''}_seed{seed}" + (f"_{loss_law}_law" if loss_law != "span" else "")
            + ("_rate_prior" if rate_prior else ""))


def run_fit(
    model_name: str = "joint", *, data_dir=None, out_dir="runs", draws=DEFAULT_DRAWS, tune=DEFAULT_TUNE, chains=DEFAULT_CHAINS, seed=1,
    as_of=None, prior="seed", sampler="auto", target_accept=None, progress=None, quiet=False, loss_law="span", dataset=None, growth=None,
    variant=None, config_fields=None,
) -> dict:
    """Fit one model on a data folder (or on ``dataset``, e.g. the growth tables) and save the run.

    ``growth`` overrides the growth model's settings (``ModelConfig.growth``).

    ``target_accept``: NUTS's target acceptance rate; None = the model's (``EffModel.target_accept``).

    ``variant`` picks the perplexity model's law variant (``ModelConfig.perplexity_variant``; None = its default)
    and is then part of the run's file name; ``config_fields`` sets further :class:`ModelConfig` fields (sensitivity runs).

    Returns
    -------
    dict
        JSON-ready: ``model``, ``converged``, ``diagnostics``, ``failures``,
        ``headline``, ``comparisons``, ``path``, ``timings``, ``as_of``,
        ``excluded`` (rows left out and why) and ``notes``.
    """
    dataset = dataset if dataset is not None else model_class(model_name).load_data(data_dir)
    chosen = {**(config_fields or {}), **({"perplexity_variant": variant} if variant else {})}
    config = ModelConfig(model=model_name, prior=prior, as_of=as_of.isoformat() if hasattr(as_of, "isoformat") else as_of, loss_law=loss_law,
                         growth=dict(growth or {}), **chosen)
    model = build_model(dataset, config)
    target_accept = model.target_accept if target_accept is None else target_accept
    idata, timings = fit_model(model, draws=draws, tune=tune, chains=chains, seed=seed, sampler=sampler, target_accept=target_accept, progress=progress, quiet=quiet)
    with shown.phase("convergence gate and headline"):
        conv = check_convergence(idata, model.gated_variables())
        headline = headline_table(idata, model.headline_quantities())
        tension = tension_in_run(idata, model.headline_quantities())
    notes = model.notes()
    as_of = model.as_of.isoformat() if model.as_of else None
    result = {
        "model": model_name,
        "converged": conv.converged,
        "diagnostics": {k: v for k, v in conv.to_dict().items() if k not in ("failures", "converged")},
        "failures": conv.failures,
        "headline": headline,
        "interval_kind": INTERVAL_KIND,
        "comparisons": comparisons(),
        "as_of": as_of,
        "years_since_gpt3": model.years,
        "excluded": [{"table": t, "row": r, "reason": why} for t, r, why in model.excluded],
        "notes": notes,
        "timings": {"sampler": timings.sampler, "compile_s": timings.compile_s, "sample_s": timings.sample_s, "extras_s": timings.extras_s},
        **({"start_search": timings.extra["start_search"]} if "start_search" in timings.extra else {}),
        "counts": dataset.counts(),
    }
    if tension:
        result["tension"] = tension
    attrs = provenance(
        model, dataset.data_hash(), seed, timings.sampler,
        extra={"tension": tension, "headline": headline, "convergence": conv.to_dict(), "as_of": as_of, "excluded": result["excluded"], "notes": notes, "counts": result["counts"],
               **({"start_search": result["start_search"]} if "start_search" in result else {})},
    )
    stem = run_stem(model_name, seed, variant=variant, loss_law=loss_law, rate_prior=bool(config.rate_prior)) + ("" if conv.converged else "_UNCONVERGED")
    with shown.phase("write", detail=str(Path(out_dir) / f"{stem}.nc")):
        result["path"] = str(save_run(idata, Path(out_dir) / f"{stem}.nc", attrs))
    return result
