"""`effcompute fit`: data -> model -> sampling -> gate -> headline -> netCDF."""

from __future__ import annotations

from pathlib import Path

from effcompute.data.load import load_dataset
from effcompute.inference.diagnostics import check_convergence
from effcompute.inference.fit import fit_model
from effcompute.inference.headline import INTERVAL_KIND, comparisons, headline_table
from effcompute.inference.runio import provenance, save_run
from effcompute.inference.tension import tension_in_joint
from effcompute.models import build_model
from effcompute.models.config import ModelConfig

NO_EVIDENCE_NOTE = (
    "The unpublished factor has no direct evidence: in the evidence model its posterior is its prior "
    "(restricted to gains >= 1); in the joint model it is informed only as the residual between the "
    "top-down trend and the other factors."
)


def default_out_dir(data_dir=None) -> Path:
    """``runs/<version>`` inside a workspace (``--data`` or ``$EFFCOMPUTE_DATA``), else ``runs`` here."""
    from effcompute.data.load import named_data_dir, named_workspace
    from effcompute.data.workspace import is_workspace

    chosen = named_data_dir(data_dir)
    if chosen and is_workspace(chosen):
        ws = named_workspace(chosen)
        return ws.runs_dir / ws.head
    return Path("runs")


def run_fit(
    model_name: str = "joint", *, data_dir=None, out_dir="runs", draws=1000, tune=1000, chains=4, seed=1,
    as_of=None, prior="seed", sampler="auto", target_accept=0.9, progress=None, quiet=False,
) -> dict:
    """Fit one model on a data folder and save the run.

    Returns
    -------
    dict
        JSON-ready: ``model``, ``converged``, ``diagnostics``, ``failures``,
        ``headline``, ``comparisons``, ``path``, ``timings``, ``as_of``,
        ``excluded`` (rows left out and why) and ``notes``.
    """
    dataset = load_dataset(data_dir)
    config = ModelConfig(model=model_name, prior=prior, as_of=as_of.isoformat() if hasattr(as_of, "isoformat") else as_of)
    model = build_model(dataset, config)
    idata, timings = fit_model(model, draws=draws, tune=tune, chains=chains, seed=seed, sampler=sampler, target_accept=target_accept, progress=progress, quiet=quiet)
    conv = check_convergence(idata)
    headline = headline_table(idata, model_name)
    info = model.effcompute_info
    tension = tension_in_joint(idata) if model_name == "joint" else None
    notes = [NO_EVIDENCE_NOTE] if model_name in ("evidence", "joint") else []
    result = {
        "model": model_name,
        "converged": conv.converged,
        "diagnostics": {k: v for k, v in conv.to_dict().items() if k not in ("failures", "converged")},
        "failures": conv.failures,
        "headline": headline,
        "interval_kind": INTERVAL_KIND,
        "comparisons": comparisons(),
        "as_of": info["as_of"],
        "years_since_gpt3": info["years_since_gpt3"],
        "excluded": [{"table": t, "row": r, "reason": why} for t, r, why in info["excluded"]],
        "notes": notes,
        "timings": {"sampler": timings.sampler, "compile_s": timings.compile_s, "sample_s": timings.sample_s, "extras_s": timings.extras_s},
        "counts": dataset.counts(),
    }
    if tension:
        result["tension"] = tension
    attrs = provenance(
        config, dataset.data_hash(), seed, timings.sampler,
        extra={"tension": tension, "headline": headline, "convergence": conv.to_dict(), "as_of": info["as_of"], "excluded": result["excluded"], "notes": notes, "counts": result["counts"]},
    )
    stem = f"{model_name}_seed{seed}" + ("" if conv.converged else "_UNCONVERGED")
    result["path"] = str(save_run(idata, Path(out_dir) / f"{stem}.nc", attrs))
    return result
