"""Source positions. Lines and columns are 1-based; ``end_col`` is exclusive (as in SARIF)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Location:
    path: str
    start_line: int
    start_col: int = 1
    end_line: int = 0
    end_col: int = 0

    def __post_init__(self) -> None:
        # A location given only a start spans that one position.
        if self.end_line < self.start_line:
            object.__setattr__(self, "end_line", self.start_line)
        if self.end_line == self.start_line and self.end_col <= self.start_col:
            object.__setattr__(self, "end_col", self.start_col + 1)

    def __str__(self) -> str:
        return f"{self.path}:{self.start_line}:{self.start_col}"
