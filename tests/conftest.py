"""Shared fixtures: a writable copy of the bundled data, and the Epoch reference folder if present."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from effcompute.data.epoch import reference_dir as epoch_reference_dir
from effcompute.data.load import bundled_data_dir
from effcompute.data.schema import TABLES


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A temporary folder holding copies of the bundled tables."""
    dest = tmp_path / "data"
    dest.mkdir()
    for name in TABLES:
        shutil.copy(bundled_data_dir() / f"{name}.csv", dest / f"{name}.csv")
    return dest


@pytest.fixture
def reference_dir() -> Path:
    """shared/reference/epoch beside the repository, or $EFFCOMPUTE_REFERENCE_DIR; skip when absent."""
    path = epoch_reference_dir()
    if not path.is_dir():
        pytest.skip(f"Epoch reference data not found at {path}")
    return path
