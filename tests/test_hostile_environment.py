"""Hostile environments: a full disk (a small tmpfs, and injected ENOSPC at every fsync), files this user may not
write (a non-root user), a lock held by another process, killed writers, and failures the CLI must not show as tracebacks.

Each refusal leaves every byte of the workspace as it was and no orphan folder
or temp file. The tmpfs and non-root cases need root; they skip with the reason otherwise.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hostile_support import flags, release, run_cli, snapshot, template  # noqa: F401  (fixture)

from effcompute.data.load import load_dataset
from effcompute.data.workspace import CRASH_ENV, Workspace

ADD = ["add-release", "--no-refit", *flags(release())]
PAGE = 4096


def _add(ws: Path) -> list[str]:
    return [ADD[0], "--data", str(ws), *ADD[1:]]


def _consistent(ws: Path) -> None:
    """HEAD names a complete, logged version; nothing half-made is left."""
    w = Workspace.open(ws)
    assert w.head in {e["version"] for e in w.history()}
    assert not list((ws / "versions").glob(".staging-*")) and not list(ws.glob(".*.tmp"))
    load_dataset(ws)


# -- a full disk: a small tmpfs ------------------------------------------------------
@pytest.fixture(scope="module")
def tmpfs():
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = Path(tempfile.mkdtemp(prefix="effcompute_full_disk_"))
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True, text=True)
    if proc.returncode != 0:
        mount.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)
    mount.rmdir()


@pytest.fixture
def disk(tmpfs, template):
    """A workspace alone on the small disk; ``fill(pages)`` leaves that many pages free."""
    shutil.copytree(template["ws"], tmpfs / "ws")
    filler = tmpfs / "filler"

    def fill(pages: int) -> None:
        with open(filler, "wb", buffering=0) as fh:
            try:
                while True:
                    fh.write(b"\0" * PAGE)
            except OSError as err:
                assert err.errno == errno.ENOSPC
        os.truncate(filler, max(0, filler.stat().st_size - pages * PAGE))

    yield tmpfs / "ws", fill
    shutil.rmtree(tmpfs / "ws", ignore_errors=True)
    filler.unlink(missing_ok=True)
    for extra in tmpfs.iterdir():
        shutil.rmtree(extra, ignore_errors=True) if extra.is_dir() else extra.unlink()


def _version_pages(ws: Path) -> int:
    return sum(-(-p.stat().st_size // PAGE) for p in (ws / "versions" / "v0001").glob("*.csv"))


@pytest.mark.parametrize("margin", [-60, -2, -1, 0, 1, 2, 3, 4])
def test_add_release_on_a_full_disk_leaves_the_workspace_intact(disk, capsys, margin):
    ws, fill = disk
    fill(max(0, _version_pages(ws) + margin))
    before = snapshot(ws)
    code, output = run_cli(_add(ws), capsys)
    assert "Traceback" not in output
    if code == 0:  # enough room after all: the addition is whole
        assert Workspace.open(ws).head == "v0002"
    else:
        assert code == 2 and "the disk is full" in output and "nothing was changed" in output, output
        assert snapshot(ws) == before
    _consistent(ws)


def test_undo_on_a_full_disk_changes_nothing(disk, capsys):
    ws, fill = disk
    assert run_cli(_add(ws), capsys)[0] == 0
    fill(0)
    before = snapshot(ws)
    code, output = run_cli(["undo", "--data", str(ws)], capsys)
    if code != 0:
        assert code == 2 and "the disk is full" in output and snapshot(ws) == before
    _consistent(ws)


def test_init_on_a_full_disk_leaves_no_half_made_folder(disk, capsys):
    ws, fill = disk
    fill(10)
    code, output = run_cli(["init", str(ws.parent / "new_ws")], capsys)
    assert code == 2 and "the disk is full" in output and "Traceback" not in output
    assert not [p.name for p in ws.parent.iterdir() if "new_ws" in p.name]


def test_import_epoch_onto_a_full_disk_leaves_no_folder(disk, capsys):
    ws, fill = disk
    fill(0)
    code, output = run_cli(["data", "import-epoch", str(Path(__file__).parent / "fixtures" / "epoch_models_small.csv"), "--out", str(ws.parent / "imp" / "sub")], capsys)
    assert code == 2 and "the disk is full" in output and "Traceback" not in output
    assert not (ws.parent / "imp").exists()


# -- a full disk: ENOSPC injected at each fsync in turn ------------------------------------
def _fsyncs_of_one_add(ctx_ws: Path, capsys, monkeypatch) -> int:
    calls = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append(fd), real(fd))[1])
    assert run_cli(_add(ctx_ws), capsys)[0] == 0
    monkeypatch.setattr(os, "fsync", real)
    return len(calls)


@pytest.mark.parametrize("nth", range(1, 12))
def test_enospc_at_every_fsync_of_a_commit(nth, template, tmp_path, capsys, monkeypatch):
    probe = tmp_path / "probe"
    shutil.copytree(template["ws"], probe)
    total = _fsyncs_of_one_add(probe, capsys, monkeypatch)
    if nth > total:
        pytest.skip(f"a commit makes {total} fsync calls")
    ws = tmp_path / "ws"
    shutil.copytree(template["ws"], ws)
    before = snapshot(ws)
    real, seen = os.fsync, []

    def failing(fd):
        seen.append(fd)
        if len(seen) == nth:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd)

    monkeypatch.setattr(os, "fsync", failing)
    code, output = run_cli(_add(ws), capsys)
    monkeypatch.setattr(os, "fsync", real)
    assert "Traceback" not in output
    if code == 0:  # the failing fsync came after HEAD moved (making the directory durable): the change is whole
        assert Workspace.open(ws).head == "v0002"
    else:
        assert code == 2 and "the disk is full" in output, output
        assert snapshot(ws) == before
    _consistent(ws)


def test_a_short_write_of_a_history_line_is_taken_back(tmp_path, monkeypatch):
    from effcompute.data import io as dio

    log = tmp_path / "history.jsonl"
    log.write_text('{"action": "init", "version": "v0001"}\n')
    real = os.write

    def half(fd, data):
        real(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", half)
    with pytest.raises(OSError):
        dio.append_line(log, '{"action": "add", "version": "v0002"}')
    monkeypatch.setattr(os, "write", real)
    assert log.read_text() == '{"action": "init", "version": "v0001"}\n'
