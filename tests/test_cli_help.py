"""Every option and argument of every subcommand says what it is for, and an option with a default says the default."""

import argparse

from effcompute.cli import build_parser

SKIP = (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction)


def _actions(parser, path=("effcompute",)):
    """(command path, action) for every argument of ``parser`` and its subparsers, recursively."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _actions(sub, (*path, name))
        elif not isinstance(action, SKIP):
            yield " ".join(path), action


def test_every_argument_of_every_subcommand_has_help():
    missing = [f"{cmd} {a.option_strings or a.dest}" for cmd, a in _actions(build_parser()) if not (a.help or "").strip()]
    assert not missing, missing


def test_options_with_a_default_state_it():
    silent = []
    for cmd, a in _actions(build_parser()):
        takes_value = a.option_strings and a.nargs != 0 and a.default not in (None, False)
        if takes_value and "default" not in a.help:
            silent.append(f"{cmd} {a.option_strings}")
    assert not silent, silent


def test_the_walk_reaches_the_nested_subcommands():
    commands = {cmd for cmd, _ in _actions(build_parser())}
    assert {"effcompute fit", "effcompute check sbc", "effcompute check forecast", "effcompute data crosscheck"} <= commands


def test_help_shows_the_default_value(capsys):
    parser = build_parser()
    fit = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices["fit"]
    text = " ".join(fit.format_help().split())
    assert "--draws DRAWS posterior draws per chain, after tuning (default: 2000)" in text and "(default: 4)" in text
    assert "(default: the model's: 0.98 for evidence, 0.95 for joint, 0.9 for the others)" in text


def test_the_help_names_each_models_own_target_acceptance():
    """The help's numbers are the models' declared ``target_accept`` (kept in step by hand, so checked here)."""
    from effcompute.models.registry import model_class

    assert (model_class("evidence").target_accept, model_class("joint").target_accept, model_class("trend").target_accept) == (0.98, 0.95, 0.9)


def _subcommands(parser, path=()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = list(_subcommands(sub, (*path, name)))
                yield from nested or [" ".join((*path, name))]


def test_readme_command_table_names_every_subcommand():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    table = "\n".join(line for line in readme.splitlines() if line.startswith("| `effcompute"))
    missing = [cmd for cmd in _subcommands(build_parser()) if f"effcompute {cmd}" not in table and f"`{cmd} " not in table]
    assert not missing, missing


def test_crosscheck_without_epochs_file_says_where_to_get_it(tmp_path, monkeypatch, capsys):
    from effcompute.cli import main

    monkeypatch.setenv("EFFCOMPUTE_REFERENCE_DIR", str(tmp_path))
    assert main(["data", "crosscheck"]) == 2
    err = capsys.readouterr().err
    assert "https://epoch.ai/data" in err and "--epoch FILE" in err and str(tmp_path) in err and len(err.strip().splitlines()) == 1
