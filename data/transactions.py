"""Adding rows to a workspace in one checked transaction, and splitting data at a date to replay an update."""

from __future__ import annotations

import csv
import io

import pandas as pd

from effcompute.data.addition_checks import check_additions, failing_rows, same_release
from effcompute.data.additions import Additions
from effcompute.data.cells import normal_date


def rows_as_csv(df: pd.DataFrame, header: list[str] | None = None, newline: str = "\n") -> bytes:
    """Rows without a header, in the order of ``header`` (a file's own columns; default: the frame's)."""
    if header is not None:
        if set(header) != set(df.columns):
            raise ValueError(f"the file's header {header} and the rows' columns {list(df.columns)} differ")
        df = df[header]
    return df.to_csv(index=False, header=False, lineterminator=newline).encode("utf-8")


def append_rows(existing: bytes, df: pd.DataFrame) -> bytes:
    """A table file's bytes with ``df``'s rows appended under the file's own header, in its column order and line ending.

    The existing bytes are kept as they are (blank lines at the end dropped).
    """
    text = existing.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text, newline="")), None)
    if not header:
        raise ValueError("the table file has no header row to append under")
    newline = "\r\n" if text.split("\n", 1)[0].endswith("\r") else "\n"
    body = existing.rstrip(b"\r\n") + newline.encode()
    return body + rows_as_csv(df, [h.strip() for h in header], newline)


def added_keys(additions: Additions) -> dict:
    """What an addition adds, by each table's key column, for the history log."""
    keys = {"releases": "name", "scores": None, "mfu": "run", "costs": "cost_id"}
    out = {}
    for table, df in additions.tables.items():
        col = keys[table]
        out[table] = list(df[col]) if col else [f"{r.release} {r.benchmark} {r.shots}-shot ({r.evaluator})" for r in df.itertuples()]
    return out


def apply_additions(workspace, additions: Additions, *, dry_run: bool = False, action: str = "add") -> dict:
    """Check ``additions`` against the workspace's current tables and, unless ``dry_run``, commit them.

    Everything happens under the workspace lock, so two concurrent calls are
    serialised and the second is checked against the first one's result.

    Returns
    -------
    dict
        ``added`` (keys per table), ``counts``, ``dry_run``, ``version`` (the
        new version, or the current one on a dry run) and ``previous``.
    """
    from effcompute.data.load import load_dataset
    from effcompute.data.workspace import pause_for_tests

    with workspace.lock():
        before = workspace.head
        dataset = load_dataset(workspace.data_dir)
        pause_for_tests()
        check_additions(additions, dataset.frames)
        result = {"added": added_keys(additions), "counts": additions.count(), "dry_run": dry_run, "previous": before, "source": additions.source}
        if dry_run:
            return {**result, "version": before}
        contents = {t: append_rows((workspace.data_dir / f"{t}.csv").read_bytes(), df) for t, df in additions.tables.items()}
        version = workspace.commit(contents, {"action": action, "source": additions.source, "added": result["added"]})
        return {**result, "version": version}


#: Key column naming the release in each table that has one.
RELEASE_KEYS = {"releases": "name", "scores": "release", "mfu": "release", "costs": "release"}


def split_at(data_dir, before) -> tuple[dict[str, bytes], Additions]:
    """A data folder as it stood before a date, and the additions that bring it up to date.

    Parameters
    ----------
    data_dir : path
        A folder with the six tables (validated as it is read).
    before : str or datetime.date
        Releases dated on or after this (and their scores, MFU and cost rows) are split off.

    Returns
    -------
    (dict of str to bytes, Additions)
        Every table's CSV bytes without the later rows, and those rows as additions.
    """
    from effcompute.data.load import load_dataset, read_csv
    from effcompute.data.schema import TABLES

    folder = load_dataset(data_dir).data_dir
    before = normal_date(str(before))
    releases = read_csv(folder / "releases.csv")
    later = set(releases.loc[releases["release_date"].map(normal_date) >= before, "name"])
    contents, held = {}, {}
    for table in TABLES:
        df = read_csv(folder / f"{table}.csv")
        key = RELEASE_KEYS.get(table)
        if key:
            mask = df[key].isin(later)
            if mask.any():
                held[table] = df[mask].reset_index(drop=True).astype(object).where(df[mask].notna().reset_index(drop=True), None)
            df = df[~mask]
        contents[table] = df.to_csv(index=False, lineterminator="\n").encode("utf-8")
    return contents, Additions(held, f"releases from {before}")




def epoch_additions(path, current: dict, since=None, skip_invalid: bool = False) -> tuple[Additions, list[str], dict]:
    """The releases of an Epoch AI models CSV that ``current`` does not have yet, as additions.

    Parameters
    ----------
    path : path
        Epoch's models file (read with :func:`effcompute.data.epoch.import_epoch_models`).
    current : dict of str to pd.DataFrame
        The data's validated tables.
    since : str or datetime.date, optional
        Only models published on or after this date.
    skip_invalid : bool
        Leave out the releases that fail a check on their own (else they stop the whole addition later).

    Returns
    -------
    (Additions, list of str, dict)
        The additions; the imported names already in the data (by :func:`same_release`);
        the skipped names with their problems.
    """
    from pathlib import Path

    from effcompute.data.epoch import import_epoch_models
    from effcompute.data.schema import SCHEMAS

    imported = import_epoch_models(path, since=since).releases
    old = current["releases"]
    known = [bool(same_release(old, r.name, r.org, r.release_date, r.params_total)) for r in imported.itertuples()]
    new = imported[[not k for k in known]].reset_index(drop=True)
    text = new.reindex(columns=list(SCHEMAS["releases"].columns)).astype(object)
    text = text.map(lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v)) else v if isinstance(v, str) else repr(float(v)))
    additions = Additions({"releases": text} if len(text) else {}, Path(path).name)
    skipped = {}
    if skip_invalid and len(text):
        bad = failing_rows(additions, current)
        skipped = {text.loc[i, "name"]: problems for i, problems in bad.items()}
        keep = text.drop(index=list(bad)).reset_index(drop=True)
        additions = Additions({"releases": keep} if len(keep) else {}, additions.source)
    return additions, list(imported.loc[known, "name"]), skipped
