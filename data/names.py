"""Names as the duplicate rule compares them, and organisations under their other spellings.

Two spellings of one release ("GPT-3 175B", "gpt-3 175b ", "GPT-3\u2010175B",
"GPT 3 175B") have one :func:`name_key`: Unicode NFKC, trimmed, every dash
and underscore and run of white space made one separator, compared without
case. Organisations also have aliases, kept as data in ``org_aliases.csv``
(``alias``, ``org``): :func:`canonical_org` maps "Alibaba Cloud" and "Qwen
Team" to "Alibaba", the spelling the tables use.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from importlib import resources

#: Every dash-like code point (hyphen, non-breaking hyphen, figure dash, en and em dash, minus, small and fullwidth hyphen-minus).
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DASH = re.compile(f"[{DASHES}]")
_SEPARATORS = re.compile(r"[\s_\-]+")
ALIASES_FILE = "org_aliases.csv"


def clean_text(text: str) -> str:
    """``text`` in NFKC with one kind of dash and space, trimmed (the form the tables store)."""
    text = _DASH.sub("-", unicodedata.normalize("NFKC", text))
    return re.sub(r"\s+", " ", text).strip()


def name_key(text) -> str:
    """The comparison key of a name: :func:`clean_text`, case-folded, dashes, underscores and spaces one separator."""
    if not isinstance(text, str):
        return ""
    return _SEPARATORS.sub("-", clean_text(text).casefold()).strip("-")


@functools.lru_cache(maxsize=1)
def org_aliases() -> dict[str, str]:
    """``name_key(alias) -> org`` from the bundled ``org_aliases.csv``.

    Raises
    ------
    ValueError
        If the file gives one alias two organisations, or an alias is itself an organisation's name.
    """
    text = (resources.files("effcompute.data") / ALIASES_FILE).read_text(encoding="utf-8")
    out: dict[str, str] = {}
    rows = list(csv.DictReader(io.StringIO(text)))
    orgs = {name_key(r["org"]) for r in rows}
    for line, row in enumerate(rows, start=2):
        key = name_key(row["alias"])
        if key in out and out[key] != row["org"]:
            raise ValueError(f"{ALIASES_FILE} line {line}: alias {row['alias']!r} already maps to {out[key]!r}")
        if key in orgs and key != name_key(row["org"]):
            raise ValueError(f"{ALIASES_FILE} line {line}: alias {row['alias']!r} is itself an organisation's name")
        out[key] = row["org"].strip()
    return out


def canonical_org(org) -> str | None:
    """``org`` under the spelling the tables use: its alias if it has one, else (for a list "A,B") the first one's, else itself."""
    if not isinstance(org, str) or not org.strip():
        return None
    aliases = org_aliases()
    for candidate in (org, org.split(",")[0]):
        hit = aliases.get(name_key(candidate))
        if hit:
            return hit
    return clean_text(org)


def org_key(org) -> str:
    """The comparison key of an organisation: :func:`name_key` of :func:`canonical_org`."""
    return name_key(canonical_org(org))
