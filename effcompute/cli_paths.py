"""What a command reads and writes, checked before it starts: output paths, and the attributes of run files.

* An output file must not be a folder, nor a file the command reads, nor an
  existing file unless ``--force`` is given; an output folder must not be a
  file, nor the bundled data or a workspace's tables.
* A run file (``effcompute fit``'s netCDF) must carry every attribute the
  commands read, each of the right kind, so that an edited or truncated run
  is refused with the attribute's name instead of failing half-way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from pathlib import Path

from effcompute.models.registry import MODEL_NAMES as MODELS  # names only: no PyMC import

#: Command -> (its argument naming an output folder). Output files are checked by the command itself.
OUTPUT_FOLDERS = {"report": "out", "fit": "out", "check sbc": "out", "data import-epoch": "out"}
#: Arguments that name run files, by the commands that read them.
RUN_ARGS = ("run", "evidence_run", "trend_run", "against")
DIAGNOSTICS = ("max_rhat", "min_ess_bulk", "min_ess_tail", "divergences", "min_bfmi")


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _iso_date(v) -> bool:
    try:
        dt.date.fromisoformat(v)
        return True
    except (TypeError, ValueError):
        return False


#: Attribute -> (test, what it must be).
RUN_ATTRS = {
    "model": (lambda v: v in MODELS, f"one of {', '.join(MODELS)}"),
    "data_hash": (lambda v: isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v) is not None, "a SHA-256 hex digest"),
    "seed": (lambda v: isinstance(v, int) and not isinstance(v, bool), "a whole number"),
    "as_of": (_iso_date, "a YYYY-MM-DD date"),
    "convergence": (lambda v: isinstance(v, dict) and isinstance(v.get("converged"), bool) and isinstance(v.get("failures"), list)
                    and all(_number(v.get(k)) for k in DIAGNOSTICS), f"a mapping with converged, failures and {', '.join(DIAGNOSTICS)}"),
    "headline": (lambda v: isinstance(v, dict) and bool(v) and all(isinstance(r, dict) and _number(r.get("median")) for r in v.values()),
                 "a mapping of quantity -> summary with a median"),
}


def check_run_file(path) -> dict:
    """The attributes of a run file, each checked.

    Raises
    ------
    ValueError
        Naming the file and every attribute that is missing or malformed.
    """
    from effcompute.inference.runs.files import ATTR_PREFIX, load_run

    try:
        _, _, attrs = load_run(path)
    except (KeyError, TypeError, AttributeError, IndexError, ValueError) as err:  # the model config attribute is not one
        if isinstance(err, ValueError) and str(path) in str(err):
            raise
        raise ValueError(f"run file {str(path)!r}: {ATTR_PREFIX}config is malformed ({type(err).__name__}: {str(err)[:100]}); "
                         "it was edited or damaged: fit it again with 'effcompute fit'") from None
    bad = [f"{ATTR_PREFIX}{k} is missing" if k not in attrs else f"{ATTR_PREFIX}{k} is not {what}"
           for k, (test, what) in RUN_ATTRS.items() if k not in attrs or not test(attrs[k])]
    if bad:
        raise ValueError(f"run file {str(path)!r}: {'; '.join(bad)}; it was edited or damaged: fit it again with 'effcompute fit'")
    return attrs


def check_output_file(path: Path, reads=(), force: bool = False, make_folder: bool = False, flag: str = "--out") -> None:
    """Refuse an output file that is a folder, sits under a file or in a missing folder (unless ``make_folder``), is an input, or exists (unless ``force``); messages name the option ``flag``."""
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{flag} {str(path)!r} is a folder where the output file goes; name a file, e.g. {str(path / 'out.txt')!r}")
    _no_file_in_the_way(path.parent)
    if not make_folder and not path.parent.is_dir():
        raise ValueError(f"{flag} {str(path)!r}: its folder {str(path.parent)!r} does not exist; make it first, or name a file in an existing folder")
    for source in reads:
        if source and path.exists() and Path(source).exists() and path.resolve() == Path(source).resolve():
            raise ValueError(f"{flag} {str(path)!r} is the file this command reads; writing it would destroy it: name another file")
    if path.exists() and not force:
        raise ValueError(f"{flag} {str(path)!r} exists; pass --force to overwrite it, or name another file")


def check_output_folder(path: Path) -> None:
    """Refuse an output folder that is a file (or under one), or holds the bundled data or a workspace's tables."""
    from effcompute.data.load import bundled_data_dir
    from effcompute.data.workspace import is_workspace

    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ValueError(f"--out {str(path)!r} is a file where an output folder goes; name a folder")
    _no_file_in_the_way(path)
    resolved = path.resolve()
    if resolved == bundled_data_dir().resolve():
        raise ValueError(f"--out {str(path)!r} is the bundled data folder, which stays read-only; name another folder")
    for root in (p for p in resolved.parents if is_workspace(p)):
        if resolved == root / "versions" or root / "versions" in resolved.parents:
            raise ValueError(f"--out {str(path)!r} is inside {str(root / 'versions')!r}, whose folders only 'add-release' and 'undo' write; name another folder")


@contextlib.contextmanager
def output_folder(path: Path):
    """Make ``path`` (and missing parents) for the block's output; if the block fails, remove the folders it made."""
    path = Path(path)
    made = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    try:
        yield path
    except BaseException:
        for p in made:  # deepest first
            with contextlib.suppress(OSError):
                p.rmdir()
        raise


def _no_file_in_the_way(folder: Path) -> None:
    for p in (folder, *folder.parents):
        if p.exists():
            if not p.is_dir():
                raise ValueError(f"{str(p)!r} is a file, so nothing can be written under it; name a path whose folders are folders")
            return


def check_command_paths(args, command: str) -> None:
    """The checks of :data:`OUTPUT_FOLDERS` and :data:`RUN_ARGS` that apply to ``args`` (call before the command runs)."""
    out = getattr(args, OUTPUT_FOLDERS.get(command, ""), None)
    if command in OUTPUT_FOLDERS and out is not None:
        check_output_folder(out)
    for name in RUN_ARGS:
        value = getattr(args, name, None)
        if value is not None and not (command == "summary" and Path(value).is_dir()):  # summary FOLDER lists the runs in it
            check_run_file(value)
