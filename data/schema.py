"""The schema of every bundled table: one place for columns, types, ranges, keys and links.

Each table is checked cell by cell on the text the file holds
(:mod:`effcompute.data.cells`: every number finite and within its column's
plausible span, dates zero-padded ``YYYY-MM-DD``, text without control
characters or a formula start), then with pandera (types, enumerations,
required cells, uniqueness), then with cross-table rules
(:mod:`effcompute.data.links`). Every failure becomes a :class:`SchemaIssue`
naming the file, the CSV line, the column and the value.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from effcompute.data.cells import EARLIEST_DATE, DataValidationError, SchemaIssue, cell_issues, readable_numbers
from effcompute.data.links import CHANCE, SIX_ND_REL_TOL, check_links
from effcompute.data.names import name_key

__all__ = ["SCHEMAS", "TABLES", "SchemaIssue", "DataValidationError", "check_table", "check_tables", "check_links", "header_issues", "EARLIEST_DATE", "CHANCE", "SIX_ND_REL_TOL"]

SOURCE_COLUMNS = ("source", "source_url", "source_location")

FLOP_BASES = ("reported", "6ND", "third_party_estimate")
PRECISIONS = ("fp32", "tf32", "fp16", "bf16", "fp8")
COST_BASES = ("reported", "estimate_cloud", "estimate_amortized", "derived")
BENCHMARKS = ("MMLU", "HellaSwag", "ARC-Challenge", "WinoGrande", "GSM8K", "TriviaQA", "PIQA")
EVALUATORS = ("developer", "third_party")
#: How a release was made from a larger model (``distillation_kind``); empty when it was not.
DISTILLATION_KINDS = ("logit_distillation", "pruning_and_distillation")
#: Which checkpoint a score is for: the pretrained (base) model or a post-trained (instruct/chat) one.
CHECKPOINTS = ("base", "post_trained")
TECHNIQUES = ("transformer_pp", "moe", "chinchilla", "data_quality", "fp8", "other")
COST_KINDS = ("final_run_cloud", "final_run_amortized", "final_run_reported", "total_development")
#: Longest text cell (characters): keys and short fields, and notes.
TEXT_MAX, NOTES_MAX = 500, 2000

#: Plausible span (inclusive) of each kind of number: a value outside is a unit mistake until shown otherwise.
PARAMS = (1e6, 1e14, "a count of parameters (70B is 7e10)")
TOKENS = (1e8, 1e15, "a count of tokens (15T is 1.5e13)")
FLOP = (1e17, 1e29, "total training FLOP (GPT-3 is 3.14e23)")
CHIPS = (1, 1e7, "a number of accelerators")
DAYS = (0.01, 1000, "wall-clock days")
CHIP_HOURS = (1, 1e10, "accelerator-hours")
USD = (1e3, 1e11, "US dollars")
CONTEXT = (64, 1e8, "tokens")
PEAK = (1e11, 1e17, "dense FLOP/s of one chip (H100-SXM bf16 is 9.89e14)")
WATTS = (10, 1e5, "watts per chip")
CHIP_PRICE = (100, 1e7, "US dollars per chip")
MEMORY = (0.1, 1e4, "gigabytes per chip")
MULTIPLIER = (1e-3, 1e6, "how many times less compute")
SMALL_PARAMS = (1e3, 1e14, "a count of parameters")
ANY_FLOP = (1e12, 1e29, "training FLOP")
HOUR_PRICE = (0.01, 1000, "US dollars per chip-hour")
SHOTS = (1, 1000, "a number of examples in the prompt")

NONEMPTY = pa.Check(lambda s: s.str.strip().str.len() > 0, error="is empty")
URL = pa.Check(lambda s: s.str.match(r"^https?://\S+( ; https?://\S+)*$"), error="is not an http(s) URL (several: separate with ' ; ')")
WHOLE = pa.Check(lambda s: (s - s.round()).abs() < 1e-9, error="is not a whole number")


def _is_iso_date(s: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    return parsed.notna() & (parsed >= pd.Timestamp(EARLIEST_DATE)) & (parsed <= pd.Timestamp(dt.date.today()))


#: A pandera check of ISO dates, for tables checked by :func:`check_frame` alone (the curated tables check dates cell by cell).
DATE_CHECK = pa.Check(_is_iso_date, element_wise=False, error=f"is not a YYYY-MM-DD date from {EARLIEST_DATE} to today")


def _text(required=True, checks=None, max_len=TEXT_MAX):
    meta = {"kind": "text", "max_len": max_len}
    return pa.Column(str, checks=[NONEMPTY, *(checks or [])] if required else checks, nullable=not required, metadata=meta)


def _key(what: str):
    """A key column: unique when compared as :func:`~effcompute.data.names.name_key` (case, spaces and dashes ignored)."""
    unique = pa.Check(lambda s: ~s.map(name_key).duplicated(), error=f"is a duplicate {what} (compared without case, spaces or dashes)")
    return _text(checks=[unique])


def _number(span=None, checks=(), required=False):
    return pa.Column(float, checks=list(checks), nullable=not required, coerce=True, metadata={"kind": "number", "span": span})


def _positive(span, required=False, integer=False):
    return _number(span, [pa.Check.gt(0)] + ([WHOLE] if integer else []), required)


def _date():
    return pa.Column(str, nullable=False, metadata={"kind": "date"})


def _enum(values, required=True):
    return pa.Column(str, checks=pa.Check.isin(values), nullable=not required)


def _fraction(required=False):
    return _number(None, [pa.Check.gt(0), pa.Check.le(1)], required)


def _sourced(columns: dict) -> dict:
    return {**columns, "source": _text(), "source_url": _text(checks=[URL]), "source_location": _text(), "notes": _text(required=False, max_len=NOTES_MAX)}


def _table(columns: dict, **kw) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(_sourced(columns), strict=True, **kw)


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "hardware": _table({
        "hardware": _key("key"), "vendor": _text(), "release_date": _date(),
        "peak_fp32_flops": _positive(PEAK), "peak_tf32_flops": _positive(PEAK), "peak_bf16_flops": _positive(PEAK, required=True),
        "peak_fp8_flops": _positive(PEAK), "tdp_w": _positive(WATTS), "launch_price_usd": _positive(CHIP_PRICE), "memory_gb": _positive(MEMORY),
    }),
    "releases": _table({
        "name": _key("release name"), "org": _text(), "release_date": _date(),
        "params_total": _positive(PARAMS, required=True), "params_active": _positive(PARAMS), "train_tokens": _positive(TOKENS),
        "train_flop": _positive(FLOP), "flop_basis": _enum(FLOP_BASES, required=False), "hardware": _text(required=False),
        "n_chips": _positive(CHIPS, integer=True), "train_days": _positive(DAYS), "gpu_hours": _positive(CHIP_HOURS), "mfu": _fraction(),
        "precision": _enum(PRECISIONS, required=False), "context_length": _positive(CONTEXT, integer=True), "cost_usd": _positive(USD),
        "cost_basis": _enum(COST_BASES, required=False),
        "distilled_from": _text(required=False), "distillation_kind": _enum(DISTILLATION_KINDS, required=False),
    }),
    "scores": _table({
        "release": _text(), "benchmark": _enum(BENCHMARKS), "shots": _number(SHOTS, [pa.Check.ge(0), WHOLE], required=True),
        "score": _number(None, [pa.Check.ge(0), pa.Check.le(100)], required=True), "evaluator": _enum(EVALUATORS),
        "checkpoint": _enum(CHECKPOINTS, required=False),
    }, unique=["release", "benchmark", "shots", "evaluator"]),
    "mfu": _table({
        "run": _key("run name"), "release": _text(required=False), "date": _date(), "hardware": _text(),
        "n_chips": _positive(CHIPS, integer=True), "precision": _enum(PRECISIONS, required=False), "params_total": _positive(PARAMS),
        "params_active": _positive(PARAMS), "context_length": _positive(CONTEXT, integer=True), "mfu": _fraction(required=True), "hfu": _fraction(),
    }),
    "matched_pairs": _table({
        "pair_id": _key("pair_id"), "technique": _enum(TECHNIQUES), "baseline": _text(), "treatment": _text(),
        "compute_multiplier": _positive(MULTIPLIER, required=True), "multiplier_low": _positive(MULTIPLIER), "multiplier_high": _positive(MULTIPLIER),
        "metric": _text(), "max_params": _positive(SMALL_PARAMS), "max_flop": _positive(ANY_FLOP), "study": _text(),
    }),
    "costs": _table({
        "cost_id": _key("cost_id"), "release": _text(required=False), "cost_usd": _positive(USD, required=True),
        "cost_low_usd": _positive(USD), "cost_high_usd": _positive(USD), "what_counted": _enum(COST_KINDS),
        "dollar_year": _number(None, [pa.Check.ge(EARLIEST_DATE.year), pa.Check.le(dt.date.today().year), WHOLE], required=True),
        "hardware": _text(required=False), "gpu_hours": _positive(CHIP_HOURS), "price_per_chip_hour_usd": _positive(HOUR_PRICE),
        "estimator": _text(),
    }),
}

TABLES = tuple(SCHEMAS)
#: pandera's check names, told as what is wrong.
_PROBLEMS = {"not_nullable": "is empty; the column is required", "multiple_fields_uniqueness": "repeats another row's key"}


def _line(index) -> int | None:
    return int(index) + 2 if isinstance(index, (int, np.integer)) else None


def header_issues(name: str, columns, file: str) -> list[SchemaIssue]:
    """The columns a header lacks and the ones it has beyond the schema's (order does not matter: tables are read by name)."""
    schema = SCHEMAS[name]
    missing = [c for c in schema.columns if c not in columns]
    extra = [c for c in columns if c not in schema.columns]
    issues = [SchemaIssue(file, 1, c, None, f"column is missing from the header (it has {len(columns)} columns; {name}.csv needs {len(schema.columns)})") for c in missing]
    return issues + [SchemaIssue(file, 1, c, None, f"column is not in the schema of {name}.csv") for c in extra]


def _raw(df: pd.DataFrame, index, column):
    """The cell as the file holds it, for messages (the coerced failure value if the cell cannot be found)."""
    try:
        return df.at[index, column]
    except (KeyError, TypeError, ValueError):
        return None


def check_table(name: str, df: pd.DataFrame, file: str | None = None) -> tuple[pd.DataFrame, list[SchemaIssue]]:
    """Validate one table against its schema.

    Returns
    -------
    (pd.DataFrame, list of SchemaIssue)
        The coerced frame (the input if validation failed) and every issue found, in line order.
    """
    file = file or f"{name}.csv"
    schema = SCHEMAS[name]
    issues = header_issues(name, list(df.columns), file)
    if issues:
        return df, issues
    issues, flagged = cell_issues(df, schema.columns, file)
    clean = df.copy()  # pandera sees the flagged cells as empty: each problem is told once, by the cell check
    for i, column in flagged:
        clean.at[i, column] = None
    try:
        checked = schema.validate(clean, lazy=True)
    except SchemaErrors as err:
        checked = df
        for _, fc in err.failure_cases.iterrows():
            column = fc.get("column") if isinstance(fc.get("column"), str) and fc.get("column") in df.columns else None
            index = fc.get("index")
            if (_line(index) is not None and (int(index), column) in flagged) or column is None and fc.get("check") == "column_in_dataframe":
                continue
            check = str(fc.get("check"))
            problem = _PROBLEMS.get(check, check if check.startswith(("is ", "column")) else f"fails check {check}")
            value = _raw(df, index, column) if column and _line(index) is not None else fc.get("failure_case")
            issues.append(SchemaIssue(file, _line(index), column, value if not (isinstance(value, float) and np.isnan(value)) else None, problem))
    issues.sort(key=lambda i: (i.line or 0, list(df.columns).index(i.column) if i.column in df.columns else -1))
    return (df if issues else checked), issues


def check_frame(schema: pa.DataFrameSchema, df: pd.DataFrame, file: str, allow_extra: bool = False) -> tuple[pd.DataFrame, list[SchemaIssue]]:
    """Validate a frame against a pandera schema; :func:`check_table` for a named bundled table.

    ``allow_extra`` accepts columns the schema does not name (a third party's download carries more than we read).
    """
    missing = [c for c in schema.columns if c not in df.columns]
    extra = [] if allow_extra else [c for c in df.columns if c not in schema.columns]
    issues = [SchemaIssue(file, 1, c, None, "column is missing from the header") for c in missing]
    issues += [SchemaIssue(file, 1, c, None, "column is not in the schema") for c in extra]
    if issues:
        return df, issues
    try:
        return schema.validate(df, lazy=True), []
    except SchemaErrors as err:
        for _, fc in err.failure_cases.iterrows():
            column = fc.get("column")
            check = str(fc.get("check"))
            problem = check if check.startswith(("is ", "column")) else f"fails check {check}"
            issues.append(SchemaIssue(file, _line(fc.get("index")), column if isinstance(column, str) else None, fc.get("failure_case"), problem))
        return df, issues


def check_tables(raw: dict[str, pd.DataFrame], files: dict | None = None, trusted: dict | None = None) -> tuple[dict, list[SchemaIssue]]:
    """Check every table, then the rules across them; a table that failed takes part with its readable numbers.

    Parameters
    ----------
    raw : dict of str to pd.DataFrame
        Table name -> the frame as read (text cells) or already coerced.
    files : dict of str to str, optional
        Table name -> the file name messages give (default ``NAME.csv``).
    trusted : dict of str to pd.DataFrame, optional
        Tables already validated: not checked again, used for the rules across tables.

    Returns
    -------
    (dict, list of SchemaIssue)
        The tables that passed, coerced, and every issue found.
    """
    checked, issues, for_links = {}, [], dict(trusted or {})
    for name, df in raw.items():
        frame, table_issues = check_table(name, df, (files or {}).get(name))
        issues += table_issues
        if not table_issues:
            checked[name] = for_links[name] = frame
        elif not any(i.line == 1 for i in table_issues):
            for_links[name] = readable_numbers(df, SCHEMAS[name].columns)
    seen = set(issues)
    return checked, issues + [i for i in check_links(for_links) if i not in seen]
