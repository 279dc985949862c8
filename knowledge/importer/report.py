"""What the import says to staff: one line per row problem, and a summary line.

Lines look like `knowledge check`'s (`file:row: error: …`), with the row number the
spreadsheet shows, so staff can jump to the row in Excel. An error means the row was skipped;
a warning means it was written but deserves a look.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RowProblem:
    row: int
    message: str
    skipped: bool = True  # False: a warning, the row is written

    @property
    def severity(self) -> str:
        return "error" if self.skipped else "warning"

    def format(self, source: Path) -> str:
        suffix = "; row skipped" if self.skipped else ""
        return f"{source}:{self.row}: {self.severity}: {self.message}{suffix}"


def sorted_problems(problems: list[RowProblem]) -> list[RowProblem]:
    """By row, errors before warnings, in the order they were found."""
    indexed = list(enumerate(problems))
    indexed.sort(key=lambda item: (item[1].row, not item[1].skipped, item[0]))
    return [p for _, p in indexed]


def skipped_rows(problems: list[RowProblem]) -> set[int]:
    return {p.row for p in problems if p.skipped}


@dataclass(frozen=True)
class Summary:
    rows: int
    entries: int
    skipped: int
    warnings: int
    outcome: str  # "written to", "unchanged in", "not written to", ...
    out: Path

    def line(self) -> str:
        return (
            f"knowledge import: {self.rows} rows, {self.entries} entries {self.outcome} "
            f"{self.out}, {self.skipped} rows skipped, {self.warnings} warnings"
        )
