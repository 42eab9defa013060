"""check sbc --resume: a long SBC run continued across sittings gives the ranks of one uninterrupted run."""

import json

import numpy as np
import pytest

from effcompute.cli import main
from effcompute.data.load import load_dataset
from effcompute.inference.checks import sbc, sbc_log
from effcompute.models import build_model
from effcompute.models.config import ModelConfig

TINY = ["--draws", "40", "--tune", "40", "--thin", "2", "--workers", "1", "--quiet"]
IDENTITY = {"model": "trend", "model_id": "abc", "data_hash": "d", "seed": 1, "settings": {"draws": 40}, "fixed": {}}


def _record(i: int) -> dict:
    return {"sim": i, "ranks": {"g": i}, "hits": {}, "divergences": 0, "kept_draws": 20, "seconds": 1.0}


def test_a_new_run_refuses_to_overwrite_a_log_that_holds_simulations(tmp_path):
    log = tmp_path / "sbc_trend_sims.jsonl"
    assert sbc_log.start_log(log, IDENTITY, resume=False, sims=5) == []
    assert json.loads(sbc_log.run_record_path(log).read_text()) == IDENTITY
    log.write_text(json.dumps(_record(0)) + "\n")
    with pytest.raises(sbc_log.ResumeError, match="already holds simulations; pass --resume"):
        sbc_log.start_log(log, IDENTITY, resume=False, sims=5)
    assert log.read_text().count("\n") == 1, "the refused run must leave the log as it was"


def test_resume_keeps_logged_simulations_and_refuses_another_run(tmp_path):
    log = tmp_path / "sbc_trend_sims.jsonl"
    sbc_log.start_log(log, IDENTITY, resume=False, sims=5)
    log.write_text("".join(json.dumps(_record(i)) + "\n" for i in (0, 2, 7)))
    assert [r["sim"] for r in sbc_log.start_log(log, IDENTITY, resume=True, sims=5)] == [0, 2]
    for field, value in (("model_id", "other"), ("seed", 2), ("settings", {"draws": 80}), ("data_hash", "e")):
        with pytest.raises(sbc_log.ResumeError, match=f"field '{field}'"):
            sbc_log.start_log(log, {**IDENTITY, field: value}, resume=True, sims=5)


def test_resume_drops_a_last_line_cut_short_and_refuses_a_damaged_middle(tmp_path):
    log = tmp_path / "sbc_trend_sims.jsonl"
    sbc_log.start_log(log, IDENTITY, resume=False, sims=5)
    log.write_text(json.dumps(_record(0)) + "\n" + json.dumps(_record(1))[:25])
    assert [r["sim"] for r in sbc_log.start_log(log, IDENTITY, resume=True, sims=5)] == [0]
    assert log.read_text() == json.dumps(_record(0)) + "\n"
    log.write_text("garbage\n" + json.dumps(_record(1)) + "\n")
    with pytest.raises(sbc_log.ResumeError, match="line 1 is not a simulation record"):
        sbc_log.start_log(log, IDENTITY, resume=True, sims=5)


def test_resume_without_a_record_or_a_log_says_what_to_do(tmp_path):
    log = tmp_path / "sbc_trend_sims.jsonl"
    with pytest.raises(sbc_log.ResumeError, match="no simulation log to resume"):
        sbc_log.start_log(log, IDENTITY, resume=True, sims=5)
    log.write_text(json.dumps(_record(0)) + "\n")
    with pytest.raises(sbc_log.ResumeError, match="missing, so the run"):
        sbc_log.start_log(log, IDENTITY, resume=True, sims=5)


@pytest.mark.parametrize("text", ['{"model": "trend"', '{"seed": 1, "seed": 2}'])
def test_a_damaged_run_record_is_refused_naming_the_file(tmp_path, text):
    log = tmp_path / "sbc_trend_sims.jsonl"
    sbc_log.start_log(log, IDENTITY, resume=False, sims=5)
    log.write_text(json.dumps(_record(0)) + "\n")
    sbc_log.run_record_path(log).write_text(text)
    with pytest.raises(sbc_log.ResumeError, match="sbc_trend_sims.run.json: not valid JSON"):
        sbc_log.start_log(log, IDENTITY, resume=True, sims=5)


def test_resume_needs_an_out_folder(capsys):
    assert main(["check", "sbc", "--model", "trend", "--sims", "2", "--resume"]) == 2
    assert "needs --out" in capsys.readouterr().err


def test_the_first_simulations_do_not_depend_on_how_many_are_drawn():
    """Resuming with more simulations relies on the prior draws being a prefix-stable sequence for a seed."""
    effmodel = build_model(load_dataset(), ModelConfig(model="trend"))
    truth3, data3 = sbc.draw_simulations(effmodel, 3, seed=4)
    truth5, data5 = sbc.draw_simulations(effmodel, 5, seed=4)
    assert np.allclose(truth3["g_oom_per_year"], truth5["g_oom_per_year"][:3])
    assert all(np.allclose(data3[i][k], data5[i][k]) for i in range(3) for k in data3[i])


@pytest.mark.slow
def test_a_resumed_run_gives_the_ranks_of_one_uninterrupted_run(tmp_path):
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    args = ["check", "sbc", "--model", "trend", "--seed", "2", *TINY]
    main([*args, "--sims", "3", "--out", str(whole)])
    main([*args, "--sims", "2", "--out", str(parts)])
    main([*args, "--sims", "3", "--out", str(parts), "--resume"])
    ranks = [sbc_log.results_from_log(d / "sbc_trend_sims.jsonl") for d in (whole, parts)]
    assert [r["sim"] for r in ranks[1]] == [0, 1, 2]
    assert [r["ranks"] for r in ranks[0]] == [r["ranks"] for r in ranks[1]]
    summary = json.loads((parts / "sbc_trend.json").read_text())
    assert summary["sims"] == 3 and summary["resumed_from_log"] == 2
