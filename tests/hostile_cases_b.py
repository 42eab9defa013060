"""Catalogue cases of classes 5-8: infinite numbers, YAML/JSON bombs and nesting, duplicates under another spelling, dates."""

from __future__ import annotations

import json

from hostile_support import Case, add, edit_table, flags, release

from effcompute.data.load import load_dataset, read_csv

SCORE = {"release": "Qwen3-235B-A22B", "benchmark": "MMLU", "shots": 5, "score": 87.8, "evaluator": "developer",
         "source": "Qwen 2025, Qwen3 Technical Report", "source_url": "https://arxiv.org/abs/2505.09388", "source_location": "Table 3"}
MFU = {"run": "Qwen3 pretraining", "release": "Qwen3-235B-A22B", "date": "2025-04-29", "hardware": "H100-SXM", "n_chips": 4096, "mfu": 0.4,
       "params_total": 2.35e11, "params_active": 2.2e10, "context_length": 4096, "source": "Test 2025, A test", "source_url": "https://example.com", "source_location": "Table 1"}
COST = {"cost_id": "qwen3_test", "release": "Qwen3-235B-A22B", "cost_usd": 5e6, "what_counted": "final_run_cloud", "dollar_year": 2025,
        "estimator": "test", "source": "Test 2025, A test", "source_url": "https://example.com", "source_location": "Table 1"}
RELEASE_NUMBERS = ("params_total", "params_active", "train_tokens", "train_flop", "n_chips", "train_days", "gpu_hours", "mfu", "context_length", "cost_usd")
HUGE = ("1e400", "1e999", "-1e400", "9" * 400 + ".0")


def child(table: str, row: dict, **changes) -> dict:
    return {"releases": [release()], table: [{**row, **changes}]}


def in_data(table: str, old: str, new: str):
    return lambda ctx: edit_table(ctx.data, table, lambda t: t.replace(old, new, 1))


C5 = [
    Case(5, f"release-{col}-{HUGE[i % 4][:6]}", add(*flags(release(**{col: HUGE[i % 4]}))), ("command-line flags", f"field {col!r}", HUGE[i % 4][:20], "not a finite number"))
    for i, col in enumerate(RELEASE_NUMBERS)
] + [
    Case(5, f"score-{col}-1e400", add("{file}"), ("new.yaml", f"field {col!r}", "1e400", "not a finite number"), doc=f"releases: []\nscores:\n- {{release: X, {col}: 1e400}}\n")
    for col in ("score", "shots")
] + [
    Case(5, f"mfu-{col}-1e999", add("{file}"), ("new.json", f"field {col!r}", "1e999", "not a finite number"), suffix=".json",
         doc='{"mfu": [{"run": "r", "%s": 1e999}]}' % col)
    for col in ("mfu", "hfu", "n_chips", "params_total", "context_length")
] + [
    Case(5, f"cost-{col}-1e400", add("{file}"), ("new.yaml", f"field {col!r}", "1e400", "not a finite number"), doc=f"costs:\n- {{cost_id: c, {col}: 1e400}}\n")
    for col in ("cost_usd", "cost_low_usd", "cost_high_usd", "gpu_hours", "price_per_chip_hour_usd", "dollar_year")
] + [
    Case(5, "csv-addition-1e400", add("{file}"), ("new.csv", "field 'train_tokens'", "1e400"), suffix=".csv", doc=[release(train_tokens="1e400")]),
    Case(5, "data-check-train-flop-1e400", ("data", "check", "--data", "{data}"), ("releases.csv line 4 column 'train_flop'", "'1e400'", "not a finite number"), code=1,
         setup=in_data("releases", "3e11,3.14e23,", "3e11,1e400,")),
    Case(5, "data-check-peak-1e999", ("data", "check", "--data", "{data}"), ("hardware.csv line 2 column 'peak_bf16_flops'", "'1e999'"), code=1,
         setup=lambda ctx: _set(ctx, "hardware", 0, "peak_bf16_flops", "1e999")),
    Case(5, "data-check-multiplier-inf", ("data", "check", "--data", "{data}"), ("matched_pairs.csv", "column 'compute_multiplier'", "'inf'", "not a finite number"), code=1,
         setup=lambda ctx: _set(ctx, "matched_pairs", 0, "compute_multiplier", "inf")),
    Case(5, "data-check-cost-Infinity", ("data", "check", "--data", "{data}"), ("costs.csv line 2 column 'cost_usd'", "'Infinity'"), code=1,
         setup=lambda ctx: _set(ctx, "costs", 0, "cost_usd", "Infinity")),
    Case(5, "data-check-text-nan-is-not-empty", ("data", "check", "--data", "{data}"), ("scores.csv line 2 column 'score'", "'NaN'"), code=1,
         setup=lambda ctx: _set(ctx, "scores", 0, "score", "NaN")),
]


def _set(ctx, table: str, row: int, column: str, value: str) -> None:
    """Set one cell of a data-folder table (re-written with the csv module, the other cells as they were)."""
    import csv
    import io

    path = ctx.data / f"{table}.csv"
    records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    records[row + 1][records[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(records)
    path.write_text(out.getvalue(), encoding="utf-8")


LAUGHS = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n" for p, c in zip("abcdefgh", "bcdefghi")) + "releases: *i\n"
C6 = [
    Case(6, "billion-laughs", add("{file}"), ("new.yaml", "line 2", "alias *a refused"), doc=LAUGHS, after=lambda ctx, out: len(out) < 1000),
    Case(6, "small-bomb-of-506-bytes", add("{file}"), ("new.yaml", "alias", "refused"), doc=LAUGHS.replace("x,x,x,x,x,x,x,x,x", "lol" + ",lol" * 30)[:506]),
    Case(6, "scalar-alias", add("{file}"), ("new.yaml", "alias *o"), doc="- {name: X, org: &o Alibaba}\n- {name: Y, org: *o}\n"),
    Case(6, "merge-key", add("{file}"), ("new.yaml", "alias *base"), doc="base: &base {org: Alibaba}\nreleases:\n- {<<: *base, name: X}\n"),
    Case(6, "recursive-alias", add("{file}"), ("new.yaml", "alias *r"), doc="releases: &r [*r]\n"),
    Case(6, "yaml-flow-nesting", add("{file}"), ("new.yaml", "nested deeper than 20"), doc="releases: " + "[" * 10000 + "]" * 10000 + "\n"),
    Case(6, "yaml-block-nesting", add("{file}"), ("new.yaml", "nested deeper than 20"), doc="".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "x: 1\n"),
    Case(6, "json-array-nesting", add("{file}"), ("new.json", "nested deeper than 20"), suffix=".json", doc="[" * 100000 + "]" * 100000),
    Case(6, "json-object-nesting", add("{file}"), ("new.json", "nested deeper than 20"), suffix=".json", doc='{"a": ' * 50 + "1" + "}" * 50),
    Case(6, "brackets-inside-a-string-are-not-nesting", add("{file}"), code=0, unchanged=False, suffix=".json",
         doc=[release(name="Qwen3 " + "[" * 100)], after=lambda ctx, out: "nested" not in out),
    Case(6, "file-over-the-size-limit", add("{file}"), ("new.yaml", "over the 5,000,000-byte limit"), doc="# " + "x" * 5_100_000 + "\n"),
    Case(6, "megabyte-name-shown-short", add("{file}"), ("new.yaml", "field 'name'", "characters long; at most 500"), doc=[release(name="Q" * 1_000_000)],
         after=lambda ctx, out: len(out) < 3000),
    Case(6, "several-yaml-documents", add("{file}"), ("new.yaml", "YAML syntax"), doc="- {name: X}\n---\n- {name: Y}\n"),
    Case(6, "binary-tag", add("{file}"), ("new.yaml", "field 'name'", "bytes"), doc="- {name: !!binary aGVsbG8=}\n"),
    Case(6, "set-tag", add("{file}"), ("new.yaml", "field 'org'", "set"), doc="- {name: X, org: !!set {a, b}}\n"),
    Case(6, "long-integer-literal", add("{file}"), ("new.yaml", "field 'params_total'", "not a finite number"), doc="- {name: X, params_total: " + "9" * 5000 + "}\n"),
]

SPELLINGS = {
    "trailing-space": "GPT-3 175B ", "leading-space": " GPT-3 175B", "lower-case": "gpt-3 175b", "mixed-case": "Gpt-3 175b",
    "non-breaking-hyphen": "GPT\u20113 175B", "en-dash": "GPT\u20133 175B", "fullwidth": "\uff27\uff30\uff34-3 175B", "double-space": "GPT-3  175B",
    "space-for-dash": "GPT 3 175B", "underscores": "GPT_3_175B", "nbsp": "GPT-3\u00a0175B",
}
GPT3 = dict(org="OpenAI", release_date="2020-05-28", params_total="1.75e11", params_active="1.75e11", train_tokens="3e11", train_flop="3.14e23",
            flop_basis="reported", hardware=None, n_chips=None, train_days=None, gpu_hours=None, precision=None, context_length="2048", mfu=None)
EPOCH_HEADER = "Model,Domain,Organization,Publication date,Parameters,Training compute (FLOP),Link\n"
EPOCH_ROWS = ("OLMo 2 32B,Language,Allen Institute for AI,2025-03-13,32000000000,1.3e24,https://allenai.org/blog/olmo2-32B\n"
              "Gemma 3 27B,Language,Google DeepMind,2025-03-12,27000000000,2.3e24,https://arxiv.org/abs/2503.19786\n")


def rows_run() -> str:
    return read_csv(load_dataset().data_dir / "mfu.csv")["run"][0]


def _kept(name: str):
    return lambda ctx, out: name in set(read_csv(ctx.ws / "versions" / "v0002" / "releases.csv")["name"])


C7 = [
    Case(7, f"name-{k}", add(*flags(release(name=v, **GPT3))), ("command-line flags", "field 'name'", "is already in the data", "'GPT-3 175B'")) for k, v in SPELLINGS.items()
] + [
    Case(7, "trailing-space-in-yaml", add("{file}"), ("new.yaml", "'GPT-3 175B' is already in the data"), doc=[release(name="GPT-3 175B ", **GPT3)]),
    Case(7, "lower-case-name-and-org", add(*flags(release(name="gpt-3 175b", **{**GPT3, "org": "openai"}))), ("field 'name'", "already in the data")),
    Case(7, "other-name-org-in-lower-case", add(*flags(release(name="davinci", **{**GPT3, "org": "openai"}))), ("'davinci' looks like a duplicate of 'GPT-3 175B'",)),
    Case(7, "org-alias-same-date-and-size", add(*flags(release(name="Qwen2.5 72B base", org="Qwen Team", release_date="2024-09-19", params_total="7.27e10", params_active="7.27e10",
                                                              train_tokens="1.8e13", train_flop="7.8516e24", flop_basis="6ND"))),
         ("'Qwen2.5 72B base' looks like a duplicate of 'Qwen2.5-72B'",)),
    Case(7, "date-not-zero-padded-same-release", add(*flags(release(name="davinci", **{**GPT3, "release_date": "2020-5-28"}))), ("looks like a duplicate of 'GPT-3 175B'",)),
    Case(7, "two-entries-differing-in-case", add("{file}"), ("new.yaml", "repeats entry 1"), doc=[release(), release(name="qwen3-235b-a22b")]),
    Case(7, "two-entries-differing-in-spaces", add("{file}"), ("new.yaml", "repeats entry 1"), doc=[release(), release(name="Qwen3-235B-A22B  ")]),
    Case(7, "mfu-run-under-another-case", add("{file}"), ("new.yaml", "field 'run'", "duplicate run name"),
         doc={"mfu": [{**MFU, "release": None, "run": rows_run().upper()}]}),
    Case(7, "cost-id-under-another-spelling", add("{file}"), ("new.yaml", "field 'cost_id'", "duplicate cost_id"),
         doc={"costs": [{**COST, "release": None, "cost_id": "DeepSeek-V3_developer_official-training"}]}),
    Case(7, "data-check-names-differing-in-case", ("data", "check", "--data", "{data}"), ("releases.csv", "column 'name'", "'gpt-3 175b'", "duplicate release name"), code=1,
         setup=lambda ctx: edit_table(ctx.data, "releases", lambda t: t + "gpt-3 175b" + t.split("\n")[3][len("GPT-3 175B"):] + "\n")),
    Case(7, "data-check-hardware-key-in-lower-case", ("data", "check", "--data", "{data}"), ("hardware.csv", "'v100'", "duplicate key"), code=1,
         setup=lambda ctx: edit_table(ctx.data, "hardware", lambda t: t + "v100" + t.split("\n")[1][len("V100"):] + "\n")),
    Case(7, "epoch-import-knows-other-spellings", ("add-release", "--data", "{ws}", "--from-epoch", "{tmp}/epoch.csv", "--no-refit"),
         ("0 release(s) to add (2 already in the workspace)", "nothing to add"), code=0,
         setup=lambda ctx: (ctx.tmp / "epoch.csv").write_text(EPOCH_HEADER + EPOCH_ROWS)),
    Case(7, "epoch-import-org-alias", ("add-release", "--data", "{ws}", "--from-epoch", "{tmp}/epoch.csv", "--no-refit"), ("1 already in the workspace",), code=0,
         setup=lambda ctx: (ctx.tmp / "epoch.csv").write_text(EPOCH_HEADER + "Qwen2.5 72B base,Language,Qwen Team,2024-09-19,72700000000,7.8e24,https://qwenlm.github.io\n")),
]


def _date_stored(column: str, value: str, table: str = "releases"):
    return lambda ctx, out: value in set(read_csv(ctx.head / f"{table}.csv")[column])


C8 = [
    Case(8, "flags-date-stored-padded", add(*flags(release(release_date="2025-4-29"))), code=0, unchanged=False, after=_date_stored("release_date", "2025-04-29")),
    Case(8, "csv-date-stored-padded", add("{file}"), code=0, unchanged=False, suffix=".csv", doc=[release(release_date="2025-4-9")], after=_date_stored("release_date", "2025-04-09")),
    Case(8, "json-date-stored-padded", add("{file}"), code=0, unchanged=False, suffix=".json", doc=[release(release_date="2025-04-9")], after=_date_stored("release_date", "2025-04-09")),
    Case(8, "yaml-unpadded-date-stored-padded", add("{file}"), code=0, unchanged=False, doc="- " + "\n  ".join(f"{k}: {json.dumps(v)}" if k != "release_date" else f"{k}: 2025-4-29" for k, v in release().items()) + "\n",
         after=_date_stored("release_date", "2025-04-29")),
    Case(8, "mfu-date-stored-padded", add("{file}"), code=0, unchanged=False, doc={"releases": [release()], "mfu": [{**MFU, "date": "2025-5-1"}]}, after=_date_stored("date", "2025-05-01", "mfu")),
    Case(8, "data-check-unpadded-date", ("data", "check", "--data", "{data}"), ("releases.csv line 4 column 'release_date'", "'2020-5-28'", "write '2020-05-28'"), code=1,
         setup=in_data("releases", "2020-05-28", "2020-5-28")),
    Case(8, "init-before-compares-dates", ("init", "{tmp}/cut", "--source", "{ws}", "--before", "2025-10-01"), ("workspace",), code=0, unchanged=False,
         setup=lambda ctx: edit_table(ctx.head, "releases", lambda t: t.replace("2025-03-13", "2025-06-01")),
         after=lambda ctx, out: "OLMo-2-32B" in set(load_dataset(ctx.tmp / "cut")["releases"]["name"])),
    Case(8, "february-30", add(*flags(release(release_date="2025-02-30"))), ("field 'release_date'", "'2025-02-30'", "YYYY-MM-DD")),
    Case(8, "slashes", add(*flags(release(release_date="2025/04/29"))), ("field 'release_date'", "'2025/04/29'")),
    Case(8, "day-first", add(*flags(release(release_date="29-04-2025"))), ("field 'release_date'", "'29-04-2025'")),
    Case(8, "with-a-time", add(*flags(release(release_date="2025-04-29T00:00:00"))), ("field 'release_date'", "'2025-04-29T00:00:00'")),
    Case(8, "yaml-timestamp", add("{file}"), ("new.yaml", "field 'release_date'", "2025-04-29T10:00:00"), doc="- {name: X, release_date: 2025-04-29 10:00:00}\n"),
    Case(8, "before-2012", add(*flags(release(release_date="2011-12-31"))), ("field 'release_date'", "'2011-12-31'", "from 2012-01-01")),
    Case(8, "in-the-future", add(*flags(release(release_date="2999-01-01"))), ("field 'release_date'", "'2999-01-01'", "to today")),
]

CASES = C5 + C6 + C7 + C8
