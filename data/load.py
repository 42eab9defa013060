"""Load the bundled (or a workspace's) tables, validated, as pandas frames and xarray objects."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd
import xarray as xr

from effcompute import dims
from effcompute.data.schema import TABLES, DataValidationError, SchemaIssue, check_links, check_table
from effcompute.data.workspace import Workspace, WorkspaceError, is_workspace

#: Environment variable naming a data folder to use instead of the bundled one.
DATA_ENV = "EFFCOMPUTE_DATA"


def bundled_data_dir() -> Path:
    """Folder of the data shipped with the package (read-only by convention)."""
    return Path(str(resources.files("effcompute.data")))


def named_data_dir(data_dir: str | os.PathLike | None = None) -> str | os.PathLike | None:
    """The folder the user named: ``data_dir`` if given, else ``$EFFCOMPUTE_DATA``, else None."""
    return data_dir or os.environ.get(DATA_ENV) or None


def named_workspace(data_dir=None, *, writable: bool = False, purpose: str = "this command") -> Workspace:
    """The workspace named by ``data_dir`` or ``$EFFCOMPUTE_DATA``.

    Raises
    ------
    WorkspaceError
        If none is named, or the folder is not a (writable) workspace; the message says how to make one.
    """
    chosen = named_data_dir(data_dir)
    if not chosen:
        raise WorkspaceError(f"{purpose} needs a workspace: make one with 'effcompute init DIR', then pass --data DIR (or set {DATA_ENV})")
    return Workspace.open(chosen, writable=writable)


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """``data_dir`` if given, else ``$EFFCOMPUTE_DATA``, else the bundled data.

    A workspace folder (``effcompute init``) resolves to its current version's tables.
    """
    chosen = named_data_dir(data_dir)
    if not chosen:
        return bundled_data_dir()
    path = Path(chosen)
    if not path.is_dir():
        raise FileNotFoundError(f"data folder {str(path)!r} does not exist (from {'--data' if data_dir else DATA_ENV})")
    if is_workspace(path):
        return Workspace.open(path).data_dir
    return path


def read_csv(path: Path, encoding: str = "utf-8") -> pd.DataFrame:
    """Read one table with every cell as text or NaN; the schema coerces types (``utf-8-sig`` drops a byte-order mark)."""
    if not path.is_file():
        raise FileNotFoundError(f"table file {str(path)!r} does not exist")
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding=encoding).pipe(
        lambda df: df.apply(lambda s: s.str.strip() if s.dtype == object else s).replace({"": None})
    )


def load_table(name: str, data_dir=None, validate: bool = True) -> pd.DataFrame:
    """Load one table by name (``releases``, ``scores``, ...).

    Raises
    ------
    DataValidationError
        If ``validate`` and the table breaks its own schema (not cross-table links).
    """
    if name not in TABLES:
        raise ValueError(f"table={name!r} must be one of {TABLES}")
    path = resolve_data_dir(data_dir) / f"{name}.csv"
    df = read_csv(path)
    if not validate:
        return df
    df, issues = check_table(name, df, file=str(path.name))
    if issues:
        raise DataValidationError(issues)
    return df


@dataclass(frozen=True)
class Dataset:
    """All tables of one data folder, validated together."""

    frames: dict
    data_dir: Path

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    def data_hash(self) -> str:
        """SHA-256 over the tables' file bytes, in table order: the provenance of a fit."""
        h = hashlib.sha256()
        for name in TABLES:
            h.update(name.encode())
            h.update((self.data_dir / f"{name}.csv").read_bytes())
        return h.hexdigest()

    def counts(self) -> dict:
        """Rows per table."""
        return {k: len(v) for k, v in self.frames.items()}


def validate_data_dir(data_dir=None) -> tuple[dict, list[SchemaIssue]]:
    """Check every table and the links between them; collect all issues instead of stopping at one."""
    folder = resolve_data_dir(data_dir)
    frames, issues = {}, []
    for name in TABLES:
        path = folder / f"{name}.csv"
        if not path.is_file():
            issues.append(SchemaIssue(path.name, None, None, None, "file is missing"))
            continue
        df, table_issues = check_table(name, read_csv(path), file=path.name)
        issues += table_issues
        if not table_issues:
            frames[name] = df
    if len(frames) == len(TABLES):
        issues += check_links(frames)
    return frames, issues


def load_dataset(data_dir=None) -> Dataset:
    """Load and validate every table of a data folder.

    Raises
    ------
    DataValidationError
        Listing every problem found (file, line, column, value).
    """
    frames, issues = validate_data_dir(data_dir)
    if issues:
        raise DataValidationError(issues)
    return Dataset(frames, resolve_data_dir(data_dir))


def releases_to_xarray(releases: pd.DataFrame) -> xr.Dataset:
    """Releases as an ``xr.Dataset`` on the ``release`` dim, dates as datetime64."""
    df = releases.set_index("name").rename_axis(dims.RELEASE)
    ds = xr.Dataset.from_dataframe(df.drop(columns=["source", "source_url", "source_location", "notes"]))
    ds["release_date"] = (dims.RELEASE, pd.to_datetime(df["release_date"]).values)
    return ds


def scores_to_xarray(scores: pd.DataFrame) -> xr.Dataset:
    """Scores in long form on a ``score_obs`` dim, with release and benchmark as coordinates."""
    df = scores.reset_index(drop=True).rename_axis(dims.SCORE_OBS)
    return xr.Dataset(
        {"score": (dims.SCORE_OBS, df["score"].to_numpy(float)), "shots": (dims.SCORE_OBS, df["shots"].to_numpy(int))},
        coords={
            dims.RELEASE: (dims.SCORE_OBS, df["release"].to_numpy(str)),
            dims.BENCHMARK: (dims.SCORE_OBS, df["benchmark"].to_numpy(str)),
            "evaluator": (dims.SCORE_OBS, df["evaluator"].to_numpy(str)),
        },
    )
