"""Progress on stderr: phases and counted steps as plain lines when stderr is no terminal, nothing with --quiet or outside the CLI."""

import io

import pytest
from mock_sampling import mock_fit

from effcompute import progress
from effcompute.cli import main
from effcompute.inference.runs import fit_workflow as run_module


@pytest.fixture
def mocked(monkeypatch):
    monkeypatch.setattr(run_module, "fit_model", lambda model, **kw: mock_fit(model, seed=kw.get("seed", 1)))


def test_plain_lines_mark_phases_and_every_tenth_of_a_counted_phase():
    out = io.StringIO()
    with progress.reporting("check sbc", stream=out):
        with progress.phase("simulations", total=50, detail="trend model") as step:
            for _ in range(50):
                step()
    lines = out.getvalue().splitlines()
    assert lines[0] == "effcompute check sbc: simulations (trend model), 50 steps..."
    counted = [line for line in lines if "/50 (" in line]
    assert [line.split()[4] for line in counted] == [f"{n}/50" for n in range(5, 51, 5)]
    assert "left" in counted[0] and lines[-1].startswith("effcompute check sbc: simulations done in")


def test_a_quick_phase_is_one_line_and_a_long_one_says_how_long_it_took(monkeypatch):
    out = io.StringIO()
    with progress.reporting("report", stream=out), progress.phase("figures"):
        pass
    assert out.getvalue().splitlines() == ["effcompute report: figures..."]
    monkeypatch.setattr(progress, "PLAIN_DONE_AFTER", 0.0)
    out = io.StringIO()
    with progress.reporting("report", stream=out), progress.phase("figures"):
        pass
    assert out.getvalue().splitlines()[-1] == "effcompute report: figures done in 0 s"


def test_nested_phases_end_under_their_own_names(monkeypatch):
    monkeypatch.setattr(progress, "PLAIN_DONE_AFTER", 0.0)
    out = io.StringIO()
    with progress.reporting("fit", stream=out):
        with progress.phase("outer"):
            with progress.phase("inner"):
                pass
    assert [line.split(": ", 1)[1].split(" done")[0] for line in out.getvalue().splitlines() if " done in " in line] == ["inner", "outer"]


def test_a_phase_that_fails_is_not_reported_done(monkeypatch):
    monkeypatch.setattr(progress, "PLAIN_DONE_AFTER", 0.0)
    out = io.StringIO()
    with progress.reporting("fit", stream=out), progress.phase("outer"):
        with pytest.raises(ValueError), progress.phase("inner"):
            raise ValueError("bad data")
    assert out.getvalue().splitlines() == ["effcompute fit: outer...", "effcompute fit: inner...", "effcompute fit: outer done in 0 s"]


def test_nothing_is_shown_outside_a_command_or_when_silenced(capsys):
    with progress.phase("sample", total=3) as step:
        step(3)
    out = io.StringIO()
    with progress.reporting("fit", stream=out), progress.silenced(), progress.phase("inner refit"):
        pass
    assert out.getvalue() == "" and capsys.readouterr().err == ""


def test_a_terminal_gets_a_progress_bar_with_an_eta():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    out = Tty()
    with progress.reporting("check sbc", stream=out), progress.phase("simulations", total=4) as step:
        step(4)
    assert "simulations" in out.getvalue() and "4/4" in out.getvalue() and "ETA" in out.getvalue()


def test_the_terminal_bar_leaves_stdout_alone(capsys):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    out = Tty()
    with progress.reporting("fit", stream=out):
        with progress.phase("sample"):
            print('{"json": "for stdout"}')
        print("headline")
    assert capsys.readouterr().out == '{"json": "for stdout"}\nheadline\n' and "for stdout" not in out.getvalue()


def test_fit_shows_its_phases_on_stderr_and_quiet_silences_them(mocked, capsys, tmp_path):
    assert main(["fit", "--model", "evidence", "--out", str(tmp_path / "a"), "--allow-unconverged"]) == 0
    err = capsys.readouterr().err
    assert "effcompute fit: prior draws" in err and "effcompute fit: write" in err
    for argv in (["--quiet", "fit"], ["fit", "--quiet"]):
        assert main([*argv, "--model", "evidence", "--out", str(tmp_path / argv[0].strip("-")), "--allow-unconverged"]) == 0
        captured = capsys.readouterr()
        assert "effcompute fit:" not in captured.err and "Diagnostics" in captured.out
