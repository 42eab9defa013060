"""Shared pieces of the hostile-input catalogue: the case record, the folders a case runs against, snapshots.

Every case runs the CLI in-process against a fresh copy of one workspace
(``{ws}``), one plain data folder (``{data}``) and, where it needs one, one
mocked run file (``{run}``), all inside the case's own temporary folder, so
"nothing changed" can be checked byte for byte over the whole folder.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest
import yaml

from effcompute.cli import main
from effcompute.data.load import bundled_data_dir, read_csv
from effcompute.data.schema import TABLES

#: Real releases held back from the workspace so that cases can add them (figures from the bundled, cited data).
HELD_BACK = ("Qwen3-235B-A22B", "Llama-4-Maverick")
RELEASE_KEYS = {"releases": "name", "scores": "release", "mfu": "release", "costs": "release"}
#: Issue 15's classes of failure; 0 is "held already" (kept as regression cases).
CLASSES = {
    0: "held already", 1: "column order", 2: "overwriting files", 3: "control characters", 4: "half-written history",
    5: "infinite numbers", 6: "YAML/JSON bombs and nesting", 7: "duplicates under another spelling", 8: "dates not zero-padded",
    9: "implausible values", 10: "tracebacks instead of exit 2", 11: "misleading errors", 12: "lesser items",
}


@dataclass(frozen=True)
class Case:
    """One hostile input: what to run, what the output must name, and whether the folder must stay as it was."""

    cls: int
    id: str
    argv: tuple
    expect: tuple = ()
    code: int = 2
    doc: object = None  # written to {file} before the run (dict/list as YAML or JSON, str or bytes as is)
    suffix: str = ".yaml"
    setup: Callable | None = None  # setup(ctx): damage the workspace, write other files
    after: Callable | None = None  # after(ctx, output): checks of a case that is accepted
    unchanged: bool = True
    needs_run: bool = False
    env: dict = field(default_factory=dict)


def rows(table: str, names) -> list[dict]:
    """Rows of a bundled table for the given releases, empty cells left out."""
    df = read_csv(bundled_data_dir() / f"{table}.csv")
    return [{k: v for k, v in r.items() if isinstance(v, str)} for r in df[df[RELEASE_KEYS[table]].isin(names)].to_dict("records")]


def release(base: str = "Qwen3-235B-A22B", **changes) -> dict:
    """A held-back release's row with ``changes`` (a value None drops the field)."""
    row = {**rows("releases", [base])[0], **changes}
    return {k: v for k, v in row.items() if v is not None}


def flags(row: dict) -> tuple:
    """A release as add-release flags."""
    return tuple(f"--{k.replace('_', '-')}={v}" for k, v in row.items())


def add(*extra) -> tuple:
    """``add-release --data {ws} ... --no-refit``."""
    return ("add-release", "--data", "{ws}", *extra, "--no-refit")


def write_doc(path: Path, doc) -> None:
    if isinstance(doc, bytes):
        path.write_bytes(doc)
    elif isinstance(doc, str):
        path.write_text(doc, encoding="utf-8", newline="")
    elif path.suffix == ".json":
        path.write_text(json.dumps(doc), encoding="utf-8")
    elif path.suffix == ".csv":
        pd.DataFrame(doc).to_csv(path, index=False)
    else:
        path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def snapshot(root: Path) -> dict:
    """Every file's bytes hash and every folder and link under ``root``."""
    out = {}
    for p in sorted(root.rglob("*")):
        key = str(p.relative_to(root))
        out[key] = "link->" + str(p.readlink()) if p.is_symlink() else "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def edit_table(folder: Path, table: str, edit) -> None:
    """Rewrite ``folder/table.csv`` after ``edit(text) -> text``."""
    path = folder / f"{table}.csv"
    path.write_bytes(edit(path.read_bytes().decode("utf-8")).encode("utf-8"))


@dataclass
class Ctx:
    """The folders of one case."""

    tmp: Path
    ws: Path
    data: Path
    suffix: str = ".yaml"
    run_template: Path | None = None

    @property
    def file(self) -> Path:
        return self.tmp / f"new{self.suffix}"

    @property
    def run(self) -> Path:
        path = self.tmp / "run.nc"
        if not path.exists() and self.run_template is not None:
            shutil.copy(self.run_template, path)
        return path

    @property
    def head(self) -> Path:
        return self.ws / "versions" / (self.ws / "HEAD").read_text().strip()

    def fmt(self, text: str) -> str:
        names = {"ws": self.ws, "data": self.data, "file": self.file, "tmp": self.tmp, "bundled": bundled_data_dir()}
        if "{run}" in text:
            names["run"] = self.run
        return text.format(**{k: str(v) for k, v in names.items()})


def run_cli(argv: list[str], capsys) -> tuple[int, str]:
    """Exit status and everything printed (stdout then stderr) of ``effcompute ARGV``, in-process."""
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse refusals
        code = exc.code
    out, err = capsys.readouterr()
    return code, out + err


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> dict:
    """A source folder without the held-back releases, a workspace made from it, and a plain copy of it."""
    root = tmp_path_factory.mktemp("hostile_template")
    source = root / "data"
    source.mkdir()
    for table in TABLES:
        df = read_csv(bundled_data_dir() / f"{table}.csv")
        key = RELEASE_KEYS.get(table)
        if key:
            df = df[~df[key].isin(HELD_BACK)]
        df.to_csv(source / f"{table}.csv", index=False, lineterminator="\n")
    assert main(["init", str(root / "ws"), "--source", str(source)]) == 0
    return {"ws": root / "ws", "data": source}


@pytest.fixture(scope="session")
def run_template(tmp_path_factory) -> Path:
    """A trend run from a mocked fit (no MCMC)."""
    from mock_sampling import mock_fit

    from effcompute.inference.runs import fit_workflow as run_module

    out = tmp_path_factory.mktemp("hostile_run")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, seed=kw.get("seed", 1)))
        result = run_module.run_fit("trend", out_dir=out, quiet=True)
    return Path(result["path"])


@pytest.fixture
def ctx(tmp_path, template) -> Ctx:
    """Fresh copies of the template workspace and data folder in this case's own folder."""
    shutil.copytree(template["ws"], tmp_path / "ws", symlinks=True)
    shutil.copytree(template["data"], tmp_path / "data")
    return Ctx(tmp_path, tmp_path / "ws", tmp_path / "data")
