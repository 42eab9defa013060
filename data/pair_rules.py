"""How the evidence model uses each bundled matched pair: curation decisions kept as data (``pair_rules.csv``).

A rule says what a pair's multiplier mixes and how the likelihood treats it:

- ``exclude``: the row stays in ``matched_pairs.csv`` (it is a true report) but the likelihood leaves it out,
  with the reason recorded: a ratio that mixes techniques with no stated shares.
- ``conditional``: a gain over a baseline that already has part of the technique's gain since 2020 (an improved
  baseline); the model enters it as an unknown share of the factor's gain (``models/evidence.py``).
- ``allocation_adjust``: the two sides allocate parameters and tokens differently; the model removes the
  allocation part through the loss law (``models/loss_law.py``), using the parameters and tokens given here.

Pairs without a rule enter as they are. Rules name bundled pairs; a workspace's own pairs have none.

``pair_scale.csv`` gives, for the bundled pairs, the active parameters and training tokens of the model at
which each multiplier was measured (and its training FLOP where the source states it), with a source and a
verbatim quote: the scale from which the model transfers a gain to GPT-3's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources

import pandas as pd

from effcompute.data.cells import DataValidationError, SchemaIssue

RULES_FILE = "pair_rules.csv"
RULES = ("exclude", "allocation_adjust", "conditional")
SIDES = ("baseline_params", "baseline_tokens", "treatment_params", "treatment_tokens")
COLUMNS = ("pair_id", "rule", "reason") + SIDES + ("source", "source_url", "source_location")


@dataclass(frozen=True)
class PairRule:
    """One pair's rule; ``sides`` holds (N, D) of baseline and treatment for ``allocation_adjust``."""

    pair_id: str
    rule: str
    reason: str
    sides: tuple[float, float, float, float] | None = None


def _issue(line: int | None, column: str, value, problem: str, file: str = RULES_FILE) -> SchemaIssue:
    return SchemaIssue(file, line, column, value, problem)


def parse_pair_rules(frame: pd.DataFrame) -> dict[str, PairRule]:
    """Validate the rules table; pair id -> rule.

    Raises
    ------
    DataValidationError
        Naming the file, the CSV line, the column and the value of every problem.
    """
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DataValidationError([_issue(None, c, None, "column missing") for c in missing])
    issues, rules = [], {}
    for i, r in enumerate(frame.itertuples(index=False), start=2):  # CSV line; the header is line 1
        if not isinstance(r.pair_id, str) or not r.pair_id:
            issues.append(_issue(i, "pair_id", r.pair_id, "empty"))
            continue
        if r.pair_id in rules:
            issues.append(_issue(i, "pair_id", r.pair_id, "repeats an earlier row"))
        if r.rule not in RULES:
            issues.append(_issue(i, "rule", r.rule, f"must be one of {RULES}"))
        if not isinstance(r.reason, str) or not r.reason.strip():
            issues.append(_issue(i, "reason", r.reason, "every rule states its reason"))
        if not isinstance(r.source_url, str) or not r.source_url.startswith("http"):
            issues.append(_issue(i, "source_url", r.source_url, "must be an http(s) URL"))
        sides = None
        if r.rule == "allocation_adjust":
            values = [getattr(r, c) for c in SIDES]
            bad = [(c, v) for c, v in zip(SIDES, values) if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0)]
            issues += [_issue(i, c, v, "allocation_adjust needs a positive number") for c, v in bad]
            sides = None if bad else tuple(float(v) for v in values)
        rules[r.pair_id] = PairRule(r.pair_id, r.rule, str(r.reason), sides)
    if issues:
        raise DataValidationError(issues)
    return rules


def load_pair_rules() -> dict[str, PairRule]:
    """The bundled rules (``data/pair_rules.csv``)."""
    with resources.files("effcompute.data").joinpath(RULES_FILE).open(encoding="utf-8") as f:
        return parse_pair_rules(pd.read_csv(f))


SCALE_FILE = "pair_scale.csv"
SCALE_COLUMNS = ("pair_id", "active_params", "train_tokens", "stated_flop", "source_url", "source_location", "quote", "notes")


def _positive_or_nan(value) -> float | None:
    """The number if positive and finite, NaN if empty, None if invalid."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) and value > 0 else None


def parse_pair_scale(frame: pd.DataFrame) -> dict[str, tuple[float, float, float]]:
    """Validate the scale table; pair id -> (active parameters, training tokens, stated FLOP), NaN where unknown.

    Raises
    ------
    DataValidationError
        Naming the file, the CSV line, the column and the value of every problem.
    """
    def issue(line, column, value, problem):
        return _issue(line, column, value, problem, SCALE_FILE)

    missing = [c for c in SCALE_COLUMNS if c not in frame.columns]
    if missing:
        raise DataValidationError([issue(None, c, None, "column missing") for c in missing])
    issues, out = [], {}
    for i, r in enumerate(frame.itertuples(index=False), start=2):  # CSV line; the header is line 1
        if not isinstance(r.pair_id, str) or not r.pair_id or r.pair_id in out:
            issues.append(issue(i, "pair_id", r.pair_id, "empty or repeated"))
            continue
        values = []
        for column in ("active_params", "train_tokens", "stated_flop"):
            v = _positive_or_nan(getattr(r, column))
            if v is None:
                issues.append(issue(i, column, getattr(r, column), "must be a positive number or empty"))
            values.append(math.nan if v is None else v)
        if any(not math.isnan(v) for v in values) and not (isinstance(r.source_url, str) and r.source_url.startswith("http")):
            issues.append(issue(i, "source_url", r.source_url, "a figure needs an http(s) source"))
        out[r.pair_id] = tuple(values)
    if issues:
        raise DataValidationError(issues)
    return out


def load_pair_scale() -> dict[str, tuple[float, float, float]]:
    """The bundled scales (``data/pair_scale.csv``) of the models at which each pair's multiplier was measured."""
    with resources.files("effcompute.data").joinpath(SCALE_FILE).open(encoding="utf-8") as f:
        return parse_pair_scale(pd.read_csv(f))
