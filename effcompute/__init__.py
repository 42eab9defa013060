"""effcompute: how much less hardware and compute it takes to train a GPT-3-level model.

Data flows ``effcompute.data`` -> ``effcompute.models`` -> ``effcompute.inference``
-> the ``effcompute`` command line (``effcompute.cli``). The Python API
(:mod:`effcompute.api`): ``effcompute.fit``, ``effcompute.load_run``, ``effcompute.load_or_fit`` and ``Run``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("effcompute")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

from effcompute.api import Run, fit, load_or_fit, load_run  # noqa: E402  (light: PyMC is imported on first use)

__all__ = ["Run", "__version__", "fit", "load_or_fit", "load_run"]
