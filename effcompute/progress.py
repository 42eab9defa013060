"""Progress of long commands, on stderr: the one place that shows it.

The ``models/`` and ``inference/`` layers never print; they say which phase
they are in and how far a counted phase has got:

>>> from effcompute import progress
>>> with progress.phase("sample", detail="4 chains x 1000 draws"):
...     pass
>>> with progress.phase("simulations", total=100) as step:
...     step()  # one simulation done

Nothing is shown unless a command turned reporting on with
:func:`reporting` (the CLI does, unless ``--quiet``). On a terminal the
display is a rich progress bar with the phase, elapsed time and, where the
number of steps is known, an ETA; elsewhere (a log file, CI) it is plain
lines: one when a phase starts, one per 10% of a counted phase, and one
when a phase ends if it was counted or took more than a few seconds.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator

#: Plain-line reporting prints a counted phase's progress every this fraction of its steps.
PLAIN_EVERY = 0.10
#: ... and a phase's end (with its duration) when it was counted or took at least this many seconds.
PLAIN_DONE_AFTER = 5.0


class Silent:
    """The reporter when none was turned on: shows nothing."""

    def start(self, name: str, total: int | None, detail: str) -> None:
        """A phase begins (``total`` steps, or None when not counted)."""

    def advance(self, done: int) -> None:
        """``done`` steps of the current phase are finished."""

    def end(self, seconds: float) -> None:
        """The current phase ended after ``seconds``."""

    def fail(self) -> None:
        """The current phase stopped on an error (the command's error message follows)."""

    def close(self) -> None:
        """The command is over."""


def _duration(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


class Plain(Silent):
    """Plain lines on ``stream`` (a log, CI): phase starts and ends, and each 10% of a counted phase, with an ETA."""

    def __init__(self, command: str, stream) -> None:
        self.command, self.stream = command, stream
        self.open: list[dict] = []  # phases begun and not ended, innermost last

    def _line(self, text: str) -> None:
        print(f"effcompute {self.command}: {text}", file=self.stream, flush=True)

    def start(self, name, total, detail):
        every = max(1, round(total * PLAIN_EVERY)) if total else 0
        self.open.append({"name": name, "total": total, "t0": time.perf_counter(), "every": every, "next": every})
        self._line(f"{name}{' (' + detail + ')' if detail else ''}{f', {total} steps' if total else ''}...")

    def advance(self, done):
        p = self.open[-1]
        if not p["total"] or done < p["next"]:
            return
        while p["next"] <= done:
            p["next"] += p["every"]
        elapsed = time.perf_counter() - p["t0"]
        eta = elapsed / done * (p["total"] - done)
        self._line(f"{p['name']} {done}/{p['total']} ({done / p['total']:.0%}), {_duration(elapsed)} elapsed, about {_duration(eta)} left")

    def fail(self):
        self.open.pop()

    def end(self, seconds):
        p = self.open.pop()
        if p["total"] or seconds >= PLAIN_DONE_AFTER:
            self._line(f"{p['name']} done in {_duration(seconds)}")


class Terminal(Silent):
    """A rich progress bar on a terminal: the phase, a bar and ETA for counted phases, elapsed time for all.

    A bar lives while a phase is open (one display per outermost phase), so what the command prints between phases,
    on stdout or stderr, is not drawn over; stdout is never redirected.
    """

    #: A phase's detail is shown beside its name when both fit in this many characters.
    WIDTH = 44

    def __init__(self, command: str, stream) -> None:
        self.command, self.stream = command, stream
        self.bar = None
        self.open: list = []  # task ids of phases begun and not ended, innermost last

    def _new_bar(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=20), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("ETA"), TimeRemainingColumn(), console=Console(file=self.stream), redirect_stdout=False, redirect_stderr=False)

    def start(self, name, total, detail):
        if not self.open:
            self.bar = self._new_bar()
            self.bar.start()
        text = f"{self.command}: {name}"
        text += f" ({detail})" if detail and len(text) + len(detail) + 3 <= self.WIDTH else ""
        self.open.append(self.bar.add_task(text, total=total))

    def advance(self, done):
        self.bar.update(self.open[-1], completed=done)

    def _closed(self):
        if not self.open:
            self.bar.stop()
            self.bar = None

    def fail(self):
        self.bar.update(self.open.pop(), description="stopped")
        self._closed()

    def end(self, seconds):
        task = self.open.pop()
        total = self.bar.tasks[task].total or 1
        self.bar.update(task, total=total, completed=total)
        self._closed()

    def close(self):
        if self.bar is not None:
            self.bar.stop()


_reporter: Silent = Silent()


@contextlib.contextmanager
def reporting(command: str, *, quiet: bool = False, stream=None) -> Iterator[None]:
    """Show the progress of ``command`` on ``stream`` (default stderr) while inside; nothing if ``quiet``.

    A terminal gets a progress bar (:class:`Terminal`), anything else plain lines (:class:`Plain`).
    """
    global _reporter
    stream = sys.stderr if stream is None else stream
    previous = _reporter
    if quiet:
        _reporter = Silent()
    else:
        _reporter = Terminal(command, stream) if getattr(stream, "isatty", lambda: False)() else Plain(command, stream)
    try:
        yield
    finally:
        _reporter.close()
        _reporter = previous


@contextlib.contextmanager
def silenced(quiet: bool = True) -> Iterator[None]:
    """Show nothing while inside (when ``quiet``): for inner work, such as the many refits of one check, that would crowd the display."""
    global _reporter
    previous = _reporter
    if quiet:
        _reporter = Silent()
    try:
        yield
    finally:
        _reporter = previous


@contextlib.contextmanager
def phase(name: str, total: int | None = None, detail: str = "") -> Iterator[Callable[[int], None]]:
    """One phase of a command (compile, sample, predictive, LOO, write, simulations...).

    Parameters
    ----------
    name : str
        What the phase does, for people.
    total : int, optional
        Its number of steps, when known (then an ETA is shown).
    detail : str
        Extra words shown beside the name (sizes, counts).

    Yields
    ------
    callable
        ``step(n=1)``: ``n`` more steps are done.
    """
    reporter = _reporter
    reporter.start(name, total, detail)
    t0, done = time.perf_counter(), 0

    def step(n: int = 1) -> None:
        nonlocal done
        done += n
        reporter.advance(done)

    try:
        yield step
    except BaseException:
        reporter.fail()
        raise
    reporter.end(time.perf_counter() - t0)


def active() -> bool:
    """True when a command turned reporting on (so a library's own progress bar would draw over ours)."""
    return type(_reporter) is not Silent
