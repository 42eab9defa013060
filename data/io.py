"""Safe reads and writes of the files a workspace holds.

Writes: a table on disk is either the old one or the new one, never half of
each (:func:`write_text_atomic`); a line appended to a log is there whole or
not at all (:func:`append_line`). Reads: :func:`read_csv_records` parses a CSV
strictly, by the header's names, and locates every structural problem (a
ragged row, a duplicate header, a line break inside a cell) to its line.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
from pathlib import Path

import pandas as pd

csv.field_size_limit(1 << 20)


class CsvFormatError(ValueError):
    """A CSV file cannot be read as a table; ``problems`` holds ``(line, message)`` pairs (line None: the whole file)."""

    def __init__(self, file: str, problems: list[tuple[int | None, str]]):
        self.file = file
        self.problems = problems
        shown = "; ".join((f"line {line}: " if line else "") + msg for line, msg in problems[:5])
        more = f"; ... and {len(problems) - 5} more" if len(problems) > 5 else ""
        super().__init__(f"{file}: {shown}{more}")


def decode_text(raw: bytes, file: str) -> str:
    """``raw`` as UTF-8 text (a byte-order mark dropped).

    Raises
    ------
    CsvFormatError
        Naming the line and byte that is not UTF-8.
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise CsvFormatError(file, [(line, f"byte {raw[err.start]:#04x} is not UTF-8; save the file as UTF-8")]) from None


def read_csv_records(text: str, file: str, one_line_cells: bool = True) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of a CSV text, every row as long as the header.

    Parameters
    ----------
    text : str
        The file's text.
    file : str
        Its name, for messages.
    one_line_cells : bool, default True
        Refuse a quoted cell that spans lines, so that row ``i`` is line ``i + 2``.

    Raises
    ------
    CsvFormatError
        Listing every problem with its line: no header, an empty or repeated
        column name, a row with too many or too few fields, a blank line
        between rows, a line break inside a cell, a quote left open.
    """
    problems, records, previous = [], [], 0
    if one_line_cells:
        problems += [(text.count("\n", 0, m.start()) + 1, "holds a carriage return (U+000D) that does not end the line; remove it")
                     for m in re.finditer(r"\r(?!\n)", text)][:20]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for cells in reader:
            first, previous = previous + 1, reader.line_num
            records.append((first, cells))
            if one_line_cells and reader.line_num > first:
                problems.append((first, f"a quoted cell holds a line break (lines {first}-{reader.line_num}); write every cell on one line"))
    except csv.Error as err:
        return _raise(file, problems + [(reader.line_num, f"not valid CSV ({err}); a quote is left open or a line break or carriage return is in an unquoted cell")])
    while records and not records[-1][1]:
        records.pop()  # blank lines at the end
    if not records:
        _raise(file, [(None, "is empty: no header row")])
    (_, header), rows = records[0], records[1:]
    header = [h.strip() for h in header]
    seen = {}
    for j, name in enumerate(header):
        if not name:
            problems.append((1, f"header column {j + 1} has no name"))
        elif name in seen:
            problems.append((1, f"column {name!r} appears twice in the header (columns {seen[name] + 1} and {j + 1})"))
        seen.setdefault(name, j)
    for line, cells in rows:
        if not cells:
            problems.append((line, "is blank; delete it (a blank line shifts the line numbers of every row after it)"))
        elif len(cells) != len(header):
            problems.append((line, f"has {len(cells)} fields, the header has {len(header)}: a comma too many or too few (quote a cell that holds a comma)"))
    if problems:
        _raise(file, problems)
    return header, [cells for _, cells in rows]


def _raise(file, problems):
    raise CsvFormatError(file, problems)


def write_text_atomic(text: str, path: str | os.PathLike) -> Path:
    """Write ``text`` to ``path`` through a temp file in the same folder, fsync, then ``os.replace``."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_csv_atomic(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a table as CSV atomically (see :func:`write_text_atomic`)."""
    return write_text_atomic(df.to_csv(index=False, lineterminator="\n"), path)


def append_line(path: str | os.PathLike, line: str) -> None:
    """Append ``line`` and a newline to ``path``, fsynced: the whole line or, if writing fails, nothing.

    On a failed or short write (a full disk) the file is truncated back to
    its old length before the error is raised.
    """
    data = (line.rstrip("\n") + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, size)
                os.fsync(fd)
            raise
    finally:
        os.close(fd)
