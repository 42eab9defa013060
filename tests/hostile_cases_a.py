"""Catalogue cases of classes 1-4: column order, overwriting files, control characters, half-written history."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hostile_support import Case, add, edit_table, flags, release

from effcompute.data.load import load_dataset

FIXTURES = Path(__file__).parent / "fixtures"
EPOCH_SMALL = str(FIXTURES / "epoch_models_small.csv")


def _reorder(path: Path, order) -> None:
    """Rewrite a CSV with its columns in ``order(header) -> header``."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    header = order(rows[0])
    index = [rows[0].index(h) for h in header]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[r[i] for i in index] for r in rows])
    path.write_text(out.getvalue(), encoding="utf-8")


def swap(a: str, b: str):
    return lambda h: [b if c == a else a if c == b else c for c in h]


def in_head(table: str, order):
    return lambda ctx: _reorder(ctx.head / f"{table}.csv", order)


def in_data(table: str, order):
    return lambda ctx: _reorder(ctx.data / f"{table}.csv", order)


def stored(name: str, **expected):
    """An ``after`` check: the workspace loads and the release holds the expected values (read by column name)."""
    def check(ctx, output):
        row = load_dataset(ctx.ws)["releases"].set_index("name").loc[name]
        for k, v in expected.items():
            assert row[k] == v, (k, row[k], v)
    return check


C1 = [
    Case(1, "swapped-days-hours-add-writes-by-header", add(*flags(release(train_days="50", gpu_hours="1000000"))), code=0, unchanged=False,
         setup=in_head("releases", swap("train_days", "gpu_hours")), after=stored("Qwen3-235B-A22B", train_days=50.0, gpu_hours=1e6)),
    Case(1, "swapped-url-location-add-still-loads", add(*flags(release())), code=0, unchanged=False,
         setup=in_head("releases", swap("source_url", "source_location")), after=stored("Qwen3-235B-A22B", source_url=release()["source_url"])),
    Case(1, "reversed-header-add-writes-by-header", add(*flags(release(n_chips="1000"))), code=0, unchanged=False,
         setup=in_head("releases", lambda h: h[::-1]), after=stored("Qwen3-235B-A22B", n_chips=1000.0, org="Alibaba")),
    Case(1, "reversed-scores-header-add", add("{file}"), code=0, unchanged=False, setup=in_head("scores", lambda h: h[::-1]),
         doc={"releases": [release()], "scores": [{"release": "Qwen3-235B-A22B", "benchmark": "MMLU", "shots": 5, "score": 87.8, "evaluator": "developer",
                                                    "source": "Qwen 2025, Qwen3 Technical Report", "source_url": "https://arxiv.org/abs/2505.09388", "source_location": "Table 3"}]}),
    Case(1, "data-check-swapped-columns-reads-by-name", ("data", "check", "--data", "{data}"), ("ok:",), code=0,
         setup=in_data("releases", swap("train_days", "gpu_hours"))),
    Case(1, "header-lacks-a-column", ("data", "check", "--data", "{data}"), ("mfu.csv line 1 column 'hfu'", "missing from the header"), code=1,
         setup=in_data("mfu", lambda h: [c for c in h if c != "hfu"])),
    Case(1, "header-has-an-extra-column", ("data", "check", "--data", "{data}"), ("costs.csv line 1", "'comment'", "not in the schema"), code=1,
         setup=lambda ctx: edit_table(ctx.data, "costs", lambda t: "\n".join([l + ",comment" if i == 0 else l + "," for i, l in enumerate(t.rstrip("\n").split("\n"))]) + "\n")),
    Case(1, "header-repeats-a-column", ("data", "check", "--data", "{data}"), ("hardware.csv line 1", "'vendor' appears twice"), code=1,
         setup=lambda ctx: edit_table(ctx.data, "hardware", lambda t: t.replace("hardware,vendor,", "hardware,vendor,", 1).replace(",notes\n", ",vendor\n", 1))),
    Case(1, "header-misspells-a-column", ("data", "check", "--data", "{data}"), ("releases.csv line 1", "'train_tokens'", "'train_tokns'"), code=1,
         setup=lambda ctx: edit_table(ctx.data, "releases", lambda t: t.replace("train_tokens", "train_tokns", 1))),
    Case(1, "header-column-without-a-name", ("data", "check", "--data", "{data}"), ("scores.csv", "line 1", "has no name"), code=1,
         setup=lambda ctx: edit_table(ctx.data, "scores", lambda t: t.replace(",notes\n", ",notes,\n", 1))),
    Case(1, "add-into-table-lacking-a-column", add(*flags(release())), ("releases.csv line 1 column 'mfu'", "missing from the header"),
         setup=in_head("releases", lambda h: [c for c in h if c != "mfu"])),
    Case(1, "additions-csv-in-another-order", add("{file}"), code=0, unchanged=False, suffix=".csv",
         doc=[dict(reversed(list(release(n_chips="2048").items())))], after=stored("Qwen3-235B-A22B", n_chips=2048.0)),
    Case(1, "additions-csv-unknown-column", add("{file}"), ("new.csv", "'paramz' is not a column of releases.csv"), suffix=".csv",
         doc=[{**release(), "paramz": "1"}]),
    Case(1, "crlf-table-appended-with-crlf", add(*flags(release())), code=0, unchanged=False,
         setup=lambda ctx: edit_table(ctx.head, "releases", lambda t: t.replace("\n", "\r\n")),
         after=lambda ctx, out: (ctx.head / "releases.csv").read_bytes().endswith(b"\r\n") and b"\r\r" not in (ctx.head / "releases.csv").read_bytes()
         and stored("Qwen3-235B-A22B", org="Alibaba")(ctx, out)),
    Case(1, "table-with-byte-order-mark", ("data", "check", "--data", "{data}"), ("ok:",), code=0,
         setup=lambda ctx: (ctx.data / "mfu.csv").write_bytes(b"\xef\xbb\xbf" + (ctx.data / "mfu.csv").read_bytes())),
]


def first_cell(text: str, cell: str) -> str:
    """A table's text with the first row's first cell replaced."""
    header, first, rest = text.split("\n", 2)
    return f"{header}\n{cell}{first[first.index(','):]}\n{rest}"


def _file(name: str, text: str = "keep me\n"):
    return lambda ctx: (ctx.tmp / name).write_text(text)


C2 = [
    Case(2, "export-onto-the-run-it-reads", ("export", "{run}", "--format", "csv", "--out", "{run}"), ("run.nc", "is the file this command reads"), needs_run=True),
    Case(2, "export-onto-the-run-other-spelling", ("export", "{run}", "--format", "md", "--out", "{tmp}/ws/../run.nc", "--force"), ("run.nc", "is the file this command reads"), needs_run=True),
    Case(2, "export-onto-a-link-to-the-run", ("export", "{run}", "--format", "json", "--out", "{tmp}/link.nc", "--force"), ("link.nc", "is the file this command reads"),
         needs_run=True, setup=lambda ctx: (ctx.tmp / "link.nc").symlink_to(ctx.run)),
    Case(2, "export-onto-an-existing-file", ("export", "{run}", "--format", "csv", "--out", "{tmp}/old.csv"), ("old.csv", "exists; pass --force"),
         needs_run=True, setup=_file("old.csv")),
    Case(2, "export-force-overwrites", ("export", "{run}", "--format", "csv", "--out", "{tmp}/old.csv", "--force"), code=0, unchanged=False, needs_run=True,
         setup=_file("old.csv"), after=lambda ctx, out: (ctx.tmp / "old.csv").read_text().startswith("quantity")),
    Case(2, "export-into-a-folder", ("export", "{run}", "--format", "csv", "--out", "{tmp}/ws"), ("ws", "is a folder where the output file goes"), needs_run=True),
    Case(2, "export-under-a-file", ("export", "{run}", "--format", "csv", "--out", "{tmp}/x.txt/out.csv"), ("x.txt", "is a file, so nothing can be written under it"),
         needs_run=True, setup=_file("x.txt")),
    Case(2, "export-into-a-missing-folder", ("export", "{run}", "--format", "csv", "--out", "{tmp}/nowhere/out.csv"), ("nowhere", "does not exist"), needs_run=True),
    Case(2, "report-into-a-file", ("report", "{run}", "--out", "{tmp}/x.txt", "--no-loo"), ("x.txt", "is a file where an output folder goes"), needs_run=True, setup=_file("x.txt")),
    Case(2, "fit-into-a-file", ("fit", "--model", "trend", "--out", "{tmp}/x.txt"), ("x.txt", "is a file where an output folder goes"), setup=_file("x.txt")),
    Case(2, "sbc-into-a-file", ("check", "sbc", "--model", "trend", "--sims", "1", "--out", "{tmp}/x.txt"), ("x.txt", "is a file where an output folder goes"), setup=_file("x.txt")),
    Case(2, "import-epoch-over-an-existing-table", ("data", "import-epoch", EPOCH_SMALL, "--out", "{data}"), ("releases.csv", "exists; pass --force")),
    Case(2, "import-epoch-into-the-bundled-data", ("data", "import-epoch", EPOCH_SMALL, "--out", "{bundled}", "--force"), ("bundled data folder", "read-only")),
    Case(2, "import-epoch-into-a-version-folder", ("data", "import-epoch", EPOCH_SMALL, "--out", "{ws}/versions/v0001", "--force"), ("versions", "name another folder")),
    Case(2, "import-epoch-onto-its-own-input", ("data", "import-epoch", "{tmp}/out/releases.csv", "--out", "{tmp}/out", "--force"), ("releases.csv", "is the file this command reads"),
         setup=lambda ctx: ((ctx.tmp / "out").mkdir(), (ctx.tmp / "out" / "releases.csv").write_bytes(Path(EPOCH_SMALL).read_bytes()))),
    Case(2, "import-epoch-into-a-file", ("data", "import-epoch", EPOCH_SMALL, "--out", "{tmp}/x.txt"), ("x.txt", "is a file where an output folder goes"), setup=_file("x.txt")),
]

CONTROLS = {"cr": "\r", "lf": "\n", "nul": "\x00", "tab": "\t", "esc": "\x1b", "del": "\x7f", "nel": "\x85", "csi": "\x9b", "line-sep": "\u2028", "para-sep": "\u2029"}
C3 = [
    Case(3, f"name-with-{k}-by-flags", add(*flags(release(name=f"Qwen3{c}235B"))), ("command-line flags", "field 'name'", f"U+{ord(c):04X}"))
    for k, c in CONTROLS.items()
] + [
    Case(3, "org-with-cr-in-yaml", add("{file}"), ("new.yaml", "field 'org'", "U+000D"), doc='- {name: X1, org: "Ali\\rbaba"}\n'),
    Case(3, "notes-with-lf-in-json", add("{file}"), ("new.json", "field 'notes'", "U+000A"), suffix=".json", doc=[release(notes="line one\nline two")]),
    Case(3, "line-break-in-a-csv-addition", add("{file}"), ("new.csv", "CSV line 2", "line break"), suffix=".csv", doc=[release(notes="two\nlines")]),
    Case(3, "bare-cr-in-a-table", ("data", "check", "--data", "{data}"), ("releases.csv", "line 4", "carriage return"), code=1,
         setup=lambda ctx: edit_table(ctx.data, "releases", lambda t: t.replace("GPT-3 175B,", "GPT-3\r175B,", 1))),
    Case(3, "quoted-line-break-in-a-table", ("data", "check", "--data", "{data}"), ("mfu.csv", "line 2", "line break"), code=1,
         setup=lambda ctx: edit_table(ctx.data, "mfu", lambda t: first_cell(t, '"two\nlines"'))),
    Case(3, "nul-in-a-table-cell", ("data", "check", "--data", "{data}"), ("hardware.csv line 2 column 'vendor'", "U+0000"), code=1,
         setup=lambda ctx: edit_table(ctx.data, "hardware", lambda t: t.replace(",NVIDIA,", ",NVI\x00DIA,", 1))),
    Case(3, "add-into-a-table-holding-a-cr", add(*flags(release())), ("releases.csv", "carriage return"),
         setup=lambda ctx: edit_table(ctx.head, "releases", lambda t: t.replace("GPT-3 175B,", '"GPT-3\r175B",', 1))),
]


def _history(text: str, mode: str = "a"):
    def setup(ctx):
        path = ctx.ws / "history.jsonl"
        path.write_text((path.read_text() if mode == "a" else "") + text, encoding="utf-8", newline="")
    return setup


CUT = '{"time": "2025-06-01T00:00:00+00:00", "action": "add", "version": "v00'
C4 = [
    Case(4, "cut-line-stops-add", add(*flags(release())), ("history.jsonl", "line 2", "not a complete history record", "--repair"), setup=_history(CUT)),
    Case(4, "cut-line-stops-undo", ("undo", "--data", "{ws}"), ("history.jsonl", "line 2", "--repair"), setup=_history(CUT)),
    Case(4, "cut-line-named-by-history", ("history", "--data", "{ws}"), ("history.jsonl", "line 2"), setup=_history(CUT)),
    Case(4, "repair-sets-the-cut-line-aside", ("history", "--data", "{ws}", "--repair"), ("history.jsonl.broken",), code=0, unchanged=False, setup=_history(CUT),
         after=lambda ctx, out: (ctx.ws / "history.jsonl.broken").read_text() == CUT + "\n" and len((ctx.ws / "history.jsonl").read_text().splitlines()) == 1),
    Case(4, "broken-middle-line-stops-add", add(*flags(release())), ("history.jsonl", "line 1", "by hand"), setup=_history('{"oops\n{"action": "init", "version": "v0001"}\n', "w")),
    Case(4, "broken-middle-line-not-repaired", ("history", "--data", "{ws}", "--repair"), ("history.jsonl", "line 1", "by hand"),
         setup=_history('{"oops\n{"action": "init", "version": "v0001"}\n', "w")),
    Case(4, "line-that-is-a-list", add(*flags(release())), ("history.jsonl", "line 2", "[1, 2]"), setup=_history("[1, 2]\n")),
    Case(4, "record-without-action", add(*flags(release())), ("history.jsonl", "line 2", "not a complete history record"), setup=_history('{"version": "v0001"}\n')),
    Case(4, "complete-last-line-without-newline", add(*flags(release())), code=0, unchanged=False,
         setup=lambda ctx: (ctx.ws / "history.jsonl").write_text((ctx.ws / "history.jsonl").read_text().rstrip("\n")),
         after=lambda ctx, out: [line[:1] for line in (ctx.ws / "history.jsonl").read_text().splitlines()] == ["{", "{"]),
    Case(4, "blank-lines-tolerated", add(*flags(release())), code=0, unchanged=False, setup=_history("\n\n")),
    Case(4, "history-missing", add(*flags(release())), ("history.jsonl", "is missing"), setup=lambda ctx: (ctx.ws / "history.jsonl").unlink()),
    Case(4, "history-is-a-folder", add(*flags(release())), ("history.jsonl", "is not a file"),
         setup=lambda ctx: ((ctx.ws / "history.jsonl").unlink(), (ctx.ws / "history.jsonl").mkdir())),
    Case(4, "megabyte-of-garbage-shown-short", ("history", "--data", "{ws}"), ("history.jsonl", "line 2"), setup=_history("x" * 1_000_000),
         after=lambda ctx, out: len(out) < 2000),
]

CASES = C1 + C2 + C3 + C4
