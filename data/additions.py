"""New releases (and their scores, MFU and cost rows) from a user's file, checked before anything is written.

Accepted files:

* YAML or JSON: a list of releases, or a mapping with any of the keys
  ``releases``, ``scores``, ``mfu``, ``costs`` (each a list of rows). A release
  may carry its own ``scores``, ``mfu`` and ``costs`` lists; their ``release``
  field is then filled in (a number under ``mfu`` is the release's own MFU
  column, a list is rows of mfu.csv).
* CSV: rows of ``releases.csv`` (header required; columns may be a subset).

Every check of the bundled tables applies (:mod:`effcompute.data.schema`),
plus the checks that only make sense for additions: duplicates of what the
data already holds, unit sanity of the magnitudes, and close matches for
unknown hardware.
"""

from __future__ import annotations

import difflib
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from effcompute.accounting import FLOP_PER_PARAM_TOKEN
from effcompute.data.schema import SCHEMAS, check_links, check_table

ADDABLE = ("releases", "scores", "mfu", "costs")
CHILD_TABLES = ("scores", "mfu", "costs")
FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "csv"}
#: Plausible magnitudes (inclusive): a value outside is a unit mistake until shown otherwise.
MAGNITUDES = {
    "params_total": (1e6, 1e14, "a count of parameters (70B is 7e10)"),
    "params_active": (1e6, 1e14, "a count of parameters (70B is 7e10)"),
    "train_tokens": (1e8, 1e15, "a count of tokens (15T is 1.5e13)"),
    "train_flop": (1e17, 1e29, "total training FLOP (GPT-3 is 3.14e23)"),
    "n_chips": (1, 1e7, "a number of accelerators"),
    "train_days": (0.01, 1000, "wall-clock days"),
    "gpu_hours": (1, 1e10, "accelerator-hours"),
    "cost_usd": (1e3, 1e11, "US dollars"),
    "context_length": (64, 1e8, "tokens"),
}
#: train_flop / (6 x params_active x train_tokens) outside this range is a unit or counting mistake.
SIX_ND_RATIO = (1 / 3, 3.0)


class AdditionError(ValueError):
    """The input cannot be added; ``problems`` lists every reason, each naming the field and the value."""

    def __init__(self, problems: list[str], source: str = "input"):
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in {source}; nothing was written:\n{shown}{more}")


@dataclass
class Additions:
    """Rows to add, per table, as text cells in each table's column order."""

    tables: dict = field(default_factory=dict)
    source: str = "input"

    def count(self) -> dict:
        return {k: len(v) for k, v in self.tables.items() if len(v)}

    def release_names(self) -> list[str]:
        df = self.tables.get("releases")
        return [] if df is None else list(df["name"])


# -- reading ----------------------------------------------------------------
def _cell(value, where: str):
    """A parsed YAML/JSON value as the text a CSV cell would hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise AdditionError([f"{where}: value {value!r} is a true/false, not a number or text"])
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AdditionError([f"{where}: value {value!r} is not a finite number"])
        return repr(value)
    if isinstance(value, (int, str)):
        return str(value)
    if hasattr(value, "isoformat"):  # YAML turns 2025-01-31 into a date
        return value.isoformat()
    raise AdditionError([f"{where}: value {value!r} is a {type(value).__name__}, expected a number or text"])


def _rows_from_mapping(doc, source: str) -> dict[str, list[dict]]:
    if isinstance(doc, list):
        doc = {"releases": doc}
    if isinstance(doc, dict) and "name" in doc and "releases" not in doc:
        doc = {"releases": [doc]}
    if not isinstance(doc, dict):
        raise AdditionError([f"top level: value of type {type(doc).__name__} is not a list of releases or a mapping of tables"], source)
    unknown = sorted(set(doc) - set(ADDABLE))
    if unknown:
        raise AdditionError([f"top level: key {k!r} is not one of {list(ADDABLE)}" for k in unknown], source)
    rows = {t: [] for t in ADDABLE}
    for table in ADDABLE:
        items = doc.get(table) or []
        if not isinstance(items, list):
            raise AdditionError([f"{table}: value of type {type(items).__name__} is not a list of rows"], source)
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise AdditionError([f"{table} entry {i + 1}: value {item!r} is not a mapping of field: value"], source)
            item = dict(item)
            if table == "releases":
                for child in CHILD_TABLES:
                    # 'mfu' is also a releases column: only a list means the child table
                    if not isinstance(item.get(child), list):
                        continue
                    nested = item.pop(child)
                    for sub in nested:
                        if not isinstance(sub, dict):
                            raise AdditionError([f"releases entry {i + 1} field {child!r}: value {sub!r} is not a mapping"], source)
                        rows[child].append({"release": item.get("name"), **sub})
            rows[table].append(item)
    return rows


def rows_to_frame(table: str, rows: list[dict], source: str) -> pd.DataFrame:
    columns = list(SCHEMAS[table].columns)
    problems = []
    for i, row in enumerate(rows):
        for key in row:
            if key not in columns:
                close = difflib.get_close_matches(str(key), columns, n=1)
                problems.append(f"{table} entry {i + 1}: field {key!r} is not a column of {table}.csv" + (f" (did you mean {close[0]!r}?)" if close else ""))
    if problems:
        raise AdditionError(problems, source)
    cells = [{c: _cell(row.get(c), f"{table} entry {i + 1} field {c!r}") for c in columns} for i, row in enumerate(rows)]
    return pd.DataFrame(cells, columns=columns, dtype=object)


def read_additions(path) -> Additions:
    """Parse a YAML, JSON or CSV file of additions (no validation against the data yet).

    Raises
    ------
    AdditionError
        If the file is empty, not UTF-8, not of its format, or shaped wrongly.
    """
    path = Path(path)
    source = path.name
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise AdditionError([f"file name {path.name!r}: suffix {path.suffix!r} is not one of {sorted(FORMATS)}"], source)
    if not path.is_file():
        raise AdditionError([f"file {str(path)!r}: does not exist or is not a file"], source)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise AdditionError([f"encoding: byte {raw[err.start]:#04x} at position {err.start} is not UTF-8; save the file as UTF-8"], source) from None
    if not text.strip():
        raise AdditionError(["file: it is empty"], source)
    if "\x00" in text:
        raise AdditionError(["file: it contains NUL bytes (a binary file, not text)"], source)
    if fmt == "csv":
        try:
            df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
            raise AdditionError([f"CSV: {err}"], source) from None
        rows = {"releases": [{k: (None if pd.isna(v) else v.strip()) for k, v in r.items()} for r in df.to_dict("records")]}
    else:
        try:
            doc = yaml.safe_load(text) if fmt == "yaml" else json.loads(text)
        except (yaml.YAMLError, json.JSONDecodeError) as err:
            first = str(err).splitlines()[0]
            raise AdditionError([f"{fmt.upper()} syntax: {first}"], source) from None
        rows = _rows_from_mapping(doc, source)
    tables = {t: rows_to_frame(t, r, source) for t, r in rows.items() if r}
    if not tables:
        raise AdditionError(["file: no rows to add"], source)
    return Additions(tables, source)


# -- checking ---------------------------------------------------------------
def _number(value):
    """A cell as a finite float, else None."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _non_finite(additions: Additions) -> list[str]:
    problems = []
    for table, df in additions.tables.items():
        for i, row in df.iterrows():
            for col, value in row.items():
                if isinstance(value, str) and value.strip().lower() in ("nan", "inf", "+inf", "-inf", "infinity", "-infinity", "+infinity"):
                    problems.append(f"{table} entry {i + 1} field {col!r}: value {value!r} is not a finite number")
    return problems


def _magnitudes(additions: Additions) -> list[str]:
    problems = []
    for table, df in additions.tables.items():
        for i, row in df.iterrows():
            for col, (lo, hi, what) in MAGNITUDES.items():
                x = _number(row.get(col)) if col in row else None
                if x is not None and x > 0 and math.isfinite(x) and not lo <= x <= hi:
                    problems.append(f"{table} entry {i + 1} field {col!r}: value {row[col]} is outside {lo:g} to {hi:g}, expected {what}")
            if table == "releases":
                flop, tokens = _number(row["train_flop"]), _number(row["train_tokens"])
                active, total = _number(row["params_active"]), _number(row["params_total"])
                params = active or total
                # params_active equal to params_total is often a filled-in guess (Epoch's importer does it, a MoE's
                # total parameters overstate 6ND), so only 'too much FLOP' is checked unless active < total
                low = SIX_ND_RATIO[0] if active and total and active < total else 0.0
                if flop and tokens and params:
                    ratio = flop / (FLOP_PER_PARAM_TOKEN * params * tokens)
                    if not low <= ratio <= SIX_ND_RATIO[1]:
                        problems.append(
                            f"releases entry {i + 1} field 'train_flop': value {row['train_flop']} is {ratio:.3g} x 6 x params x tokens "
                            f"= {FLOP_PER_PARAM_TOKEN * params * tokens:.3g}; expected within {SIX_ND_RATIO[0]:.2g}x to {SIX_ND_RATIO[1]:g}x of it (FLOP, not PFLOP or FLOP/s?)"
                        )
                elif flop and params:
                    implied = flop / (FLOP_PER_PARAM_TOKEN * params)
                    lo, hi, _ = MAGNITUDES["train_tokens"]
                    if not lo <= implied <= hi:
                        problems.append(
                            f"releases entry {i + 1} field 'train_flop': value {row['train_flop']} implies {implied:.3g} training tokens for "
                            f"{params:.3g} parameters (FLOP = 6ND); expected {lo:g} to {hi:g} tokens"
                        )
            if table in ("releases", "mfu"):
                mfu = _number(row.get("mfu"))
                if mfu is not None and 1 < mfu <= 100:
                    problems.append(f"{table} entry {i + 1} field 'mfu': value {row['mfu']} looks like a percentage; expected a fraction from 0 to 1")
    return problems


def _duplicates(additions: Additions, current: dict) -> list[str]:
    problems = []
    new = additions.tables.get("releases")
    if new is None:
        return problems
    old = current["releases"]
    known = set(old["name"])
    seen = {}
    for i, row in new.iterrows():
        name = row["name"]
        if name in known:
            problems.append(f"releases entry {i + 1} field 'name': value {name!r} is already in the data")
        elif name in seen:
            problems.append(f"releases entry {i + 1} field 'name': value {name!r} repeats entry {seen[name] + 1}")
        seen.setdefault(name, i)
        params = _number(row["params_total"])
        same = old[(old["org"] == row["org"]) & (old["release_date"] == row["release_date"]) & np.isclose(old["params_total"].astype(float), params or -1, rtol=1e-6)]
        for other in same["name"]:
            if other != name:
                problems.append(
                    f"releases entry {i + 1} field 'name': value {name!r} looks like a duplicate of {other!r} "
                    f"(same org {row['org']!r}, release_date {row['release_date']} and params_total {row['params_total']})"
                )
    return problems


def _locate(issue, offsets: dict, source: str) -> str | None:
    """An issue found in a combined table, told as the addition's entry (None if it is in old rows)."""
    table = issue.file.removesuffix(".csv")
    if table not in offsets:
        return str(issue)
    if issue.line is None:
        return f"{table}: field {issue.column!r}: value {issue.value!r} {issue.problem}"
    entry = issue.line - 2 - offsets[table]
    if entry < 0:
        return None
    return f"{table} entry {entry + 1} field {issue.column!r}: value {issue.value!r} {issue.problem}"


def closest_names(name: str, known: list[str], n: int = 3) -> list[str]:
    """Known names most like ``name``: those containing it (or contained in it) first, then by similarity."""
    key = name.lower().replace(" ", "").replace("-", "")
    norm = {k: k.lower().replace(" ", "").replace("-", "") for k in known}
    contains = [k for k in known if key and (key in norm[k] or norm[k] in key)]
    similar = difflib.get_close_matches(name, known, n=n, cutoff=0.3)
    return list(dict.fromkeys(contains + similar))[:n]


def _hardware_hints(problems: list[str], hardware: list[str]) -> list[str]:
    out = []
    for p in problems:
        if "is not a known key of hardware.csv" in p:
            name = p.split("value ", 1)[1].split(" is not", 1)[0].strip("'\"")
            close = closest_names(name, hardware)
            p += f"; closest known: {', '.join(close)}" if close else f"; known: {', '.join(hardware)}"
        out.append(p)
    return out


def failing_rows(additions: Additions, current: dict) -> dict[int, list[str]]:
    """Release entries (0-based) that fail a check on their own, with the problems: for ``--skip-invalid``."""
    out = {}
    df = additions.tables.get("releases")
    for i in range(0 if df is None else len(df)):
        one = Additions({"releases": df.iloc[[i]].reset_index(drop=True)}, additions.source)
        try:
            check_additions(one, current)
        except AdditionError as err:
            out[i] = err.problems
    return out


def check_additions(additions: Additions, current: dict) -> dict:
    """Check additions against the current (validated) tables; return the combined tables.

    Parameters
    ----------
    additions : Additions
    current : dict of str to pd.DataFrame
        The data's validated tables (``Dataset.frames``).

    Returns
    -------
    dict of str to pd.DataFrame
        Validated combined tables for every table that gains rows.

    Raises
    ------
    AdditionError
        Listing every problem, each with the table, entry, field and value.
    """
    problems = _non_finite(additions) + _magnitudes(additions) + _duplicates(additions, current)
    combined, offsets = {}, {}
    frames = dict(current)
    for table, new in additions.tables.items():
        old_text = current[table].astype(object).where(current[table].notna(), None)
        offsets[table] = len(old_text)
        joined = pd.concat([old_text, new], ignore_index=True)
        checked, issues = check_table(table, joined, file=f"{table}.csv")
        problems += [p for p in (_locate(i, offsets, additions.source) for i in issues) if p]
        if not issues:
            frames[table] = combined[table] = checked
    if len(combined) == len(additions.tables):
        problems += [p for p in (_locate(i, offsets, additions.source) for i in check_links(frames)) if p]
    problems = _hardware_hints(list(dict.fromkeys(problems)), sorted(current["hardware"]["hardware"]))
    if problems:
        raise AdditionError(problems, additions.source)
    return combined


def rows_as_csv(df: pd.DataFrame) -> bytes:
    """Rows without a header, in the table's column order, for appending to its file."""
    return df.to_csv(index=False, header=False, lineterminator="\n").encode("utf-8")


def append_rows(existing: bytes, df: pd.DataFrame) -> bytes:
    """A table file's bytes with ``df``'s rows appended; the existing bytes are kept as they are."""
    if existing and not existing.endswith(b"\n"):
        existing += b"\n"
    return existing + rows_as_csv(df)


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
    before = str(before)
    releases = read_csv(folder / "releases.csv")
    later = set(releases.loc[releases["release_date"] >= before, "name"])
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


def additions_yaml(additions: Additions) -> str:
    """Additions as the YAML that :func:`read_additions` reads (empty cells left out)."""
    doc = {t: [{k: v for k, v in row.items() if v is not None} for row in df.to_dict("records")] for t, df in additions.tables.items()}
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
