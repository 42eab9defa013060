"""The command line's one error boundary: every failure as a message naming the command, the file and what to do.

Exit status 2: the input or the environment is at fault (a bad file or
value, a damaged workspace, a full disk, a file this user may not write).
Exit status 1: an internal failure (a bug). ``--debug`` adds the traceback;
without it no traceback is shown.
"""

from __future__ import annotations

import errno
import sys
import traceback

#: A message is cut to this many lines of at most this many characters (a library's can embed a whole document).
MAX_LINES, MAX_LINE = 60, 500
DEBUG_FLAG = "--debug"


def command_name(args) -> str:
    """``add-release``, ``data check``, ``check sbc``: the command as the user typed it."""
    sub = getattr(args, "data_command", None) or getattr(args, "check_command", None)
    return f"{args.command} {sub}" if sub else str(args.command)


def _inputs(args) -> str:
    named = [f"{k}={getattr(args, k)}" for k in ("run", "file", "from_epoch", "data", "evidence_run", "trend_run", "out") if getattr(args, k, None)]
    return f" (with {', '.join(named)})" if named else ""


def _os_message(err: OSError) -> str:
    where = f"{err.filename!r}" if err.filename else "a file"
    if isinstance(err, PermissionError):
        return f"permission denied on {where}: this user may not read or write it; check its owner and mode (ls -l) or use a folder you own; nothing was changed"
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk is full (writing {where}); free some space and run the command again; nothing was changed"
    if err.errno == errno.EROFS:
        return f"{where} is on a read-only file system; use a writable folder"
    if isinstance(err, FileExistsError):
        return f"{where} already exists; choose another name"
    if isinstance(err, IsADirectoryError):
        return f"{where} is a folder where a file goes; name a file"
    if isinstance(err, NotADirectoryError):
        return f"{where}: a file is in the way where a folder goes; name a folder, or move the file"
    if isinstance(err, FileNotFoundError) and err.errno is None:
        return str(err)
    return f"{where}: {err.strerror or err}" + ("; check that the folder exists" if isinstance(err, FileNotFoundError) else "")


def bounded(text: str) -> str:
    """``text`` with at most :data:`MAX_LINES` lines, each cut to :data:`MAX_LINE` characters."""
    lines = [line if len(line) <= MAX_LINE else line[:MAX_LINE] + f"... ({len(line)} characters in all)" for line in text.splitlines()[:MAX_LINES]]
    more = len(text.splitlines()) - MAX_LINES
    return "\n".join(lines + ([f"... and {more} more lines"] if more > 0 else []))


def describe(err: BaseException) -> tuple[int, str]:
    """The exit status and the message for an exception that reached the top."""
    if isinstance(err, OSError):
        return 2, _os_message(err)
    if isinstance(err, ValueError):  # our validation errors, WorkspaceError, and bad values met in libraries
        return 2, bounded(str(err))
    if isinstance(err, MemoryError):
        return 1, "ran out of memory; the input may be far larger than expected"
    what = f"{type(err).__name__}: {str(err)[:200]}"
    return 1, f"internal error ({what}); please report it with the command line; {DEBUG_FLAG} shows the traceback"


def run_guarded(args, debug: bool = False) -> int:
    """Run ``args.func(args)`` inside the boundary; return its exit status.

    Output paths and run files named by ``args`` are checked first
    (:func:`effcompute.cli_paths.check_command_paths`).
    """
    from effcompute.cli_paths import check_command_paths

    name = command_name(args)
    try:
        check_command_paths(args, name)
        return args.func(args)
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(f"effcompute {name}: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # the boundary: every failure becomes one message
        code, message = describe(err)
        if debug:
            traceback.print_exc()
        print(f"effcompute {name}: {message}" + (_inputs(args) if code == 1 else ""), file=sys.stderr)
        return code


def split_debug(argv: list[str]) -> tuple[list[str], bool]:
    """``argv`` without ``--debug`` (accepted anywhere on the line), and whether it was there."""
    return [a for a in argv if a != DEBUG_FLAG], DEBUG_FLAG in argv
