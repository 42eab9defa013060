"""Checks of additions against the current tables, before anything is written.

Every check of the bundled tables applies (:mod:`effcompute.data.schema`:
numbers finite and in range, dates, text, keys, links), plus the checks
that only make sense for additions: duplicates of what the data already
holds under any spelling (:func:`same_release`), the 6ND sanity of the
magnitudes, and close matches for unknown hardware. Every problem names the
table, the entry, the field and the value.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from effcompute.accounting import FLOP_PER_PARAM_TOKEN
from effcompute.data.additions import AdditionError, Additions
from effcompute.data.cells import NUMBER, parse_date, parse_number, shown
from effcompute.data.names import name_key, org_key
from effcompute.data.schema import TOKENS, check_tables

#: train_flop / (6 x params_active x train_tokens) outside this range is a unit or counting mistake.
SIX_ND_RATIO = (1 / 3, 3.0)


def _number(value):
    """A cell as a finite float, else None."""
    return parse_number(value)[0]


def _six_nd(i: int, row) -> list[str]:
    flop, tokens = _number(row["train_flop"]), _number(row["train_tokens"])
    active, total = _number(row["params_active"]), _number(row["params_total"])
    params = active or total
    # params_active equal to params_total is often a filled-in guess (Epoch's importer does it, a MoE's
    # total parameters overstate 6ND), so only 'too much FLOP' is checked unless active < total
    low = SIX_ND_RATIO[0] if active and total and active < total else 0.0
    if flop and tokens and params:
        ratio = flop / (FLOP_PER_PARAM_TOKEN * params * tokens)
        if not low <= ratio <= SIX_ND_RATIO[1]:
            return [f"releases entry {i + 1} field 'train_flop': value {_bare(row['train_flop'])} is {ratio:.3g} x 6 x params x tokens "
                    f"= {FLOP_PER_PARAM_TOKEN * params * tokens:.3g}; expected within {SIX_ND_RATIO[0]:.2g}x to {SIX_ND_RATIO[1]:g}x of it (FLOP, not PFLOP or FLOP/s?)"]
    elif flop and params:
        implied = flop / (FLOP_PER_PARAM_TOKEN * params)
        lo, hi, _ = TOKENS
        if not lo <= implied <= hi:
            return [f"releases entry {i + 1} field 'train_flop': value {_bare(row['train_flop'])} implies {implied:.3g} training tokens for "
                    f"{params:.3g} parameters (FLOP = 6ND); expected {lo:g} to {hi:g} tokens"]
    return []


def _magnitudes(additions: Additions) -> list[str]:
    """Unit mistakes the schema's spans cannot see: FLOP against 6ND, MFU given as a percentage."""
    problems = []
    for table, df in additions.tables.items():
        for i, row in df.iterrows():
            if table == "releases":
                problems += _six_nd(i, row)
            if table in ("releases", "mfu"):
                mfu = _number(row.get("mfu"))
                if mfu is not None and 1 < mfu <= 100:
                    problems.append(f"{table} entry {i + 1} field 'mfu': value {_bare(row['mfu'])} looks like a percentage; expected a fraction from 0 to 1")
    return problems


def same_release(old: pd.DataFrame, name, org, release_date, params_total) -> list[str]:
    """Names in ``old`` (releases) of the same release under any spelling.

    The same :func:`~effcompute.data.names.name_key` (case, spaces and dashes
    ignored), or the same organisation (aliases applied), release date (as a
    date) and parameter count.
    """
    params, date = _number(params_total), parse_date(release_date)[0]
    same_name = old["name"].map(name_key) == name_key(name)
    same_key = (
        (old["org"].map(org_key) == org_key(org))
        & (old["release_date"].map(lambda d: parse_date(d)[0]) == date)
        & np.isclose(old["params_total"].astype(float), params if params is not None else -1, rtol=1e-6)
    )
    return list(old.loc[same_name | (same_key & (date is not None)), "name"])


def _duplicates(additions: Additions, current: dict) -> list[str]:
    problems = []
    new = additions.tables.get("releases")
    if new is None:
        return problems
    seen = {}
    for i, row in new.iterrows():
        name, where = row["name"], f"releases entry {i + 1} field 'name': value {shown(row['name'])}"
        matches = same_release(current["releases"], name, row["org"], row["release_date"], row["params_total"])
        spelt = [m for m in matches if name_key(m) == name_key(name)]
        if spelt:
            problems.append(f"{where} is already in the data" + (f" as {spelt[0]!r} (names are compared without case, spaces or dashes)" if spelt[0] != name else ""))
        elif name_key(name) in seen:
            problems.append(f"{where} repeats entry {seen[name_key(name)] + 1}")
        seen.setdefault(name_key(name), i)
        for other in matches:
            if other not in spelt:
                problems.append(f"{where} looks like a duplicate of {other!r} "
                                f"(same org {row['org']!r}, release_date {row['release_date']} and params_total {row['params_total']})")
    return problems


def _bare(value) -> str:
    """A cell as a message shows it: a short plain number bare, anything else quoted (and cut if long)."""
    return value if isinstance(value, str) and len(value) <= 40 and NUMBER.fullmatch(value) else shown(value)


def _value(additions: Additions, table: str, entry: int, column, fallback) -> str:
    """A cell of the additions as the user wrote it (see :func:`_bare`)."""
    df = additions.tables[table]
    return _bare(df.at[entry, column] if column in df.columns and entry < len(df) else fallback)


def _locate(issue, offsets: dict, additions: Additions) -> str | None:
    """An issue found in a combined table, told as the addition's entry (None if it is in old rows)."""
    table = issue.file.removesuffix(".csv")
    if table not in offsets:
        return str(issue)
    if issue.line is None:
        return f"{table}: field {issue.column!r}: value {shown(issue.value)} {issue.problem}"
    entry = issue.line - 2 - offsets[table]
    if entry < 0:
        return None
    value = _value(additions, table, entry, issue.column, issue.value)
    return f"{table} entry {entry + 1} field {issue.column!r}: " + ("" if value == "None" else f"value {value} ") + issue.problem


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
    problems = _magnitudes(additions) + _duplicates(additions, current)
    raw, offsets = {}, {}
    for table, new in additions.tables.items():
        old_text = current[table].astype(object).where(current[table].notna(), None)
        offsets[table] = len(old_text)
        raw[table] = pd.concat([old_text, new], ignore_index=True)
    combined, issues = check_tables(raw, trusted={t: df for t, df in current.items() if t not in raw})
    # a release under another spelling is told once, by _duplicates, with the name it duplicates
    issues = [i for i in issues if not (i.file == "releases.csv" and i.problem.startswith("is a duplicate release name"))]
    problems += [p for p in (_locate(i, offsets, additions) for i in issues) if p]
    problems = _hardware_hints(list(dict.fromkeys(problems)), sorted(current["hardware"]["hardware"]))
    if problems:
        raise AdditionError(problems, additions.source)
    return combined
