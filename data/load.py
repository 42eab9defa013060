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
from effcompute.data.io import CsvFormatError, decode_text, read_csv_records
from effcompute.data.schema import TABLES, DataValidationError, SchemaIssue, check_table, check_tables
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
        what = "is a file, not a folder" if path.exists() else "does not exist"
        raise FileNotFoundError(f"data folder {str(path)!r} {what} (from {'--data' if data_dir else DATA_ENV})")
    if is_workspace(path):
        return Workspace.open(path).data_dir
    return path


def read_csv(path, one_line_cells: bool = True) -> pd.DataFrame:
    """Read one table by its header's names, every cell as trimmed text or None; the schema coerces types.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a file.
    CsvFormatError
        If the file is not UTF-8 or not a well-formed table (see :func:`~effcompute.data.io.read_csv_records`).
    """
    path = Path(path)
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise FileNotFoundError(f"table file {str(path)!r} {what}")
    header, rows = read_csv_records(decode_text(path.read_bytes(), path.name), path.name, one_line_cells)
    cells = [[c.strip() or None for c in row] for row in rows]
    return pd.DataFrame(cells, columns=header, dtype=str)


def read_table(path) -> tuple[pd.DataFrame | None, list[SchemaIssue]]:
    """A table file as a frame, or None and the issues that stop it being read (missing, unreadable, malformed)."""
    path = Path(path)
    try:
        return read_csv(path), []
    except FileNotFoundError:
        return None, [SchemaIssue(path.name, None, None, None, "is a folder, not a file" if path.is_dir() else "file is missing")]
    except CsvFormatError as err:
        return None, [SchemaIssue(path.name, line, None, None, msg) for line, msg in err.problems]
    except OSError as err:
        return None, [SchemaIssue(path.name, None, None, None, f"cannot be read ({err.strerror or err}); check the file's owner and mode")]


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
    if not path.exists():
        raise FileNotFoundError(f"table file {str(path)!r} does not exist")
    df, issues = read_table(path)
    if not issues and validate:
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
    raw, issues = {}, []
    for name in TABLES:
        df, read_issues = read_table(folder / f"{name}.csv")
        issues += read_issues
        if df is not None:
            raw[name] = df
    frames, table_issues = check_tables(raw)
    return frames, issues + table_issues


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
