"""The small files of a workspace, read and written defensively: ``HEAD``, ``history.jsonl``, ``.lock``.

* ``HEAD`` must name a folder of ``versions/`` (``v`` and digits); anything
  else is reported as damage with what to do, never read as "no changes".
* ``history.jsonl`` is append-only: each line is written whole or not at all
  (:func:`~effcompute.data.io.append_line`), every line is verified on read,
  and a broken last line (a write cut short) is reported with the file's
  name; nothing is appended after it until :func:`repair_history` sets it
  aside.
* ``.lock`` is held with ``flock``; while held it says who holds it, and a
  writer that has to wait says so and gives up after a timeout.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import shutil
import socket
import sys
import time
from pathlib import Path

from effcompute.data.cells import shown
from effcompute.data.io import append_line, write_text_atomic

HISTORY = "history.jsonl"
VERSION = re.compile(r"v\d{4,}")
#: Seconds a writer waits for the lock before giving up (override with this environment variable).
LOCK_TIMEOUT_ENV = "EFFCOMPUTE_LOCK_TIMEOUT"
LOCK_TIMEOUT = 120.0


class WorkspaceError(ValueError):
    """A folder is not a usable (writable) workspace, or a file of it is damaged."""


def read_head(root: Path) -> str:
    """The version ``HEAD`` names, checked to be a folder of ``versions/``.

    Raises
    ------
    WorkspaceError
        If ``HEAD`` is missing, empty, not a version name, or names a missing folder.
    """
    path = root / "HEAD"
    fix = f"write the name of the newest complete folder of {str(root / 'versions')!r} (e.g. v0001) into it"
    if not path.is_file():
        raise WorkspaceError(f"{str(path)!r} is missing, so the workspace has no current version; {fix}")
    name = path.read_text(encoding="utf-8", errors="replace").strip()
    if not VERSION.fullmatch(name):
        raise WorkspaceError(f"{str(path)!r} holds {shown(name)}, not a version name like v0001; {fix}")
    if not (root / "versions" / name).is_dir():
        raise WorkspaceError(f"{str(path)!r} names {name}, which is not a folder of {str(root / 'versions')!r}; {fix}")
    return name


def _parse(lines: list[str], path: Path) -> tuple[list[dict], int | None]:
    """The records of a history's lines and the line number of the first that is not one (None if all are)."""
    records = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            return records, n
        if not isinstance(record, dict) or not isinstance(record.get("action"), str):
            return records, n
        records.append(record)
    return records, None


def read_history(path: Path, must_exist: bool = True) -> list[dict]:
    """Every record of a history log, oldest first, each line verified.

    Raises
    ------
    WorkspaceError
        If the log is missing (unless not ``must_exist``) or not a file, or
        naming the line that is not a complete record, and what to do.
    """
    if not path.is_file():
        if path.exists() or must_exist:
            raise WorkspaceError(f"{str(path)!r} is {'not a file' if path.exists() else 'missing'}: the workspace's log of changes is damaged; "
                                 "restore it from a backup (the tables themselves are in versions/)")
        return []
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = text.split("\n")
    records, bad = _parse(lines, path)
    if bad is None:
        return records
    last = max(n for n, line in enumerate(lines, start=1) if line.strip())
    what = f"{str(path)!r} line {bad}: {shown(lines[bad - 1][:60])} is not a complete history record"
    if bad == last:
        root = path.parent
        raise WorkspaceError(f"{what} (a write was cut short, e.g. by a full disk); nothing is added after it: "
                             f"run 'effcompute history --data {root} --repair' to set the line aside in {HISTORY}.broken")
    raise WorkspaceError(f"{what}; lines after it follow, so it cannot be set aside safely: restore {HISTORY} from a backup or mend line {bad} by hand")


def append_history(path: Path, entry: dict, first: bool = False) -> None:
    """Verify the log, then append ``entry`` (with a timestamp) as one whole line (``first``: the log may not exist yet)."""
    read_history(path, must_exist=not first)
    unterminated = path.is_file() and path.stat().st_size > 0 and path.read_bytes()[-1:] != b"\n"
    append_line(path, ("\n" if unterminated else "") + json.dumps({"time": now(), **entry}, default=str))


def repair_history(path: Path) -> str | None:
    """Move a broken last line of a history log into ``history.jsonl.broken``; say what was done (None: nothing to do).

    Raises
    ------
    WorkspaceError
        If a line before the last is broken (then the log needs a person, not a rule).
    """
    try:
        read_history(path)
        return None
    except WorkspaceError:
        pass
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = text.rstrip("\n").split("\n")
    records, bad = _parse(lines, path)
    if bad != len(lines):
        read_history(path)  # raises: the broken line is not the last
    append_line(path.with_name(HISTORY + ".broken"), lines[-1])
    write_text_atomic("".join(line + "\n" for line in lines[:-1]), path)
    return f"moved the broken line {bad} of {str(path)!r} into {HISTORY}.broken; {len(records)} record(s) kept"


def now() -> str:
    """The time now, UTC, to the second, as ISO 8601 (the stamp of history records and of the lock)."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def clean_stale(root: Path) -> list[str]:
    """Remove what killed writers left: staging folders, temp files, and version folders newer than any logged. Call under the lock."""
    removed = [p for p in (root / "versions").glob(".staging-*")] + [p for p in root.glob(".*.tmp")]
    logged = {r.get("version") for r in read_history(root / HISTORY)} | {read_head(root)}
    newest = max((int(v[1:]) for v in logged if isinstance(v, str) and VERSION.fullmatch(v)), default=None)
    removed += [p for p in (root / "versions").glob("v[0-9]*")
                if newest is not None and VERSION.fullmatch(p.name) and int(p.name[1:]) > newest and p.is_dir()]
    for p in removed:
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
    return [p.name for p in removed]


def _lock_timeout() -> float:
    try:
        return float(os.environ.get(LOCK_TIMEOUT_ENV) or LOCK_TIMEOUT)
    except ValueError:
        raise WorkspaceError(f"${LOCK_TIMEOUT_ENV}={os.environ[LOCK_TIMEOUT_ENV]!r} is not a number of seconds") from None


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _holder(fd: int) -> str:
    return os.pread(fd, 500, 0).decode("utf-8", errors="replace").strip() or "another process"


@contextlib.contextmanager
def hold_lock(path: Path, on_wait=None):
    """Hold ``path`` (``flock``), saying in it who holds it; wait at most ``$EFFCOMPUTE_LOCK_TIMEOUT`` seconds.

    Parameters
    ----------
    on_wait : callable, optional
        Called once with a message when the lock is busy (default: print it on stderr).

    Raises
    ------
    WorkspaceError
        If the lock is still held when the time is up, naming the holder.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _try_lock(fd):
            holder, timeout = _holder(fd), _lock_timeout()
            (on_wait or (lambda m: print(m, file=sys.stderr, flush=True)))(f"waiting up to {timeout:g} s for {str(path)!r}, held by {holder}")
            deadline = time.monotonic() + timeout
            while not _try_lock(fd):
                if time.monotonic() > deadline:
                    raise WorkspaceError(f"gave up after {timeout:g} s waiting for {str(path)!r}, held by {_holder(fd)}; try again when it has "
                                         f"finished (the lock goes when that process ends; set ${LOCK_TIMEOUT_ENV} to wait longer)")
                time.sleep(0.05)
        command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:120] if sys.argv else "python"
        with contextlib.suppress(OSError):  # who holds it is a courtesy: a full disk must not stop the write
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} ({command}) since {now()}\n".encode(), 0)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
