"""New releases (and their scores, MFU and cost rows) from a user's file, checked before anything is written.

Accepted files:

* YAML or JSON: a list of releases, or a mapping with any of the keys
  ``releases``, ``scores``, ``mfu``, ``costs`` (each a list of rows). A release
  may carry its own ``scores``, ``mfu`` and ``costs`` lists; their ``release``
  field is then filled in (a number under ``mfu`` is the release's own MFU
  column, a list is rows of mfu.csv).
* CSV: rows of ``releases.csv`` (header required; columns may be a subset).

Reading only checks the file's shape; :mod:`effcompute.data.addition_checks`
checks the rows against the data and :mod:`effcompute.data.transactions`
writes them.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from effcompute.data.cells import normal_date, shown
from effcompute.data.documents import DocumentError, load_json, load_yaml
from effcompute.data.io import CsvFormatError, decode_text, read_csv_records
from effcompute.data.schema import SCHEMAS

ADDABLE = ("releases", "scores", "mfu", "costs")
CHILD_TABLES = ("scores", "mfu", "costs")
FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "csv"}
#: Largest file of additions read (bytes): far more than any real list of releases.
MAX_INPUT_BYTES = 5_000_000


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
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "isoformat"):  # YAML turns 2025-01-31 into a date
        return value.isoformat()
    raise AdditionError([f"{where}: value {shown(value)} is a {type(value).__name__}, expected a number or text"])


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
                raise AdditionError([f"{table} entry {i + 1}: value {shown(item)} is not a mapping of field: value"], source)
            item = dict(item)
            if table == "releases":
                for child in CHILD_TABLES:
                    # 'mfu' is also a releases column: only a list means the child table
                    if not isinstance(item.get(child), list):
                        continue
                    nested = item.pop(child)
                    for sub in nested:
                        if not isinstance(sub, dict):
                            raise AdditionError([f"releases entry {i + 1} field {child!r}: value {shown(sub)} is not a mapping"], source)
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
                problems.append(f"{table} entry {i + 1}: field {shown(key)} is not a column of {table}.csv" + (f" (did you mean {close[0]!r}?)" if close else ""))
    if problems:
        raise AdditionError(problems, source)
    dates = [c for c in columns if (SCHEMAS[table].columns[c].metadata or {}).get("kind") == "date"]
    try:
        cells = [{c: _cell(row.get(c), f"{table} entry {i + 1} field {c!r}") for c in columns} for i, row in enumerate(rows)]
    except AdditionError as err:
        raise AdditionError(err.problems, source) from None
    for row in cells:
        row.update({c: normal_date(row[c]) for c in dates})
    return pd.DataFrame(cells, columns=columns, dtype=object)


def _csv_rows(text: str, source: str) -> list[dict]:
    try:
        header, records = read_csv_records(text, source)
    except CsvFormatError as err:
        raise AdditionError([f"CSV line {line}: {problem}" if line else f"CSV: {problem}" for line, problem in err.problems], source) from None
    return [{k: v.strip() or None for k, v in zip(header, r)} for r in records]


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
    if path.stat().st_size > MAX_INPUT_BYTES:
        raise AdditionError([f"file: {path.stat().st_size:,} bytes is over the {MAX_INPUT_BYTES:,}-byte limit for a file of additions"], source)
    try:
        text = decode_text(path.read_bytes(), source)
    except CsvFormatError as err:
        line, problem = err.problems[0]
        raise AdditionError([f"encoding: line {line}: {problem}"], source) from None
    if not text.strip():
        raise AdditionError(["file: it is empty"], source)
    if "\x00" in text:
        raise AdditionError(["file: it contains NUL bytes (a binary file, not text)"], source)
    if fmt == "csv":
        rows = {"releases": _csv_rows(text, source)}
    else:
        try:
            doc = load_yaml(text) if fmt == "yaml" else load_json(text)
        except DocumentError as err:
            raise AdditionError([f"{fmt.upper()} {err}"], source) from None
        rows = _rows_from_mapping(doc, source)
    tables = {t: rows_to_frame(t, r, source) for t, r in rows.items() if r}
    if not tables:
        raise AdditionError(["file: no rows to add"], source)
    return Additions(tables, source)


# -- checking ---------------------------------------------------------------
def additions_yaml(additions: Additions) -> str:
    """Additions as the YAML that :func:`read_additions` reads (empty cells left out)."""
    doc = {t: [{k: v for k, v in row.items() if v is not None} for row in df.to_dict("records")] for t, df in additions.tables.items()}
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
