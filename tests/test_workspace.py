"""Workspace, add-release, undo: the round trip, the bad-input catalogue, crashes and concurrent writers."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from effcompute.cli import main
from effcompute.data.additions import AdditionError, read_additions
from effcompute.data.load import (
    bundled_data_dir,
    load_dataset,
    read_csv,
    resolve_data_dir,
)
from effcompute.data.schema import TABLES
from effcompute.data.workspace import CRASH_ENV, PAUSE_ENV, Workspace, WorkspaceError

#: Real releases held back from the workspace so that tests can add them (figures from the bundled, cited data).
HELD_BACK = ("Qwen3-235B-A22B", "Llama-4-Maverick")


def _rows(table: str, names) -> list[dict]:
    df = read_csv(bundled_data_dir() / f"{table}.csv")
    key = "name" if table == "releases" else "release"
    return [{k: v for k, v in r.items() if v is not None and not (isinstance(v, float) and pd.isna(v))} for r in df[df[key].isin(names)].to_dict("records")]


@pytest.fixture(scope="module")
def source_dir(tmp_path_factory) -> Path:
    """The bundled tables without the held-back releases (and their scores, MFU and cost rows)."""
    out = tmp_path_factory.mktemp("source")
    for table in TABLES:
        df = read_csv(bundled_data_dir() / f"{table}.csv")
        key = {"releases": "name", "scores": "release", "mfu": "release", "costs": "release"}.get(table)
        if key:
            df = df[~df[key].isin(HELD_BACK)]
        df.to_csv(out / f"{table}.csv", index=False, lineterminator="\n")
    return out


@pytest.fixture
def workspace(tmp_path, source_dir) -> Path:
    path = tmp_path / "ws"
    assert main(["init", str(path), "--source", str(source_dir)]) == 0
    return path


def release(base="Qwen3-235B-A22B", **changes) -> dict:
    """A held-back release's row, with ``changes`` applied."""
    row = _rows("releases", [base])[0]
    row.update(changes)
    return {k: v for k, v in row.items() if v is not None}


def write(tmp_path: Path, doc, suffix=".yaml") -> Path:
    path = tmp_path / f"new{suffix}"
    if isinstance(doc, bytes):
        path.write_bytes(doc)
    elif isinstance(doc, str):
        path.write_text(doc, encoding="utf-8")
    elif suffix == ".json":
        path.write_text(json.dumps(doc), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def snapshot(root: Path) -> dict:
    """Bytes hash of every file under the workspace."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


# -- the round trip --------------------------------------------------------
def test_init_makes_a_workspace_that_resolves_to_its_current_tables(workspace, source_dir):
    ws = Workspace.open(workspace)
    assert ws.head == "v0001" and (workspace / "runs").is_dir()
    assert resolve_data_dir(workspace) == workspace / "versions" / "v0001"
    for table in TABLES:
        assert (ws.data_dir / f"{table}.csv").read_bytes() == (source_dir / f"{table}.csv").read_bytes()
    assert ws.history()[0]["action"] == "init" and set(ws.history()[0]["tables"]) == set(TABLES)


def test_init_refuses_a_folder_with_files(tmp_path, capsys):
    (tmp_path / "x.txt").write_text("keep me")
    assert main(["init", str(tmp_path)]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert (tmp_path / "x.txt").read_text() == "keep me"


def test_writing_commands_need_a_workspace(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("EFFCOMPUTE_DATA", raising=False)
    f = write(tmp_path, {"releases": [release()]})
    assert main(["add-release", str(f), "--no-refit"]) == 2
    assert "effcompute init DIR" in capsys.readouterr().err
    assert main(["add-release", "--data", str(bundled_data_dir()), str(f), "--no-refit"]) == 2
    assert "not an effcompute workspace" in capsys.readouterr().err
    assert main(["undo", "--data", str(tmp_path)]) == 2


def test_add_then_undo_restores_the_tables_byte_for_byte(workspace, tmp_path, capsys):
    before = Workspace.open(workspace).table_hashes()
    doc = {"releases": [{**release(), "scores": _rows("scores", ["Qwen3-235B-A22B"])}]}
    for s in doc["releases"][0]["scores"]:
        s.pop("release")
    assert main(["add-release", "--data", str(workspace), str(write(tmp_path, doc)), "--no-refit"]) == 0
    ws = Workspace.open(workspace)
    data = load_dataset(workspace)
    assert "Qwen3-235B-A22B" in set(data["releases"]["name"])
    assert (data["scores"]["release"] == "Qwen3-235B-A22B").sum() == len(_rows("scores", ["Qwen3-235B-A22B"]))
    last = ws.history()[-1]
    assert last["action"] == "add" and last["added"]["releases"] == ["Qwen3-235B-A22B"]
    assert last["tables"] == ws.table_hashes() and last["tables"]["releases"] != before["releases"]
    assert last["tables"]["hardware"] == before["hardware"]
    assert main(["undo", "--data", str(workspace)]) == 0
    assert Workspace.open(workspace).table_hashes() == before
    assert main(["undo", "--data", str(workspace)]) == 2
    assert "nothing to undo" in capsys.readouterr().err


def test_dry_run_writes_nothing(workspace, tmp_path):
    before = snapshot(workspace)
    assert main(["add-release", "--data", str(workspace), str(write(tmp_path, [release()])), "--dry-run"]) == 0
    assert snapshot(workspace) == before


def test_the_existing_rows_keep_their_bytes(workspace, tmp_path):
    old = (Workspace.open(workspace).data_dir / "releases.csv").read_bytes()
    assert main(["add-release", "--data", str(workspace), str(write(tmp_path, [release()])), "--no-refit"]) == 0
    new = (Workspace.open(workspace).data_dir / "releases.csv").read_bytes()
    assert new.startswith(old) and new.count(b"\n") > old.count(b"\n")


def test_flags_json_and_csv_inputs(workspace, tmp_path):
    r = release("Llama-4-Maverick")
    flags = [f"--{k.replace('_', '-')}={v}" for k, v in r.items()]
    assert main(["add-release", "--data", str(workspace), "--no-refit", *flags]) == 0
    assert main(["undo", "--data", str(workspace)]) == 0
    assert main(["add-release", "--data", str(workspace), str(write(tmp_path, {"releases": [r]}, ".json")), "--no-refit"]) == 0
    assert main(["undo", "--data", str(workspace)]) == 0
    csv = tmp_path / "new.csv"
    pd.DataFrame([r]).to_csv(csv, index=False)
    assert main(["add-release", "--data", str(workspace), str(csv), "--no-refit"]) == 0
    assert "Llama-4-Maverick" in set(load_dataset(workspace)["releases"]["name"])


def test_environment_variable_names_the_workspace(workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("EFFCOMPUTE_DATA", str(workspace))
    assert main(["add-release", str(write(tmp_path, [release()])), "--no-refit"]) == 0
    assert "Qwen3-235B-A22B" in set(load_dataset()["releases"]["name"])


# -- the bad-input catalogue ------------------------------------------------
NAME = "Qwen3-235B-A22B"
CATALOGUE = [
    ("empty file", b"", ".yaml", "it is empty"),
    ("only whitespace", b"  \n\n  ", ".yaml", "it is empty"),
    ("not YAML at all", b"releases: [unclosed\n  - {a: b\n", ".yaml", "YAML syntax"),
    ("binary junk", bytes(range(256)), ".yaml", "not UTF-8"),
    ("latin-1 encoding", "name: Mod\xe8le\n".encode("latin-1"), ".yaml", "byte 0xe8"),
    ("broken JSON", b'{"releases": [', ".json", "JSON syntax"),
    ("unsupported suffix", b"name: x", ".txt", "'.txt'"),
    ("top level is a number", b"42\n", ".yaml", "value of type int"),
    ("unknown table", {"benchmarks": []}, ".yaml", "'benchmarks'"),
    ("no rows", {"releases": []}, ".yaml", "no rows to add"),
    ("row is not a mapping", {"releases": ["just text"]}, ".yaml", "'just text'"),
    ("misspelt field", [{**release(), "release_dte": "2025-04-29"}], ".yaml", "'release_dte' is not a column of releases.csv (did you mean 'release_date'?)"),
    ("missing required field", [{k: v for k, v in release().items() if k != "org"}], ".yaml", "'org'"),
    ("text where a number goes", [release(params_total="two hundred billion")], ".yaml", "'two hundred billion'"),
    ("true/false where a number goes", [release(params_total=True)], ".yaml", "field 'params_total': value True"),
    ("negative parameters", [release(params_total=-2.35e11)], ".yaml", "'params_total'"),
    ("params in billions", [release(params_total=235, params_active=22)], ".yaml", "field 'params_total': value 235 is outside"),
    ("FLOP far too small (wrong unit)", [release(train_flop=3e11)], ".yaml", "field 'train_flop': value 300000000000.0"),
    ("huge FLOP", [release(train_flop=1e300)], ".yaml", "field 'train_flop': value 1e+300 is outside"),
    ("NaN", f"- name: {NAME}\n  params_total: .nan\n".encode(), ".yaml", "value nan is not a finite number"),
    ("infinity", f"- name: {NAME}\n  train_flop: .inf\n".encode(), ".yaml", "value inf is not a finite number"),
    ("NaN as text in CSV", None, ".csv", "value 'NaN' is not a finite number"),
    ("MFU as a percentage", [release(mfu=38.5)], ".yaml", "field 'mfu': value 38.5 looks like a percentage"),
    ("date in the future", [release(release_date="2031-01-01")], ".yaml", "'2031-01-01'"),
    ("date not a date", [release(release_date="2025/13/45")], ".yaml", "'2025/13/45'"),
    ("already in the data", [release(name="GPT-3 175B")], ".yaml", "value 'GPT-3 175B' is already in the data"),
    ("same org, date and size under another name", None, ".yaml", "looks like a duplicate of"),
    ("twice in one file", [release(), release()], ".yaml", f"value {NAME!r} repeats entry 1"),
    ("unknown hardware", [release(hardware="H100", n_chips=1000)], ".yaml", "value 'H100' is not a known key of hardware.csv; closest known: H100-PCIe, H100-SXM"),
    ("score for an unknown release", {"scores": [{**_rows("scores", [NAME])[0], "release": "Qwen9"}]}, ".yaml", "value 'Qwen9' is not a known key of releases.csv"),
    ("score above 100", {"releases": [release()], "scores": [{**_rows("scores", [NAME])[0], "score": 187.8}]}, ".yaml", "value 187.8"),
    ("active above total parameters", [release(params_active=3e12)], ".yaml", "field 'params_active'"),
    ("unknown flop basis", [release(flop_basis="guess")], ".yaml", "'guess'"),
    ("URL that is not a URL", [release(source_url="see the paper")], ".yaml", "'see the paper'"),
]


@pytest.mark.parametrize("case", CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_bad_input_is_refused_and_nothing_changes(case, workspace, tmp_path, capsys):
    label, doc, suffix, expected = case
    if label == "NaN as text in CSV":
        row = release(train_tokens="NaN")
        path = tmp_path / "new.csv"
        pd.DataFrame([row]).to_csv(path, index=False)
    elif label == "same org, date and size under another name":
        existing = read_csv(Workspace.open(workspace).data_dir / "releases.csv").iloc[-1]
        path = write(tmp_path, [release(name="A renamed copy", org=existing["org"], release_date=existing["release_date"], params_total=existing["params_total"], params_active=existing["params_active"] or existing["params_total"])], suffix)
    else:
        path = write(tmp_path, doc, suffix)
    before = snapshot(workspace)
    assert main(["add-release", "--data", str(workspace), str(path), "--no-refit"]) == 2
    err = capsys.readouterr().err
    assert expected in err, err
    assert "nothing was written" in err or "problem" in err or "effcompute add-release:" in err
    assert snapshot(workspace) == before


def test_catalogue_is_big_enough():
    assert len(CATALOGUE) >= 25


def test_reader_errors_name_the_field_and_value(tmp_path):
    with pytest.raises(AdditionError, match=r"releases entry 1 field 'params_total': value True"):
        read_additions(write(tmp_path, [release(params_total=True)]))


# -- crashes and concurrent writers -------------------------------------------
def _cli(args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "effcompute.cli", *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=300)


@pytest.mark.parametrize("point", ["staged", "logged"])
def test_a_process_killed_mid_write_leaves_the_tables_unchanged(point, workspace, tmp_path):
    ws = Workspace.open(workspace)
    before = ws.table_hashes()
    r = _cli(["add-release", "--data", str(workspace), str(write(tmp_path, [release()])), "--no-refit"], env={CRASH_ENV: point})
    assert r.returncode == 70, r.stderr
    assert ws.head == "v0001" and ws.table_hashes() == before
    load_dataset(workspace)  # readable
    # and the next write works, and undo follows HEAD (not the orphaned history line)
    assert _cli(["add-release", "--data", str(workspace), str(write(tmp_path, [release()])), "--no-refit"]).returncode == 0
    assert "Qwen3-235B-A22B" in set(load_dataset(workspace)["releases"]["name"])
    assert _cli(["undo", "--data", str(workspace)]).returncode == 0
    assert ws.table_hashes() == before


def test_two_concurrent_additions_both_land(workspace, tmp_path):
    a = tmp_path / "a"
    b = tmp_path / "b"
    a.mkdir()
    b.mkdir()
    env = {PAUSE_ENV: "1.5"}
    args = lambda f: [sys.executable, "-m", "effcompute.cli", "add-release", "--data", str(workspace), str(f), "--no-refit"]  # noqa: E731
    procs = [
        subprocess.Popen(args(write(a, [release("Qwen3-235B-A22B")])), env={**os.environ, **env}, stderr=subprocess.PIPE, text=True),
        subprocess.Popen(args(write(b, [release("Llama-4-Maverick")])), env={**os.environ, **env}, stderr=subprocess.PIPE, text=True),
    ]
    for p in procs:
        p.wait(timeout=300)
        assert p.returncode == 0, p.stderr.read()
    names = set(load_dataset(workspace)["releases"]["name"])
    assert {"Qwen3-235B-A22B", "Llama-4-Maverick"} <= names
    adds = [e for e in Workspace.open(workspace).history() if e["action"] == "add"]
    assert len(adds) == 2 and adds[1]["previous"] == adds[0]["version"]


def test_open_rejects_a_plain_folder(tmp_path):
    with pytest.raises(WorkspaceError, match="effcompute init"):
        Workspace.open(tmp_path)


def test_add_release_refits_and_reports_what_moved(workspace, tmp_path, capsys, monkeypatch):
    """The whole CLI round trip with mocked sampling: init -> add-release -> what moved -> undo."""
    from mock_sampling import mock_fit

    from effcompute.inference.runs import fit_workflow as run_module

    monkeypatch.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, draws=100, chains=2, seed=kw.get("seed", 1)))
    doc = {"releases": [release()], "scores": _rows("scores", [NAME])}
    assert main(["add-release", "--data", str(workspace), str(write(tmp_path, doc)), "--model", "trend"]) == 0
    out = capsys.readouterr().out
    assert "What moved (trend model, exact refit" in out
    assert f"{NAME}: MMLU@5 score: observed" in out and "percentile" in out
    assert "Approximate update" in out and "Pareto k" in out
    ws = Workspace.open(workspace)
    from effcompute.inference.updating.refit import find_run

    assert find_run(ws.runs_dir / "v0001", "trend", 1) and find_run(ws.runs_dir / "v0002", "trend", 1)
    assert main(["undo", "--data", str(workspace)]) == 0
    assert ws.head == "v0001" and "undid add" in capsys.readouterr().out
    # the next addition reuses the run on v0001 instead of fitting it again
    assert main(["add-release", "--data", str(workspace), str(write(tmp_path, doc)), "--model", "trend", "--approximate-only", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert "fit_before_s" not in result["refit"]["timings"] and result["refit"]["after"]["approximate"] is True


def test_init_before_a_date_and_adding_back_restores_the_data(tmp_path):
    """Replaying an update: a workspace cut at a date, plus the split-off rows, holds the bundled data again."""
    from effcompute.data.additions import additions_yaml
    from effcompute.data.transactions import split_at

    ws_path = tmp_path / "ws"
    assert main(["init", str(ws_path), "--before", "2025-01-01"]) == 0
    _, later = split_at(None, "2025-01-01")
    assert sorted(later.release_names()) == sorted(["OLMo-2-32B", "Gemma-3-27B", "Llama-4-Maverick", "Qwen3-235B-A22B"])
    assert "Qwen3-235B-A22B" not in set(load_dataset(ws_path)["releases"]["name"])
    f = tmp_path / "later.yaml"
    f.write_text(additions_yaml(later), encoding="utf-8")
    assert main(["add-release", "--data", str(ws_path), str(f), "--no-refit"]) == 0
    grown, bundled = load_dataset(ws_path), load_dataset()
    for table in TABLES:
        key = {"releases": ["name"], "scores": ["release", "benchmark", "shots", "evaluator"]}.get(table, list(bundled[table].columns[:1]))
        a = grown[table].sort_values(key).reset_index(drop=True)
        b = bundled[table].sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_from_epoch_adds_only_what_the_workspace_lacks_in_one_transaction(tmp_path, reference_dir, capsys):
    """Epoch's snapshot from 2025-01-01: strict mode refuses all, --skip-invalid lists and leaves out the failing rows."""
    epoch_file = reference_dir / "all_ai_models_until_2025-03-31.csv"
    if not epoch_file.is_file():
        pytest.skip(f"{epoch_file} not present")
    ws_path = tmp_path / "ws"
    assert main(["init", str(ws_path), "--before", "2025-01-01"]) == 0
    before = snapshot(ws_path)
    args = ["add-release", "--data", str(ws_path), "--from-epoch", str(epoch_file), "--since", "2025-01-01", "--no-refit"]
    assert main(args) == 2  # one failing row stops them all
    assert snapshot(ws_path) == before
    capsys.readouterr()
    assert main([*args, "--skip-invalid"]) == 0
    err = capsys.readouterr().err
    assert "skipped EXAONE Deep 32B" in err
    added = Workspace.open(ws_path).history()[-1]["added"]["releases"]
    assert "DeepSeek-R1" in added and "EXAONE Deep 32B" not in added
    # the second time nothing is new: every release is recognised as already there
    assert main([*args, "--skip-invalid"]) == 0
    assert "0 release(s) to add" in capsys.readouterr().err
