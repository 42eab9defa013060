"""Checks of single cells as the file holds them: numbers, dates and text.

Run on the raw text before the schema coerces types, so that a message
shows what the file says (``'1e400'``, not ``inf``). Each schema column
says in its ``metadata`` which rule applies: ``{"kind": "number", "span":
(lo, hi, what)}``, ``{"kind": "date"}`` or ``{"kind": "text", "max_len": n}``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

EARLIEST_DATE = dt.date(2012, 1, 1)
#: A plain decimal number: no thousands separators, underscores, hex, ``inf`` or ``nan``.
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
LOOSE_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
#: First characters that make a spreadsheet run a cell as a formula.
FORMULA_START = ("=", "+", "-", "@")
SHOWN_CHARS = 80
CONTROL_NAMES = {"\r": "carriage return", "\n": "line feed", "\t": "tab", "\x00": "NUL", "\x1b": "escape", "\x7f": "delete"}


@dataclass(frozen=True)
class SchemaIssue:
    """One failed check, located to a cell."""

    file: str
    line: int | None  # 1-based CSV line (header is line 1); None for table-level issues
    column: str | None
    value: object
    problem: str

    def __str__(self) -> str:
        where = self.file + (f" line {self.line}" if self.line is not None else "")
        col = f" column {self.column!r}" if self.column else ""
        value = "" if self.value is None else f"value {shown(self.value)} "
        return f"{where}{col}: {value}{self.problem}"


class DataValidationError(ValueError):
    """Raised when a table fails its schema; ``issues`` lists every failure."""

    def __init__(self, issues: list[SchemaIssue]):
        self.issues = issues
        shown_issues = "\n".join(f"  - {i}" for i in issues[:50])
        more = f"\n  ... and {len(issues) - 50} more" if len(issues) > 50 else ""
        super().__init__(f"{len(issues)} data problem(s):\n{shown_issues}{more}")


def shown(value) -> str:
    """``repr(value)``, cut to a readable length (a hostile value can be megabytes long)."""
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 12] + f"... ({len(str(value))} chars)"


def parse_number(value) -> tuple[float | None, str | None]:
    """A cell as a float, or why it is not a finite plain number (``(None, None)`` for an empty cell)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, None
    if isinstance(value, bool):
        return None, "is a true/false, not a number"
    if isinstance(value, (int, float)):
        x = float(value)
    elif isinstance(value, str) and NUMBER.fullmatch(value.strip()):
        x = float(value)
    elif isinstance(value, str) and value.strip().lower().lstrip("+-") in ("nan", "inf", "infinity"):
        return None, "is not a finite number"
    else:
        return None, "is not a number (write it plainly, e.g. 1.75e11, without units or thousands separators)"
    if not math.isfinite(x):
        return None, "is not a finite number (it overflows a double)"
    return x, None


def parse_date(value) -> tuple[dt.date | None, str | None]:
    """A cell as a date, or why it is not a zero-padded ``YYYY-MM-DD`` date from :data:`EARLIEST_DATE` to today."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, None
    if isinstance(value, dt.date):
        value = value.isoformat()
    match = LOOSE_DATE.fullmatch(str(value).strip())
    try:
        date = dt.date(*map(int, match.groups())) if match else None
    except ValueError:
        date = None
    if date is None or not EARLIEST_DATE <= date <= dt.date.today():
        return None, f"is not a YYYY-MM-DD date from {EARLIEST_DATE} to today"
    if date.isoformat() != str(value).strip():
        return date, f"is not zero-padded: write {date.isoformat()!r}"
    return date, None


def normal_date(value):
    """``value`` as a zero-padded ISO date if it is a valid loosely written one (``2025-6-1``), else unchanged."""
    date, _ = parse_date(value)
    return date.isoformat() if date is not None else value


def text_problem(value, max_len: int) -> str | None:
    """Why a text cell is refused (control characters, formula start, length), else None."""
    if not isinstance(value, str):
        return None
    bad = next((ch for ch in value if unicodedata.category(ch) in ("Cc", "Zl", "Zp")), None)
    if bad is not None:
        name = CONTROL_NAMES.get(bad) or unicodedata.name(bad, "control character")
        return f"contains U+{ord(bad):04X} ({name.lower()}); text must be one line without control characters"
    if value.startswith(FORMULA_START):
        return f"starts with {value[0]!r}, which a spreadsheet runs as a formula; text may not start with {' '.join(FORMULA_START)}"
    if len(value) > max_len:
        return f"is {len(value)} characters long; at most {max_len}"
    return None


def cell_issues(df: pd.DataFrame, columns: dict, file: str) -> tuple[list[SchemaIssue], set]:
    """Every cell of ``df`` that breaks its column's rule (see the module docstring).

    Returns
    -------
    (list of SchemaIssue, set of (int, str))
        The issues and the ``(row, column)`` cells they are about.
    """
    issues, cells = [], set()
    for name, column in columns.items():
        meta = column.metadata or {}
        if name not in df.columns or not meta.get("kind"):
            continue
        for i, value in df[name].items():
            problem = _problem(meta["kind"], meta, value)
            if problem:
                issues.append(SchemaIssue(file, int(i) + 2, name, value, problem))
                cells.add((int(i), name))
    return issues, cells


def readable_numbers(df: pd.DataFrame, columns: dict) -> pd.DataFrame:
    """``df`` with every number column as floats, a cell that is not a finite number as NaN (for rules across rows)."""
    out = df.copy()
    for name, column in columns.items():
        if (column.metadata or {}).get("kind") == "number" and name in out.columns:
            out[name] = [parse_number(v)[0] for v in out[name]]
            out[name] = out[name].astype(float)
    return out


def _problem(kind: str, meta: dict, value) -> str | None:
    if kind == "number":
        x, problem = parse_number(value)
        lo, hi, what = meta.get("span") or (None, None, None)
        if x is not None and x > 0 and lo is not None and not lo <= x <= hi:
            return f"is outside {lo:g} to {hi:g}, expected {what}"
        return problem
    if kind == "date":
        return parse_date(value)[1]
    return text_problem(value, meta.get("max_len", 500))
