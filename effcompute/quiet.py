"""Library noise kept off the user's terminal: PyMC's progress logs and warnings that are install advice.

No heavy imports here, so the CLI can wrap every command in :func:`quiet_pymc_logs` without importing PyMC.
Warnings that matter to a user (Pareto k, divergences) are turned into our own one-line messages where the
check that meets them is made, not silenced here.
"""

from __future__ import annotations

import contextlib
import logging
import warnings

#: Library warnings that are not the user's business, by message (a regular expression).
LIBRARY_NOISE = (
    r".*could not link to a BLAS installation.*",  # PyTensor's install advice; its C backend runs without BLAS
    r".*was moved to .pytensor\.graph\.traversal.*",
)
#: Loggers whose INFO lines ("Sampling: [...]", "Auto-assigning NUTS sampler") are library chatter here.
CHATTY_LOGGERS = ("pymc", "pymc.sampling", "pymc.sampling.forward", "pymc.stats.convergence", "pytensor.tensor.blas")


@contextlib.contextmanager
def quiet_pymc_logs():
    """Silence PyMC's logs and the warnings in :data:`LIBRARY_NOISE` for the duration."""
    loggers = [logging.getLogger(n) for n in CHATTY_LOGGERS]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            for pattern in LIBRARY_NOISE:
                warnings.filterwarnings("ignore", message=pattern)
            yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)
