"""A progress line on stderr for runs that take more than a moment.

Shown only when stderr is a terminal (never in CI logs, pre-commit output or redirected
reports), only once the run has taken ``delay`` seconds (a quick run prints nothing), redrawn
at most every ``interval`` seconds, and erased when done, so it never mixes with the report.
It is cut to the terminal's width: a line that wraps cannot be redrawn with ``\r``.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Callable, TextIO

WIDTH = 30


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None, *, delay: float = 0.5, interval: float = 0.1,
                 clock: Callable[[], float] = time.monotonic, force: bool = False,
                 columns: int | None = None) -> None:
        self.total = max(total, 1)
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = force or _is_terminal(self.stream)
        self.clock = clock
        self.start = clock()
        self.delay = delay
        self.interval = interval
        self.done = 0
        self._last_draw = -1.0
        self._drawn = False
        # The last column stays free: writing into it makes some terminals wrap at once.
        self.width = max((columns or _columns(self.stream)) - 1, 20)

    def advance(self, count: int = 1, what: str = "") -> None:
        self.done = min(self.total, self.done + count)
        if not self.enabled:
            return
        now = self.clock()
        if now - self.start < self.delay or now - self._last_draw < self.interval:
            return
        self._last_draw = now
        filled = WIDTH * self.done // self.total
        bar = "#" * filled + "-" * (WIDTH - filled)
        line = f"bcdr-lint [{bar}] {self.done}/{self.total} files"
        room = self.width - len(line) - 2
        if what and room >= 8:
            line += "  " + (what if len(what) <= room else "…" + what[-(room - 1):])
        self.stream.write("\r" + line[:self.width].ljust(self.width))
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self._drawn = False


def _columns(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class NoProgress:
    def advance(self, count: int = 1, what: str = "") -> None:
        pass

    def close(self) -> None:
        pass
