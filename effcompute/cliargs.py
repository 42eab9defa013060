"""Argument types and output helpers shared by the command-line modules."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path


def date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in YYYY-MM-DD form") from None


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def nonnegative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (value >= 0 and value != float("inf")):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number >= 0")
    return value


def config_field(text: str) -> tuple[str, object]:
    """``KEY=VALUE`` naming a :class:`~effcompute.models.config.ModelConfig` field; VALUE is read as JSON, else as text."""
    from dataclasses import fields

    from effcompute.models.config import ModelConfig

    key, sep, raw = text.partition("=")
    names = sorted(f.name for f in fields(ModelConfig) if f.name != "model")
    if not sep or key not in names:
        raise argparse.ArgumentTypeError(f"{text!r} must be KEY=VALUE with KEY one of the model settings: {', '.join(names)}")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return key, value


def print_json(obj) -> None:
    json.dump(obj, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


def print_result(result, as_json: bool, format_text) -> None:
    """``result`` as one JSON object (``--json``), else as ``format_text(result)`` for people."""
    if as_json:
        print_json(result)
    else:
        print(format_text(result))


def path_arg(text: str):
    return Path(text)


def existing_path(text: str):
    path = path_arg(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"file {text!r} does not exist")
    return path


def existing_run_or_folder(text: str):
    """A run file, or a folder (whose runs ``summary`` lists)."""
    path = path_arg(text)
    if not (path.is_file() or path.is_dir()):
        raise argparse.ArgumentTypeError(f"{text!r} is neither a run file nor a folder")
    return path
