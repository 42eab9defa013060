"""Catalogue cases of classes 9-12 and of what held already: implausible values, tracebacks, misleading errors, lesser items."""

from __future__ import annotations

import fcntl
import os

import h5py
from hostile_cases_a import EPOCH_SMALL
from hostile_cases_b import COST, MFU, SCORE, _set, child
from hostile_support import Case, add, edit_table, flags, release

from effcompute.data.load import read_csv

CHECK = ("data", "check", "--data", "{data}")


def score(benchmark: str, value: float) -> dict:
    return child("scores", SCORE, benchmark=benchmark, score=value)


def cost(**changes) -> dict:
    return {"costs": [{**COST, "release": None, **changes}]}


C9 = [
    Case(9, "mmlu-as-a-fraction", add("{file}"), ("new.yaml", "field 'score'", "0.605", "below chance for MMLU (25)", "fraction"), doc=score("MMLU", 0.605)),
    Case(9, "hellaswag-as-a-fraction", add("{file}"), ("field 'score'", "0.8", "fraction"), doc=score("HellaSwag", 0.8)),
    Case(9, "winogrande-below-chance", add("{file}"), ("field 'score'", "45", "below chance for WinoGrande (50)"), doc=score("WinoGrande", 45)),
    Case(9, "gsm8k-below-one", add("{file}"), ("field 'score'", "0.5", "is below 1"), doc=score("GSM8K", 0.5)),
    Case(9, "cost-interval-inverted", add("{file}"), ("new.yaml", "field 'cost_low_usd'", "6000000", "exceeds cost_high_usd"), doc=cost(cost_low_usd=6e6, cost_high_usd=4e6)),
    Case(9, "cost-above-its-high", add("{file}"), ("field 'cost_usd'", "lies outside [cost_low_usd, cost_high_usd]"), doc=cost(cost_low_usd=1e6, cost_high_usd=4e6)),
    Case(9, "cost-below-its-low", add("{file}"), ("field 'cost_usd'", "lies outside"), doc=cost(cost_low_usd=6e6, cost_high_usd=9e6)),
    Case(9, "data-check-multiplier-interval-inverted", CHECK, ("matched_pairs.csv line 2 column 'multiplier_low'", "exceeds multiplier_high"), code=1,
         setup=lambda ctx: (_set(ctx, "matched_pairs", 0, "multiplier_low", "5"), _set(ctx, "matched_pairs", 0, "multiplier_high", "2"))),
    Case(9, "data-check-cost-interval-inverted", CHECK, ("costs.csv line 2 column 'cost_low_usd'", "exceeds cost_high_usd"), code=1,
         setup=lambda ctx: (_set(ctx, "costs", 0, "cost_low_usd", "9e6"), _set(ctx, "costs", 0, "cost_high_usd", "1e6"))),
    Case(9, "data-check-mmlu-fraction", CHECK, ("scores.csv line 2 column 'score'", "below chance"), code=1, setup=lambda ctx: _set(ctx, "scores", 0, "score", "0.7")),
    Case(9, "yaml-sexagesimal", add("{file}"), ("new.yaml", "field 'train_days'", "'1:30'", "is not a number"), doc="- {name: X, train_days: 1:30}\n"),
    Case(9, "yaml-leading-zero-is-decimal", add("{file}"), code=0, unchanged=False,
         doc="- " + "\n  ".join(f"{k}: {v}" if k == "n_chips" else f"{k}: {str(v)!r}" for k, v in release(n_chips="0100", notes=None).items()) + "\n",
         after=lambda ctx, out: float(read_csv(ctx.head / "releases.csv").set_index("name").loc["Qwen3-235B-A22B", "n_chips"]) == 100),
    Case(9, "yaml-hex", add("{file}"), ("field 'n_chips'", "'0x40'", "is not a number"), doc="- {name: X, n_chips: 0x40}\n"),
    Case(9, "yaml-underscores", add("{file}"), ("field 'params_total'", "'1_000_000_000'"), doc="- {name: X, params_total: 1_000_000_000}\n"),
    Case(9, "yaml-no-is-not-false", add("{file}"), ("field 'flop_basis'", "'no'"), doc="- {name: X, flop_basis: no}\n"),
    Case(9, "json-key-twice", add("{file}"), ("new.json", "key 'name' is given twice"), suffix=".json", doc='[{"name": "A", "name": "B"}]'),
    Case(9, "yaml-key-twice", add("{file}"), ("new.yaml", "line 2", "key 'org' is given twice (first on line 1)"), doc="- org: A\n  org: B\n"),
    Case(9, "train-days-too-many", add(*flags(release(train_days="5000"))), ("field 'train_days'", "5000", "outside 0.01 to 1000")),
    Case(9, "context-too-short", add(*flags(release(context_length="10"))), ("field 'context_length'", "10", "outside 64")),
    Case(9, "mfu-as-a-percentage", add(*flags(release(mfu="38.5"))), ("field 'mfu'", "38.5", "looks like a percentage")),
    Case(9, "params-in-billions", add(*flags(release(params_total="235", params_active="22"))), ("field 'params_total'", "value 235 is outside")),
    Case(9, "thousands-separators", add(*flags(release(gpu_hours="1,000,000"))), ("field 'gpu_hours'", "'1,000,000'", "is not a number")),
    Case(9, "units-in-a-cell", add(*flags(release(params_total="235B"))), ("field 'params_total'", "'235B'", "is not a number")),
    Case(9, "hfu-below-mfu", add("{file}"), ("field 'hfu'", "is below mfu"), doc=child("mfu", MFU, hfu=0.3)),
]


def _attr(name: str, value=None):
    """Edit (value given) or delete one attribute of the run file's posterior group."""
    def setup(ctx):
        with h5py.File(ctx.run, "r+") as f:
            attrs = f["posterior"].attrs
            if value is None:
                del attrs[f"effcompute_{name}"]
            else:
                attrs[f"effcompute_{name}"] = value
    return setup


RUN_CMDS = {"summary": ("summary", "{run}"), "export": ("export", "{run}", "--format", "md"), "report": ("report", "{run}", "--out", "{tmp}/rep"),
            "sensitivity": ("check", "sensitivity", "{run}"), "influence": ("check", "influence", "{run}")}
C10 = [
    Case(10, f"{cmd}-of-a-run-without-{attr}", RUN_CMDS[cmd], ("run.nc", f"effcompute_{attr}", "missing" if value is None else "is not"), needs_run=True, setup=_attr(attr, value))
    for cmd, attr, value in [
        ("summary", "convergence", None), ("export", "headline", "[]"), ("summary", "model", "banana"), ("report", "data_hash", None),
        ("summary", "seed", '"one"'), ("export", "as_of", '"soon"'), ("sensitivity", "convergence", '{"converged": "yes"}'), ("influence", "headline", None),
    ]
] + [
    Case(10, "summary-of-a-run-with-garbage-config", ("summary", "{run}"), ("run.nc", "effcompute_config is malformed"), needs_run=True, setup=_attr("config", "garbage")),
    Case(10, "export-of-a-run-with-a-list-config", ("export", "{run}", "--format", "csv"), ("run.nc", "effcompute_config is malformed"), needs_run=True, setup=_attr("config", "[]")),
    Case(10, "tension-with-a-damaged-run", ("tension", "{run}", "{run}"), ("run.nc", "effcompute_headline is missing"), needs_run=True, setup=_attr("headline")),
    Case(10, "add-release-data-is-a-file", ("add-release", "--data", "{tmp}/x.txt", "--name", "X", "--no-refit"), ("x.txt", "does not exist"),
         setup=lambda ctx: (ctx.tmp / "x.txt").write_text("x")),
    Case(10, "data-check-data-is-a-file", ("data", "check", "--data", "{tmp}/x.txt"), ("x.txt", "is a file, not a folder"), setup=lambda ctx: (ctx.tmp / "x.txt").write_text("x")),
    Case(10, "data-show-table-is-a-folder", ("data", "show", "releases", "--data", "{data}"), ("releases.csv", "is a folder"),
         setup=lambda ctx: ((ctx.data / "releases.csv").unlink(), (ctx.data / "releases.csv").mkdir())),
    Case(10, "init-source-is-a-file", ("init", "{tmp}/new_ws", "--source", "{tmp}/x.txt"), ("x.txt", "is a file, not a folder"), setup=lambda ctx: (ctx.tmp / "x.txt").write_text("x")),
    Case(10, "fit-on-a-damaged-workspace", ("fit", "--model", "trend", "--data", "{ws}"), ("HEAD", "is missing"), setup=lambda ctx: (ctx.ws / "HEAD").unlink()),
    Case(10, "debug-anywhere-shows-nothing-on-success", ("data", "check", "--debug", "--data", "{data}"), ("ok:",), code=0),
]


def _epoch(data: bytes):
    return lambda ctx: (ctx.tmp / "epoch.csv").write_bytes(data)


FROM_EPOCH = ("add-release", "--data", "{ws}", "--from-epoch", "{tmp}/epoch.csv", "--no-refit")


def _head(text: str):
    return lambda ctx: (ctx.ws / "HEAD").write_text(text)


C11 = [
    Case(11, "ragged-row-in-a-table", CHECK, ("releases.csv", "line 5", "has 24 fields, the header has 23"), code=1,
         setup=lambda ctx: edit_table(ctx.data, "releases", lambda t: "\n".join(l + ",x" if i == 4 else l for i, l in enumerate(t.split("\n"))))),
    Case(11, "short-row-in-a-table", CHECK, ("scores.csv", "line 3", "has 3 fields"), code=1,
         setup=lambda ctx: edit_table(ctx.data, "scores", lambda t: "\n".join("a,b,c" if i == 2 else l for i, l in enumerate(t.split("\n"))))),
    Case(11, "ragged-row-in-an-addition", add("{file}"), ("new.csv", "CSV line 2", "has 3 fields, the header has 2"), suffix=".csv", doc="name,org\nA,B,C\n"),
    Case(11, "epoch-random-bytes", FROM_EPOCH, ("epoch.csv", "not UTF-8"), setup=_epoch(os.urandom(2000) + b"\xff")),
    Case(11, "epoch-empty-file", FROM_EPOCH, ("epoch.csv", "is empty"), setup=_epoch(b"")),
    Case(11, "epoch-wrong-layout", FROM_EPOCH, ("epoch.csv", "is not an Epoch AI models CSV", "'Model'"),
         setup=lambda ctx: (ctx.tmp / "epoch.csv").write_bytes((ctx.data / "releases.csv").read_bytes())),
    Case(11, "epoch-header-only", FROM_EPOCH, ("epoch.csv", "has a header but no rows"), setup=_epoch(open(EPOCH_SMALL, "rb").readline())),
    Case(11, "epoch-ragged-row", FROM_EPOCH, ("epoch.csv", "line 2", "fields"), setup=_epoch(b"Model,Domain\nA,B,C\n")),
    Case(11, "import-epoch-random-text", ("data", "import-epoch", "{tmp}/epoch.csv", "--out", "{tmp}/out"), ("epoch.csv", "is not an Epoch AI models CSV"),
         setup=_epoch(b"hello world\n1,2\n".replace(b",2", b""))),
    Case(11, "data-check-table-is-a-folder", CHECK, ("releases.csv", "is a folder"), code=1,
         setup=lambda ctx: ((ctx.data / "releases.csv").unlink(), (ctx.data / "releases.csv").mkdir())),
    Case(11, "data-check-table-missing", CHECK, ("costs.csv", "file is missing"), code=1, setup=lambda ctx: (ctx.data / "costs.csv").unlink()),
    Case(11, "data-check-latin-1-table", CHECK, ("scores.csv line 3", "byte 0xe9 is not UTF-8"), code=1,
         setup=lambda ctx: edit_table(ctx.data, "scores", lambda t: t) or (ctx.data / "scores.csv").write_bytes(
             b"\n".join(l + b"\xe9" if i == 2 else l for i, l in enumerate((ctx.data / "scores.csv").read_bytes().split(b"\n"))))),
    Case(11, "head-missing", ("undo", "--data", "{ws}"), ("HEAD", "is missing"), setup=lambda ctx: (ctx.ws / "HEAD").unlink()),
    Case(11, "head-empty", ("undo", "--data", "{ws}"), ("HEAD", "holds ''", "not a version name"), setup=_head("")),
    Case(11, "head-outside-versions", add(*flags(release())), ("HEAD", "'../../etc'", "not a version name"), setup=_head("../../etc\n")),
    Case(11, "head-names-a-missing-version", ("history", "--data", "{ws}"), ("HEAD", "v0099", "not a folder of"), setup=_head("v0099\n")),
    Case(11, "marker-not-json", add(*flags(release())), ("workspace.json", "is not the JSON"), setup=lambda ctx: (ctx.ws / "workspace.json").write_text("{oops")),
    Case(11, "marker-a-list", ("history", "--data", "{ws}"), ("workspace.json", "format 'list'"), setup=lambda ctx: (ctx.ws / "workspace.json").write_text("[]")),
    Case(11, "blank-line-inside-a-table", CHECK, ("mfu.csv line 4", "is blank"), code=1,
         setup=lambda ctx: edit_table(ctx.data, "mfu", lambda t: "\n".join("" if i == 3 else l for i, l in enumerate(t.split("\n"))))),
    Case(11, "quote-left-open", CHECK, ("costs.csv", "not valid CSV"), code=1, setup=lambda ctx: edit_table(ctx.data, "costs", lambda t: t + '"open,quote\n')),
    Case(11, "data-folder-missing", ("data", "check", "--data", "{tmp}/nowhere"), ("nowhere", "does not exist")),
    Case(11, "undo-entry-without-previous", ("undo", "--data", "{ws}"), ("history.jsonl", "names no earlier version folder"),
         setup=lambda ctx: ((ctx.ws / "versions" / "v0002").mkdir(), (ctx.ws / "HEAD").write_text("v0002\n"),
                            (ctx.ws / "history.jsonl").write_text((ctx.ws / "history.jsonl").read_text() + '{"action": "add", "version": "v0002"}\n'))),
]


def _hold_lock(ctx):
    ctx.held = open(ctx.ws / ".lock", "r+")
    fcntl.flock(ctx.held, fcntl.LOCK_EX)
    ctx.held.write("pid 4242 on host (effcompute add-release big.yaml) since 2025-01-01T00:00:00+00:00\n")
    ctx.held.flush()


C12 = [
    Case(12, "name-too-long", add(*flags(release(name="Q" * 600))), ("field 'name'", "is 600 characters long; at most 500")),
    Case(12, "notes-too-long", add(*flags(release(notes="n" * 3000))), ("field 'notes'", "at most 2000")),
    Case(12, "formula-in-a-name", add(*flags(release(name="=cmd|' /C calc'!A0"))), ("field 'name'", "starts with '='", "formula")),
    Case(12, "formula-in-notes", add(*flags(release(notes="+SUM(A1:A9)"))), ("field 'notes'", "starts with '+'")),
    Case(12, "formula-in-a-source", add(*flags(release(source="@SUM(1)"))), ("field 'source'", "starts with '@'")),
    Case(12, "formula-in-an-org", add(*flags(release(org="-2+3"))), ("field 'org'", "starts with '-'")),
    Case(12, "data-check-formula-in-a-table", CHECK, ("costs.csv line 2 column 'estimator'", "'=1+1'", "formula"), code=1, setup=lambda ctx: _set(ctx, "costs", 0, "estimator", "=1+1")),
    Case(12, "stale-staging-cleaned", add(*flags(release())), code=0, unchanged=False,
         setup=lambda ctx: ((ctx.ws / "versions" / ".staging-v0002-99999").mkdir(), (ctx.ws / "versions" / ".staging-v0002-99999" / "releases.csv").write_text("half"),
                            (ctx.ws / ".HEAD.abc123.tmp").write_text("v00")),
         after=lambda ctx, out: not list((ctx.ws / "versions").glob(".staging-*")) and not list(ctx.ws.glob(".*.tmp"))),
    Case(12, "orphan-version-cleaned", add(*flags(release())), code=0, unchanged=False,
         setup=lambda ctx: ((ctx.ws / "versions" / "v0002").mkdir(), (ctx.ws / "versions" / "v0002" / "releases.csv").write_text("orphan")),
         after=lambda ctx, out: "Qwen3-235B-A22B" in (ctx.ws / "versions" / "v0002" / "releases.csv").read_text()),
    Case(12, "lock-wait-names-the-holder-and-times-out", add(*flags(release())), ("waiting up to 0.3 s", "gave up after 0.3 s", "held by pid 4242", ".lock"),
         env={"EFFCOMPUTE_LOCK_TIMEOUT": "0.3"}, setup=_hold_lock),
    Case(12, "init-onto-a-file", ("init", "{tmp}/x.txt"), ("x.txt", "exists and is not an empty folder"), setup=lambda ctx: (ctx.tmp / "x.txt").write_text("x")),
    Case(12, "init-after-a-killed-init", ("init", "{tmp}/new_ws"), ("workspace",), code=0, unchanged=False,
         setup=lambda ctx: (ctx.tmp / ".new_ws.init-999999").mkdir(), after=lambda ctx, out: not (ctx.tmp / ".new_ws.init-999999").exists() and (ctx.tmp / "new_ws" / "HEAD").is_file()),
    Case(12, "names-stored-trimmed", add(*flags(release(name="  Qwen3-235B-A22B  "))), code=0, unchanged=False,
         after=lambda ctx, out: "Qwen3-235B-A22B" in set(read_csv(ctx.head / "releases.csv")["name"]) and ",  Qwen3" not in (ctx.head / "releases.csv").read_text()),
]

C0 = [
    Case(0, "python-tag", add("{file}"), ("new.yaml", "python/object/apply:os.system"), doc="- !!python/object/apply:os.system ['echo hi']\n"),
    Case(0, "text-nan-in-csv", add("{file}"), ("new.csv", "field 'train_tokens'", "'NaN'", "not a finite number"), suffix=".csv", doc=[release(train_tokens="NaN")]),
    Case(0, "truncated-run-file", ("summary", "{run}"), ("run.nc", "not a readable netCDF"), needs_run=True,
         setup=lambda ctx: ctx.run.write_bytes(ctx.run.read_bytes()[: ctx.run.stat().st_size // 2])),
    Case(0, "foreign-file-as-run", ("export", "{run}", "--format", "csv"), ("run.nc", "not a readable netCDF"), needs_run=True, setup=lambda ctx: ctx.run.write_text("not netcdf")),
    Case(0, "dry-run-writes-nothing", add(*flags(release()), "--dry-run"), ("dry run: nothing written",), code=0),
    Case(0, "unknown-table", add("{file}"), ("new.yaml", "'benchmarks'"), doc={"benchmarks": []}),
    Case(0, "latin-1-file", add("{file}"), ("new.yaml", "byte 0xe8"), doc="name: Mod\xe8le\n".encode("latin-1")),
    Case(0, "empty-file", add("{file}"), ("new.yaml", "it is empty"), doc=b""),
    Case(0, "unknown-hardware-with-hint", add(*flags(release(hardware="H100", n_chips="1000"))), ("field 'hardware'", "'H100'", "closest known: H100-PCIe, H100-SXM")),
    Case(0, "score-above-100", add("{file}"), ("field 'score'", "187.8"), doc=score("MMLU", 187.8)),
    Case(0, "read-only-bundled-data-as-workspace", add(*flags(release()))[:2] + ("{bundled}",) + add(*flags(release()))[3:], ("not an effcompute workspace",)),
]

CASES = C9 + C10 + C11 + C12 + C0
