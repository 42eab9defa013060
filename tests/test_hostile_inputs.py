"""The hostile-input catalogue of issue 15: every case through the CLI, in-process, against a fresh workspace.

Each case checks the exit status, that the output names the file, field and
value (the case's ``expect``), that no traceback is shown, and, for a
refusal, that every byte under the case's folder (workspace, data folder,
run file, inputs) is as it was. Cases that are accepted check what was
stored instead. The environment cases (full disk, permissions, the lock,
killed writers) are in ``test_hostile_environment.py``.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hostile_cases_a import CASES as CASES_A
from hostile_cases_b import CASES as CASES_B
from hostile_cases_c import CASES as CASES_C
from hostile_support import CLASSES, ctx, run_cli, snapshot, template, write_doc  # noqa: F401  (fixtures)
from hostile_support import run_template  # noqa: F401

CASES = CASES_A + CASES_B + CASES_C


@pytest.mark.parametrize("case", CASES, ids=[f"c{c.cls:02d}-{c.id}" for c in CASES])
def test_hostile_input(case, ctx, capsys, monkeypatch, request):
    for k, v in case.env.items():
        monkeypatch.setenv(k, v)
    ctx.suffix = case.suffix
    if case.needs_run:
        ctx.run_template = request.getfixturevalue("run_template")
        assert ctx.run.is_file()
    if case.setup:
        case.setup(ctx)
    if case.doc is not None:
        write_doc(ctx.file, case.doc)
    before = snapshot(ctx.tmp)
    code, output = run_cli([ctx.fmt(a) for a in case.argv], capsys)
    assert code == case.code, output
    assert "Traceback" not in output, output
    for text in case.expect:
        assert ctx.fmt(text) in output, (text, output)
    if case.unchanged:
        assert snapshot(ctx.tmp) == before, "a refusal changed the folder"
    if case.after:
        assert case.after(ctx, output) is not False, output


def test_the_catalogue_covers_every_class():
    counts = Counter(c.cls for c in CASES)
    assert set(counts) == set(CLASSES), counts
    assert len(CASES) >= 150 and min(counts.values()) >= 5, counts
    assert len({c.id for c in CASES}) == len(CASES), "case ids repeat"
