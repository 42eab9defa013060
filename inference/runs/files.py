"""Save and load fitted runs: InferenceData as netCDF, provenance and model config as JSON attrs.

No pickle: a run is a netCDF file whose posterior group carries the attrs
below, enough to rebuild the exact model from the same data.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from importlib.metadata import version
from pathlib import Path

import arviz as az

from effcompute.models.config import ModelConfig

ATTR_PREFIX = "effcompute_"
LIBRARIES = ("effcompute", "pymc", "pytensor", "arviz", "numpy", "pandas", "xarray", "nutpie")


def library_versions() -> dict:
    """Installed versions of the libraries a run depends on (None when absent)."""
    out = {}
    for lib in LIBRARIES:
        try:
            out[lib] = version(lib)
        except Exception:
            out[lib] = None
    return out


def provenance(effmodel, data_hash: str, seed: int, sampler: str, extra: dict | None = None) -> dict:
    """The attrs stored with every run (all JSON-serializable strings): config, model id, variable roles, versions."""
    config = effmodel.config
    attrs = {
        "model": config.model,
        "model_id": effmodel.model_id(),
        "config": config.to_json(),
        "data_hash": data_hash,
        "seed": str(int(seed)),
        "sampler": sampler,
        "versions": json.dumps(library_versions(), sort_keys=True),
        "created_utc": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    for k, v in (extra or {}).items():
        attrs[k] = v if isinstance(v, str) else json.dumps(v, default=str)
    return {ATTR_PREFIX + k: v for k, v in attrs.items()}


def save_run(idata: az.InferenceData, path, attrs: dict) -> Path:
    """Write ``idata`` with ``attrs`` to ``path`` atomically (temp file in the same folder, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    idata.posterior.attrs.update(attrs)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        idata.to_netcdf(tmp, engine="h5netcdf")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def run_attrs(idata: az.InferenceData) -> dict:
    """The effcompute attrs of a loaded run, without the prefix; JSON values decoded."""
    raw = {k[len(ATTR_PREFIX):]: v for k, v in idata.posterior.attrs.items() if k.startswith(ATTR_PREFIX)}
    out = {}
    for k, v in raw.items():
        try:
            out[k] = json.loads(v) if k not in ("model", "model_id", "data_hash", "sampler", "created_utc") else v
        except (TypeError, json.JSONDecodeError):
            out[k] = v
    return out


def load_run(path) -> tuple[az.InferenceData, ModelConfig, dict]:
    """Load a run saved by :func:`save_run`.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is not an effcompute run (no config attrs).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"run file {str(path)!r} does not exist")
    try:
        idata = az.from_netcdf(path, engine="h5netcdf")
    except Exception as err:
        raise ValueError(f"{str(path)!r} is not a readable netCDF InferenceData file ({err})") from None
    if "posterior" not in idata.groups():
        raise ValueError(f"{str(path)!r} has no posterior group: not a fitted run")
    attrs = run_attrs(idata)
    if "config" not in attrs:
        raise ValueError(f"{str(path)!r} has no {ATTR_PREFIX}config attribute: not an effcompute run")
    config_json = json.dumps(attrs["config"]) if isinstance(attrs["config"], dict) else attrs["config"]
    config = ModelConfig.from_json(config_json)
    check_model_id(path, attrs, config_json)
    return idata, config, attrs


def check_model_id(path, attrs: dict, config_json: str) -> None:
    """The stored model id must be the hash of the stored model name, config and package version.

    Raises
    ------
    ValueError
        If the id is missing or does not match (the run's attributes were edited).
    """
    from effcompute.models.base import model_id

    from effcompute.models.registry import MODEL_NAMES

    if not attrs.get("model"):
        raise ValueError(f"{str(path)!r} has no {ATTR_PREFIX}model attribute (it is missing): not a complete effcompute run; refit it")
    if attrs["model"] not in MODEL_NAMES:
        raise ValueError(f"{str(path)!r}: {ATTR_PREFIX}model {attrs['model']!r} is not one of {MODEL_NAMES}; the run's attributes were edited: refit it")
    stored = attrs.get("model_id")
    version = (attrs.get("versions") or {}).get("effcompute")
    if not stored or not version:
        raise ValueError(f"{str(path)!r} has no {ATTR_PREFIX}model_id or effcompute version: not a complete effcompute run; refit it")
    expected = model_id(attrs.get("model", ""), config_json, version)
    if stored != expected:
        raise ValueError(f"{str(path)!r}: model id {stored} does not match its model, config and version ({expected}); the run's attributes were edited")


def rebuild_model(path, data_dir=None, loaded: tuple | None = None):
    """Rebuild a run's model from its stored config and the data it was fitted on.

    ``loaded``: the run's ``(config, attrs)`` when the caller has already read it with :func:`load_run`.

    Raises
    ------
    ValueError
        If the data's hash differs from the one stored in the run.
    """
    from effcompute import __version__
    from effcompute.models import build_model
    from effcompute.models.registry import model_class

    config, attrs = loaded if loaded is not None else load_run(path)[1:]

    if attrs["versions"]["effcompute"] != __version__:
        raise ValueError(f"{str(path)!r} was fitted with effcompute {attrs['versions']['effcompute']}, this is {__version__}: its model may differ; refit it")
    dataset = model_class(config.model).load_data(data_dir)
    if dataset.data_hash() != attrs["data_hash"]:
        raise ValueError(
            f"data mismatch: {str(path)!r} was fitted on data with hash {attrs['data_hash'][:12]}..., "
            f"but {dataset.data_dir} has hash {dataset.data_hash()[:12]}...; refit, or point --data at the run's data"
        )
    return build_model(dataset, config)


def list_runs(folder) -> list[dict]:
    """One row per ``*.nc`` file in ``folder`` or its subfolders (a workspace keeps runs under ``runs/<version>/``), sorted by
    path: its model, as-of date, seed, convergence and creation time, or why it could not be read as a run (``error``)."""
    rows = []
    for path in sorted(Path(folder).rglob("*.nc")):
        try:
            _, _, attrs = load_run(path)
        except (ValueError, OSError, KeyError) as err:
            rows.append({"path": str(path), "error": str(err)})
            continue
        rows.append({"path": str(path), "model": attrs["model"], "as_of": attrs.get("as_of"), "seed": attrs.get("seed"),
                     "converged": attrs["convergence"]["converged"], "created_utc": attrs.get("created_utc")})
    return rows
