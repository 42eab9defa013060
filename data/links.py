"""Rules across tables and across the columns of one row, on validated (coerced) tables.

Foreign keys (with the key a name was probably meant to be), parameter
order, the 6ND identity, interval order (a low bound above its value or a
high bound below it), and scores below chance (probably a fraction where a
percent goes). Every failure is a :class:`~effcompute.data.cells.SchemaIssue`.
"""

from __future__ import annotations

import pandas as pd

from effcompute.accounting import FLOP_PER_PARAM_TOKEN
from effcompute.data.cells import SchemaIssue
from effcompute.data.names import name_key

#: Relative tolerance of the 6ND identity for rows whose flop_basis is 6ND.
SIX_ND_REL_TOL = 0.02
#: Score (percent) of guessing at random; a score below it is probably a fraction where a percent goes.
CHANCE = {"MMLU": 25.0, "HellaSwag": 25.0, "ARC-Challenge": 25.0, "WinoGrande": 50.0, "PIQA": 50.0, "GSM8K": 0.0, "TriviaQA": 0.0}
#: (table, column, table it names, that table's key column).
FOREIGN_KEYS = (
    ("releases", "hardware", "hardware", "hardware"),
    ("mfu", "hardware", "hardware", "hardware"),
    ("costs", "hardware", "hardware", "hardware"),
    ("scores", "release", "releases", "name"),
    ("mfu", "release", "releases", "name"),
    ("costs", "release", "releases", "name"),
)
#: (table, value column, low column, high column) of every interval.
INTERVALS = (("matched_pairs", "compute_multiplier", "multiplier_low", "multiplier_high"), ("costs", "cost_usd", "cost_low_usd", "cost_high_usd"))


def _line(index) -> int:
    return int(index) + 2


def _each(table: str, df: pd.DataFrame, mask, column: str, problem) -> list[SchemaIssue]:
    """One issue per row of ``df`` where ``mask`` holds; ``problem(row, index)`` says what is wrong."""
    return [SchemaIssue(f"{table}.csv", _line(i), column, row[column], problem(row, i)) for i, row in df[mask].iterrows()]


def _foreign_keys(frames: dict) -> list[SchemaIssue]:
    issues = []
    for table, column, target, key in FOREIGN_KEYS:
        if table not in frames or target not in frames:
            continue
        df, known = frames[table], list(frames[target][key])
        by_key = {name_key(k): k for k in known}

        def problem(row, i, target=target, by_key=by_key, column=column):
            close = by_key.get(name_key(row[column]))
            return f"is not a known key of {target}.csv" + (f" (did you mean {close!r}?)" if close else "")

        issues += _each(table, df, df[column].notna() & ~df[column].isin(known), column, problem)
    return issues


def _intervals(frames: dict) -> list[SchemaIssue]:
    issues = []
    for table, value, low, high in INTERVALS:
        if table not in frames:
            continue
        df = frames[table]
        inverted = df[low].notna() & df[high].notna() & (df[low] > df[high])
        issues += _each(table, df, inverted, low, lambda r, i: f"exceeds {high}={r[high]:g}: the interval is inverted")
        outside = ~inverted & ((df[low].notna() & (df[low] > df[value])) | (df[high].notna() & (df[high] < df[value])))
        issues += _each(table, df, outside, value, lambda r, i: f"lies outside [{low}, {high}] = [{r[low]}, {r[high]}]")
    return issues


def _below_chance(scores: pd.DataFrame) -> list[SchemaIssue]:
    chance = scores["benchmark"].map(CHANCE).fillna(0.0)
    below = (scores["score"] < chance) | ((chance == 0) & (scores["score"] > 0) & (scores["score"] < 1))

    def problem(row, i):
        what = f"is below chance for {row['benchmark']} ({CHANCE.get(row['benchmark'], 0):g})" if chance[i] > 0 else "is below 1"
        if row["score"] <= 1:
            return f"{what}: probably a fraction where a percent goes (scores are percent: {row['score']:g} -> {100 * row['score']:g})"
        return f"{what}: check the figure and the benchmark"

    return _each("scores", scores, below, "score", problem)


def _releases(df: pd.DataFrame) -> list[SchemaIssue]:
    issues = _each("releases", df, df["train_flop"].isna() != df["flop_basis"].isna(), "flop_basis",
                   lambda r, i: f"must be given exactly when train_flop is (train_flop={r['train_flop']})")
    six_nd = df["flop_basis"].eq("6ND")
    issues += _each("releases", df, six_nd & (df["train_tokens"].isna() | df["params_active"].isna()), "train_tokens",
                    lambda r, i: "is required (with params_active) when flop_basis is 6ND")
    issues += _each("releases", df, df["distilled_from"].isna() != df["distillation_kind"].isna(), "distillation_kind",
                    lambda r, i: f"must be given exactly when distilled_from is (distilled_from={r['distilled_from']})")
    expected = FLOP_PER_PARAM_TOKEN * df["params_active"] * df["train_tokens"]
    off = six_nd & expected.notna() & ((df["train_flop"] - expected).abs() > SIX_ND_REL_TOL * expected)
    return issues + _each("releases", df, off, "train_flop", lambda r, i: f"is not 6 x params_active x train_tokens = {expected[i]:.3g} (flop_basis=6ND)")


def check_links(frames: dict[str, pd.DataFrame]) -> list[SchemaIssue]:
    """Cross-table and cross-column rules: foreign keys, parameter order, the 6ND identity, intervals, chance."""
    issues = _foreign_keys(frames)
    for table in ("releases", "mfu"):
        if table in frames:
            df = frames[table]
            issues += _each(table, df, df["params_active"].notna() & (df["params_active"] > df["params_total"]), "params_active",
                            lambda r, i: f"exceeds params_total={r['params_total']:g}")
    if "releases" in frames:
        issues += _releases(frames["releases"])
    issues += _intervals(frames)
    if "mfu" in frames:
        df = frames["mfu"]
        issues += _each("mfu", df, df["hfu"].notna() & (df["hfu"] < df["mfu"]), "hfu",
                        lambda r, i: f"is below mfu={r['mfu']} (hardware FLOP include the model FLOP)")
    if "scores" in frames:
        issues += _below_chance(frames["scores"])
    return issues

