"""A user's workspace: versioned copies of the tables, a history log, runs, a lock.

Layout of a workspace folder ``DIR``::

    DIR/workspace.json      marker: format, creation time, the bundled data it started from
    DIR/HEAD                name of the current version folder (one line)
    DIR/versions/v0001/     the six tables, as created by ``effcompute init``
    DIR/versions/v0002/     the tables after the first addition, ...
    DIR/history.jsonl       one JSON line per change: time, what, hash of each table after
    DIR/runs/               fitted runs (netCDF)
    DIR/.lock               advisory lock file (``fcntl.flock``)

A change writes a whole new version folder beside the current one (staged
under a hidden name, every file fsynced, then renamed) and only then replaces
``HEAD`` atomically. A process killed at any point leaves ``HEAD`` naming a
complete version, so the workspace is readable and unchanged; ``undo`` moves
``HEAD`` back. Version folders are never modified after they are written.

A write that fails (a full disk, a file it may not write) is undone before
the error is raised: the new version folder is removed and the history log
cut back to its old length, so the tables and the log are as they were. What
a killed writer leaves (staging folders, temp files, a version never
logged) is removed by the next writer, under the lock; a killed ``init``
leaves only a hidden ``.DIR.init-PID`` folder beside ``DIR``, removed by the
next ``init`` of ``DIR``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from effcompute.data.cells import shown
from effcompute.data.io import write_text_atomic
from effcompute.data.wsfiles import HISTORY, WorkspaceError, append_history, clean_stale, hold_lock, now, read_head, read_history

MARKER = "workspace.json"
FORMAT = "effcompute-workspace/1"
#: Set by tests to kill the process part-way through a write (``staged`` or ``logged``).
CRASH_ENV = "EFFCOMPUTE_TEST_CRASH_AT"
#: Set by tests to hold the lock this many seconds after reading (widens the window for a lost update).
PAUSE_ENV = "EFFCOMPUTE_TEST_PAUSE_IN_LOCK"


def is_workspace(path) -> bool:
    """True when ``path`` holds a workspace marker."""
    return (Path(path) / MARKER).is_file()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _maybe_crash(point: str) -> None:
    if os.environ.get(CRASH_ENV) == point:
        os._exit(70)


def pause_for_tests() -> None:
    """Sleep for ``$EFFCOMPUTE_TEST_PAUSE_IN_LOCK`` seconds, if set (concurrency tests)."""
    seconds = float(os.environ.get(PAUSE_ENV, "0") or 0)
    if seconds > 0:
        time.sleep(seconds)


@dataclass(frozen=True)
class Workspace:
    """An existing workspace folder (see the module docstring for its layout)."""

    root: Path

    @classmethod
    def open(cls, path, writable: bool = False) -> "Workspace":
        """Open ``path`` as a workspace.

        Raises
        ------
        WorkspaceError
            If ``path`` is not a workspace, or ``writable`` and it cannot be written.
        """
        root = Path(path)
        how = f"create one with: effcompute init {root}"
        if not root.is_dir():
            raise WorkspaceError(f"workspace {str(root)!r} does not exist; {how}")
        if not is_workspace(root):
            raise WorkspaceError(f"{str(root)!r} is not an effcompute workspace (no {MARKER}); {how}")
        try:
            marker = json.loads((root / MARKER).read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as err:
            raise WorkspaceError(f"{str(root / MARKER)!r} is not the JSON a workspace marker holds ({str(err)[:80]}); "
                                 f"restore it, or make a new workspace with: effcompute init NEW_DIR") from None
        if not isinstance(marker, dict) or marker.get("format") != FORMAT:
            found = marker.get("format") if isinstance(marker, dict) else type(marker).__name__
            raise WorkspaceError(f"{str(root / MARKER)!r}: format {found!r} is not {FORMAT!r}")
        if writable and not os.access(root, os.W_OK, effective_ids=os.access in os.supports_effective_ids):
            raise WorkspaceError(f"workspace {str(root)!r} is not writable by this user")
        return cls(root)

    @classmethod
    def create(cls, path, contents: dict[str, bytes], source_hash: str) -> "Workspace":
        """Make a new workspace at ``path`` (which must be absent or empty).

        Parameters
        ----------
        contents : dict of str to bytes
            Table name -> the CSV file's bytes of its first version.
        source_hash : str
            Data hash of where the tables came from (kept in the marker).
        """
        root = Path(path)
        if root.exists() and (not root.is_dir() or any(root.iterdir())):
            raise WorkspaceError(f"{str(root)!r} exists and is not an empty folder; choose a new path")
        root.parent.mkdir(parents=True, exist_ok=True)
        _remove_dead_inits(root)
        staging = root.parent / f".{root.name}.init-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            for folder in (staging, staging / "versions", staging / "runs"):
                folder.mkdir()
            (staging / ".lock").touch()
            ws = cls(staging)
            version = ws._write_version(contents)
            ws._set_head(version)
            write_text_atomic(json.dumps({"format": FORMAT, "created": now(), "from_data_hash": source_hash}, indent=2) + "\n", staging / MARKER)
            ws.append_history({"action": "init", "version": version, "from_data_hash": source_hash, "tables": ws.table_hashes()})
            _maybe_crash("init")
            try:
                os.rename(staging, root)  # replaces an empty folder; refused if another init filled it meanwhile
            except OSError as err:
                raise WorkspaceError(f"{str(root)!r} could not be made ({err.strerror}); is another 'effcompute init' writing it?") from None
            _fsync_dir(root.parent)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return cls(root)

    # -- reading ---------------------------------------------------------
    @property
    def head(self) -> str:
        """Name of the current version folder (checked: see :func:`~effcompute.data.wsfiles.read_head`)."""
        return read_head(self.root)

    @property
    def data_dir(self) -> Path:
        """The folder holding the current tables."""
        return self.root / "versions" / self.head

    @property
    def runs_dir(self) -> Path:
        return self.root / "runs"

    def table_hashes(self, version: str | None = None) -> dict:
        """SHA-256 of each table file of a version (default: the current one)."""
        folder = self.root / "versions" / (version or self.head)
        return {p.stem: _sha256(p) for p in sorted(folder.glob("*.csv"))}

    def history(self) -> list[dict]:
        """Every history entry, oldest first, each line verified (see :func:`~effcompute.data.wsfiles.read_history`)."""
        return read_history(self.root / HISTORY)

    # -- writing ---------------------------------------------------------
    def lock(self, on_wait=None):
        """Hold the workspace's exclusive lock; a busy lock is reported and waited for, up to a timeout.

        See :func:`~effcompute.data.wsfiles.hold_lock`.
        """
        return hold_lock(self.root / ".lock", on_wait)

    def commit(self, tables: dict[str, bytes], entry: dict) -> str:
        """Write ``tables`` (name -> the file's full new bytes) as a new version, move HEAD to it, log ``entry``.

        Tables not named keep their current bytes. Call under :meth:`lock`.
        Returns the new version's name. If any step fails, the version folder
        and the log line are removed again before the error is raised.
        """
        clean_stale(self.root)
        current = self.data_dir
        contents = {p.stem: p.read_bytes() for p in sorted(current.glob("*.csv"))}
        contents.update(tables)
        previous = self.head
        version = self._write_version(contents)
        with self._rollback(version, version):
            _maybe_crash("staged")
            # Logged before HEAD moves: a crash in between leaves an entry whose version never became
            # HEAD, which undo skips (it follows HEAD), and the tables unchanged.
            self.append_history({**entry, "version": version, "previous": previous, "tables": self.table_hashes(version)})
            _maybe_crash("logged")
            self._set_head(version)
        return version

    @contextlib.contextmanager
    def _rollback(self, head_after: str, new_folder: str | None = None):
        """Undo a change that failed before HEAD named ``head_after``: cut the log back, remove ``new_folder``."""
        log = self.root / HISTORY
        size = log.stat().st_size if log.is_file() else 0
        try:
            yield
        except BaseException:
            try:
                took_effect = read_head(self.root) == head_after  # then only a later step (an fsync) failed
            except (OSError, WorkspaceError):
                took_effect = False
            if not took_effect:
                with contextlib.suppress(OSError):
                    if log.is_file() and log.stat().st_size > size:
                        os.truncate(log, size)
                if new_folder:
                    shutil.rmtree(self.root / "versions" / new_folder, ignore_errors=True)
            raise

    def undo(self) -> dict:
        """Move HEAD back to the version before the last change that is still in effect.

        Returns the history entry that was undone. Call under :meth:`lock`.
        """
        head = self.head
        for entry in reversed(self.history()):
            if entry["action"] == "undo" or entry.get("version") != head:
                continue
            if entry["action"] == "init":
                raise WorkspaceError(f"nothing to undo in {str(self.root)!r}: the tables are as 'effcompute init' made them")
            target = entry.get("previous")
            if not isinstance(target, str) or not (self.root / "versions" / target).is_dir():
                raise WorkspaceError(f"{str(self.root / HISTORY)!r}: the entry that made {head} names no earlier version folder ({shown(target)}); undo by hand: write a version name into HEAD")
            with self._rollback(target):
                self.append_history({"action": "undo", "undone": entry["version"], "version": target, "tables": self.table_hashes(target)})
                self._set_head(target)
            return entry
        raise WorkspaceError(f"{str(self.root / HISTORY)!r} has no entry that made the current version {head} (HEAD and the log disagree); "
                             "undo by hand: write the version you want into HEAD")

    def append_history(self, entry: dict) -> None:
        """Append one JSON line (with a timestamp) to the history log, whole or not at all, after verifying the log."""
        append_history(self.root / HISTORY, entry, first=entry.get("action") == "init")

    def _write_version(self, contents: dict[str, bytes]) -> str:
        versions = self.root / "versions"
        numbers = [int(p.name[1:]) for p in versions.glob("v[0-9]*") if p.name[1:].isdigit()]
        name = f"v{max(numbers, default=0) + 1:04d}"
        staging = versions / f".staging-{name}-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        final = None
        try:
            for table, data in contents.items():
                with open(staging / f"{table}.csv", "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
            _fsync_dir(staging)
            os.rename(staging, versions / name)
            final = versions / name
            _fsync_dir(versions)
        except BaseException:
            shutil.rmtree(final or staging, ignore_errors=True)
            raise
        return name

    def _set_head(self, version: str) -> None:
        if not (self.root / "versions" / version).is_dir():
            raise WorkspaceError(f"version {version!r} is missing from {str(self.root / 'versions')!r}")
        write_text_atomic(version + "\n", self.root / "HEAD")
        with contextlib.suppress(OSError):  # HEAD is replaced: the change took effect; this only makes it durable sooner
            _fsync_dir(self.root)


def _remove_dead_inits(root: Path) -> None:
    """Remove ``.ROOT.init-PID`` folders beside ``root`` whose process is gone (a killed ``init``)."""
    for staging in root.parent.glob(f".{root.name}.init-*"):
        pid = staging.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(staging, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
