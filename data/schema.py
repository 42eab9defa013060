"""The schema of every bundled table: one place for columns, types, ranges, keys and links.

Each table is checked with pandera (types, ranges, enumerations, uniqueness)
and then with cross-table rules (foreign keys, ``params_active <=
params_total``, the 6ND identity). Every failure becomes a
:class:`SchemaIssue` naming the file, the CSV line, the column and the value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from effcompute.accounting import FLOP_PER_PARAM_TOKEN

EARLIEST_DATE = dt.date(2012, 1, 1)
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
#: Relative tolerance of the 6ND identity for rows whose flop_basis is 6ND.
SIX_ND_REL_TOL = 0.02


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
        return f"{where}{col}: value {self.value!r} {self.problem}"


class DataValidationError(ValueError):
    """Raised when a table fails its schema; ``issues`` lists every failure."""

    def __init__(self, issues: list[SchemaIssue]):
        self.issues = issues
        shown = "\n".join(f"  - {i}" for i in issues[:50])
        more = f"\n  ... and {len(issues) - 50} more" if len(issues) > 50 else ""
        super().__init__(f"{len(issues)} data problem(s):\n{shown}{more}")


def _is_iso_date(s: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    today = pd.Timestamp(dt.date.today())
    return parsed.notna() & (parsed >= pd.Timestamp(EARLIEST_DATE)) & (parsed <= today)


DATE_CHECK = pa.Check(_is_iso_date, element_wise=False, error=f"is not a YYYY-MM-DD date from {EARLIEST_DATE} to today")
NONEMPTY = pa.Check(lambda s: s.str.strip().str.len() > 0, error="is empty")
URL = pa.Check(lambda s: s.str.match(r"^https?://\S+( ; https?://\S+)*$"), error="is not an http(s) URL (several: separate with ' ; ')")
WHOLE = pa.Check(lambda s: (s - s.round()).abs() < 1e-9, error="is not a whole number")


def _text(required=True, checks=None):
    return pa.Column(str, checks=[NONEMPTY, *(checks or [])] if required else checks, nullable=not required)


def _positive(required=False, integer=False, le=None):
    checks = [pa.Check.gt(0)] + ([WHOLE] if integer else []) + ([pa.Check.le(le)] if le is not None else [])
    return pa.Column(float, checks=checks, nullable=not required, coerce=True)


def _enum(values, required=True):
    return pa.Column(str, checks=pa.Check.isin(values), nullable=not required)


def _fraction(required=False):
    return pa.Column(float, checks=[pa.Check.gt(0), pa.Check.le(1)], nullable=not required, coerce=True)


def _sourced(columns: dict) -> dict:
    return {**columns, "source": _text(), "source_url": _text(checks=[URL]), "source_location": _text(), "notes": _text(required=False)}


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "hardware": pa.DataFrameSchema(
        _sourced(
            {
                "hardware": _text(checks=[pa.Check(lambda s: ~s.duplicated(), error="is a duplicate key")]),
                "vendor": _text(),
                "release_date": pa.Column(str, DATE_CHECK),
                "peak_fp32_flops": _positive(),
                "peak_tf32_flops": _positive(),
                "peak_bf16_flops": _positive(required=True),
                "peak_fp8_flops": _positive(),
                "tdp_w": _positive(),
                "launch_price_usd": _positive(),
                "memory_gb": _positive(),
            }
        ),
        strict=True,
    ),
    "releases": pa.DataFrameSchema(
        _sourced(
            {
                "name": _text(checks=[pa.Check(lambda s: ~s.duplicated(), error="is a duplicate release name")]),
                "org": _text(),
                "release_date": pa.Column(str, DATE_CHECK),
                "params_total": _positive(required=True),
                "params_active": _positive(),
                "train_tokens": _positive(),
                "train_flop": _positive(),
                "flop_basis": _enum(FLOP_BASES, required=False),
                "hardware": _text(required=False),
                "n_chips": _positive(integer=True),
                "train_days": _positive(),
                "gpu_hours": _positive(),
                "mfu": _fraction(),
                "precision": _enum(PRECISIONS, required=False),
                "context_length": _positive(integer=True),
                "cost_usd": _positive(),
                "cost_basis": _enum(COST_BASES, required=False),
                "distilled_from": _text(required=False),
                "distillation_kind": _enum(DISTILLATION_KINDS, required=False),
            }
        ),
        strict=True,
    ),
    "scores": pa.DataFrameSchema(
        _sourced(
            {
                "release": _text(),
                "benchmark": _enum(BENCHMARKS),
                "shots": pa.Column(float, [pa.Check.ge(0), WHOLE], coerce=True),
                "score": pa.Column(float, [pa.Check.ge(0), pa.Check.le(100)], coerce=True),
                "evaluator": _enum(EVALUATORS),
                "checkpoint": _enum(CHECKPOINTS, required=False),
            }
        ),
        strict=True,
        unique=["release", "benchmark", "shots", "evaluator"],
    ),
    "mfu": pa.DataFrameSchema(
        _sourced(
            {
                "run": _text(checks=[pa.Check(lambda s: ~s.duplicated(), error="is a duplicate run name")]),
                "release": _text(required=False),
                "date": pa.Column(str, DATE_CHECK),
                "hardware": _text(),
                "n_chips": _positive(integer=True),
                "precision": _enum(PRECISIONS, required=False),
                "params_total": _positive(),
                "params_active": _positive(),
                "context_length": _positive(integer=True),
                "mfu": _fraction(required=True),
                "hfu": _fraction(),
            }
        ),
        strict=True,
    ),
    "matched_pairs": pa.DataFrameSchema(
        _sourced(
            {
                "pair_id": _text(checks=[pa.Check(lambda s: ~s.duplicated(), error="is a duplicate pair_id")]),
                "technique": _enum(TECHNIQUES),
                "baseline": _text(),
                "treatment": _text(),
                "compute_multiplier": _positive(required=True),
                "multiplier_low": _positive(),
                "multiplier_high": _positive(),
                "metric": _text(),
                "max_params": _positive(),
                "max_flop": _positive(),
                "study": _text(),
            }
        ),
        strict=True,
    ),
    "costs": pa.DataFrameSchema(
        _sourced(
            {
                "cost_id": _text(checks=[pa.Check(lambda s: ~s.duplicated(), error="is a duplicate cost_id")]),
                "release": _text(required=False),
                "cost_usd": _positive(required=True),
                "cost_low_usd": _positive(),
                "cost_high_usd": _positive(),
                "what_counted": _enum(COST_KINDS),
                "dollar_year": pa.Column(float, [pa.Check.ge(EARLIEST_DATE.year), pa.Check.le(dt.date.today().year), WHOLE], coerce=True),
                "hardware": _text(required=False),
                "gpu_hours": _positive(),
                "price_per_chip_hour_usd": _positive(),
                "estimator": _text(),
            }
        ),
        strict=True,
    ),
}

TABLES = tuple(SCHEMAS)


def _line(index) -> int | None:
    return int(index) + 2 if isinstance(index, (int, np.integer)) else None


def check_table(name: str, df: pd.DataFrame, file: str | None = None) -> tuple[pd.DataFrame, list[SchemaIssue]]:
    """Validate one table against its schema.

    Returns
    -------
    (pd.DataFrame, list of SchemaIssue)
        The coerced frame (the input if validation failed) and every issue found.
    """
    return check_frame(SCHEMAS[name], df, file or f"{name}.csv")


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


def _rows(df: pd.DataFrame, mask: pd.Series):
    return [(int(i), row) for i, row in df[mask].iterrows()]


def check_links(frames: dict[str, pd.DataFrame]) -> list[SchemaIssue]:
    """Cross-table and cross-column rules: foreign keys, parameter order, the 6ND identity, distillation pairs."""
    issues = []
    hardware = set(frames["hardware"]["hardware"]) if "hardware" in frames else set()
    releases = set(frames["releases"]["name"]) if "releases" in frames else set()
    for table, column, known, what in [
        ("releases", "hardware", hardware, "hardware.csv"),
        ("mfu", "hardware", hardware, "hardware.csv"),
        ("costs", "hardware", hardware, "hardware.csv"),
        ("scores", "release", releases, "releases.csv"),
        ("mfu", "release", releases, "releases.csv"),
        ("costs", "release", releases, "releases.csv"),
    ]:
        if table not in frames:
            continue
        df = frames[table]
        bad = df[column].notna() & ~df[column].isin(known)
        for i, row in _rows(df, bad):
            issues.append(SchemaIssue(f"{table}.csv", _line(i), column, row[column], f"is not a known key of {what}"))
    for table in ("releases", "mfu"):
        if table not in frames:
            continue
        df = frames[table]
        bad = df["params_active"].notna() & (df["params_active"] > df["params_total"])
        for i, row in _rows(df, bad):
            issues.append(SchemaIssue(f"{table}.csv", _line(i), "params_active", row["params_active"], f"exceeds params_total={row['params_total']:g}"))
    if "releases" in frames:
        df = frames["releases"]
        for i, row in _rows(df, df["train_flop"].isna() != df["flop_basis"].isna()):
            issues.append(SchemaIssue("releases.csv", _line(i), "flop_basis", row["flop_basis"], f"must be given exactly when train_flop is (train_flop={row['train_flop']})"))
        six_nd = df["flop_basis"].eq("6ND")
        for i, row in _rows(df, df["distilled_from"].isna() != df["distillation_kind"].isna()):
            issues.append(SchemaIssue("releases.csv", _line(i), "distillation_kind", row["distillation_kind"], f"must be given exactly when distilled_from is (distilled_from={row['distilled_from']})"))
        for i, row in _rows(df, six_nd & (df["train_tokens"].isna() | df["params_active"].isna())):
            issues.append(SchemaIssue("releases.csv", _line(i), "train_tokens", row["train_tokens"], "is required (with params_active) when flop_basis is 6ND"))
        expected = FLOP_PER_PARAM_TOKEN * df["params_active"] * df["train_tokens"]
        off = six_nd & expected.notna() & ((df["train_flop"] - expected).abs() > SIX_ND_REL_TOL * expected)
        for i, row in _rows(df, off):
            issues.append(SchemaIssue("releases.csv", _line(i), "train_flop", row["train_flop"], f"is not 6 x params_active x train_tokens = {expected[i]:.3g} (flop_basis=6ND)"))
    if "matched_pairs" in frames:
        df = frames["matched_pairs"]
        bad = (df["multiplier_low"].notna() & (df["multiplier_low"] > df["compute_multiplier"])) | (
            df["multiplier_high"].notna() & (df["multiplier_high"] < df["compute_multiplier"])
        )
        for i, row in _rows(df, bad):
            issues.append(SchemaIssue("matched_pairs.csv", _line(i), "compute_multiplier", row["compute_multiplier"], f"lies outside [multiplier_low, multiplier_high] = [{row['multiplier_low']}, {row['multiplier_high']}]"))
    if "mfu" in frames:
        df = frames["mfu"]
        bad = df["hfu"].notna() & (df["hfu"] < df["mfu"])
        for i, row in _rows(df, bad):
            issues.append(SchemaIssue("mfu.csv", _line(i), "hfu", row["hfu"], f"is below mfu={row['mfu']} (hardware FLOP include the model FLOP)"))
    return issues
