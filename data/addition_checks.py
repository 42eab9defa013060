"""Checks of additions against the current tables, before anything is written.

Every check of the bundled tables applies (:mod:`effcompute.data.schema`),
plus the checks that only make sense for additions: duplicates of what the
data already holds, unit sanity of the magnitudes, and close matches for
unknown hardware. Every problem names the table, the entry, the field and
the value.
"""

from __future__ import annotations

import difflib
import math

import numpy as np
import pandas as pd

from effcompute.accounting import FLOP_PER_PARAM_TOKEN
from effcompute.data.additions import AdditionError, Additions
from effcompute.data.schema import check_links, check_table

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


def same_release(old: pd.DataFrame, name, org, release_date, params_total) -> list[str]:
    """Names in ``old`` (releases) of the same release: the same name, or the same org, release date and parameter count."""
    params = _number(params_total)
    same_key = (old["org"] == org) & (old["release_date"] == release_date) & np.isclose(old["params_total"].astype(float), params if params is not None else -1, rtol=1e-6)
    return list(old.loc[(old["name"] == name) | same_key, "name"])


def _duplicates(additions: Additions, current: dict) -> list[str]:
    problems = []
    new = additions.tables.get("releases")
    if new is None:
        return problems
    seen = {}
    for i, row in new.iterrows():
        name = row["name"]
        matches = same_release(current["releases"], name, row["org"], row["release_date"], row["params_total"])
        if name in matches:
            problems.append(f"releases entry {i + 1} field 'name': value {name!r} is already in the data")
        elif name in seen:
            problems.append(f"releases entry {i + 1} field 'name': value {name!r} repeats entry {seen[name] + 1}")
        seen.setdefault(name, i)
        for other in matches:
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


