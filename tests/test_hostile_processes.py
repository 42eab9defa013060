"""Hostile surroundings, continued: files this user may not touch (run as the user 'nobody'), a lock held by another
process, killed writers, and failures that must reach the user as one line with the right exit status, not a traceback.

The permission cases need root (to act as 'nobody' through the effective user id); they skip with the reason otherwise.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hostile_support import flags, release, run_cli, snapshot, template  # noqa: F401  (fixture)

from effcompute import cli
from effcompute.data.load import load_dataset
from effcompute.data.workspace import CRASH_ENV, Workspace

ADD = ("add-release", "--no-refit", *flags(release()))


def _add(ws: Path) -> list[str]:
    return [ADD[0], "--data", str(ws), *ADD[1:]]


# -- files this user may not touch ------------------------------------------------------------
@pytest.fixture
def nobody(template):
    """A workspace owned by 'nobody' in a folder 'nobody' can reach; yields (workspace, user)."""
    if os.geteuid() != 0:
        pytest.skip("acting as another user needs root")
    try:
        user = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user 'nobody' on this machine")
    for module in ("effcompute.inference.updating.refit", "effcompute.data.epoch"):  # the interpreter's own files may be out of that user's reach
        importlib.import_module(module)
    base = Path(tempfile.mkdtemp(prefix="effcompute_perm_"))
    base.chmod(0o755)
    ws = base / "ws"
    shutil.copytree(template["ws"], ws)
    for p in [ws, *ws.rglob("*")]:
        os.chown(p, user.pw_uid, user.pw_gid)
    yield ws, user
    shutil.rmtree(base)


@contextlib.contextmanager
def acting_as(user):
    os.setegid(user.pw_gid)
    os.seteuid(user.pw_uid)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def _root_owned(*parts, mode=0o644):
    def setup(ws):
        for part in parts:
            p = ws.joinpath(*part.split("/")) if part else ws
            os.chown(p, 0, 0)
            p.chmod(mode if not p.is_dir() else 0o755)
    return setup


PERMISSION_CASES = {
    "versions-not-writable": (_root_owned("versions"), _add, 2, ("permission denied", "versions")),
    "history-not-writable": (_root_owned("history.jsonl"), _add, 2, ("permission denied", "history.jsonl")),
    "lock-not-writable": (_root_owned(".lock"), _add, 2, ("permission denied", ".lock")),
    "workspace-folder-not-writable": (_root_owned(""), _add, 2, ("not writable by this user",)),
    "table-not-readable": (_root_owned("versions/v0001/releases.csv", mode=0o600), _add, 2, ("releases.csv", "cannot be read")),
    "data-check-table-not-readable": (_root_owned("versions/v0001/scores.csv", mode=0o600), lambda ws: ["data", "check", "--data", str(ws)], 1, ("scores.csv", "cannot be read")),
    "history-not-readable": (_root_owned("history.jsonl", mode=0o600), lambda ws: ["history", "--data", str(ws)], 2, ("permission denied", "history.jsonl")),
    "undo-history-not-writable": (_root_owned("history.jsonl"), lambda ws: ["undo", "--data", str(ws)], 2, ("permission denied", "history.jsonl")),
    "export-into-a-folder-not-writable": (_root_owned("runs"), lambda ws: ["data", "import-epoch", str(Path(__file__).parent / "fixtures" / "epoch_models_small.csv"),
                                                                          "--out", str(ws / "runs")], 2, ("permission denied", "runs")),
}


@pytest.mark.parametrize("name", list(PERMISSION_CASES))
def test_a_file_this_user_may_not_touch_is_named_and_nothing_changes(name, nobody, capsys):
    ws, user = nobody
    setup, argv, expected_code, expected = PERMISSION_CASES[name]
    if name == "undo-history-not-writable":
        with acting_as(user):
            assert run_cli(_add(ws), capsys)[0] == 0
    setup(ws)
    before = snapshot(ws)
    with acting_as(user):
        code, output = run_cli(argv(ws), capsys)
    assert code == expected_code, output
    assert "Traceback" not in output
    for text in expected:
        assert text in output, (text, output)
    assert snapshot(ws) == before


# -- a lock held by another process --------------------------------------------------------------
HOLDER = """
import fcntl, os, sys, time
fh = open(sys.argv[1], "a+")
fcntl.flock(fh, fcntl.LOCK_EX)
fh.truncate(0); fh.write(f"pid {os.getpid()} on here (a long add-release) since now\\n"); fh.flush()
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


@contextlib.contextmanager
def lock_holder(ws: Path, seconds: float):
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(ws / ".lock"), str(seconds)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


@pytest.fixture
def ws(tmp_path, template) -> Path:
    shutil.copytree(template["ws"], tmp_path / "ws")
    return tmp_path / "ws"


def test_a_busy_lock_names_its_holder_and_times_out(ws, capsys, monkeypatch):
    monkeypatch.setenv("EFFCOMPUTE_LOCK_TIMEOUT", "0.5")
    with lock_holder(ws, 60) as holder:
        before = snapshot(ws)
        code, output = run_cli(_add(ws), capsys)
        assert snapshot(ws) == before
    assert code == 2 and f"held by pid {holder.pid}" in output and "gave up after 0.5 s" in output and "Traceback" not in output


def test_a_writer_waits_for_a_short_lock_and_says_so(ws, capsys, monkeypatch):
    monkeypatch.setenv("EFFCOMPUTE_LOCK_TIMEOUT", "60")
    with lock_holder(ws, 1.0) as holder:
        code, output = run_cli(_add(ws), capsys)
    assert code == 0 and f"waiting up to 60 s for {str(ws / '.lock')!r}, held by pid {holder.pid}" in output
    assert (ws / ".lock").read_bytes() == b""


# -- killed writers ------------------------------------------------------------------------------
def _killed(args, point: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "effcompute.cli", *args], capture_output=True, text=True, env={**os.environ, CRASH_ENV: point}, timeout=300)


def test_a_killed_init_leaves_only_a_hidden_folder_that_the_next_init_removes(tmp_path, capsys):
    target = tmp_path / "new_ws"
    assert _killed(["init", str(target)], "init").returncode == 70
    assert not target.exists() and len(list(tmp_path.glob(".new_ws.init-*"))) == 1
    code, output = run_cli(["init", str(target)], capsys)
    assert code == 0 and not list(tmp_path.glob(".new_ws.init-*"))
    assert Workspace.open(target).head == "v0001"


def test_a_version_a_killed_commit_left_is_removed_by_the_next_writer(ws, capsys):
    assert _killed(_add(ws), "staged").returncode == 70
    assert (ws / "versions" / "v0002").is_dir() and Workspace.open(ws).head == "v0001"
    assert run_cli(_add(ws), capsys)[0] == 0
    assert sorted(p.name for p in (ws / "versions").iterdir()) == ["v0001", "v0002"]
    assert "Qwen3-235B-A22B" in set(load_dataset(ws)["releases"]["name"])


# -- the error boundary --------------------------------------------------------------------------
FAILURES = {
    "internal-error": (KeyError("boom"), 1, "internal error (KeyError: 'boom')"),
    "out-of-memory": (MemoryError(), 1, "ran out of memory"),
    "interrupted": (KeyboardInterrupt(), 130, "interrupted"),
    "read-only-file-system": (OSError(errno.EROFS, "Read-only file system", "/mnt/x"), 2, "'/mnt/x' is on a read-only file system"),
    "disk-full": (OSError(errno.ENOSPC, "No space left on device", "/mnt/x/history.jsonl"), 2, "the disk is full (writing '/mnt/x/history.jsonl')"),
    "permission": (PermissionError(errno.EACCES, "Permission denied", "/etc/shadow"), 2, "permission denied on '/etc/shadow'"),
    "huge-message": (ValueError("x" * 1_000_000), 2, "characters in all"),
}


@pytest.mark.parametrize("name", list(FAILURES))
def test_every_failure_is_one_message_with_its_exit_status(name, capsys, monkeypatch):
    error, expected_code, expected = FAILURES[name]

    def fail(args):
        raise error

    monkeypatch.setattr(cli, "cmd_data_check", fail)
    code, output = run_cli(["data", "check"], capsys)
    assert code == expected_code and expected in output and "Traceback" not in output, output
    assert output.startswith("effcompute data check: ") and len(output) < 2500


def test_debug_shows_the_traceback(capsys, monkeypatch):
    monkeypatch.setattr(cli, "cmd_data_check", lambda args: {}["boom"])
    code, output = run_cli(["data", "check", "--debug"], capsys)
    assert code == 1 and "Traceback" in output and "internal error (KeyError: 'boom')" in output
