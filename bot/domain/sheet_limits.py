"""What reading a spreadsheet may cost, counted as it is read, and the ways a file is refused.

A file's own claims (an .xlsx's sheet dimension, a row numbered 6,000,000) are not trusted: rows
are counted as they come, empty ones too, and a row is as wide as its last cell. An .xlsx is a zip,
so its parts are weighed in the zip's directory before anything is unpacked; Python's zipfile never
unpacks more than a part's declared size.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

MEGABYTE = 1024 * 1024
# Below this a part is too small to be a bomb, whatever its ratio (a sheet of 1,000 empty rows
# packs 50 to 1).
RATIO_FROM_BYTES = MEGABYTE


class TableProblem(StrEnum):
    UNSUPPORTED = "unsupported"
    OLD_EXCEL = "old_excel"
    BROKEN = "broken"
    ENCODING = "encoding"
    EMPTY = "empty"
    TOO_MANY_ROWS = "too_many_rows"
    TOO_MANY_CELLS = "too_many_cells"
    TOO_LARGE = "too_large"
    PACKED = "packed"
    TOO_SLOW = "too_slow"


class TableError(Exception):
    """The file cannot be read as a table; `problem` says why in terms a user can act on."""

    def __init__(self, problem: TableProblem) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Limits:
    rows: int
    """Rows read, empty ones included."""
    cells: int
    """Cells read, empty ones included."""
    unpacked_bytes: int
    """An .xlsx's parts together once unzipped; a CSV's bytes."""
    ratio: int
    """How many times its packed size a part of an .xlsx may unpack to."""
    seconds: float
    """Reading time."""

    def as_dict(self) -> dict[str, float]:
        return {
            "rows": self.rows,
            "cells": self.cells,
            "unpacked_bytes": self.unpacked_bytes,
            "ratio": self.ratio,
            "seconds": self.seconds,
        }

    @classmethod
    def from_dict(cls, values: dict[str, float]) -> Limits:
        return cls(
            rows=int(values["rows"]),
            cells=int(values["cells"]),
            unpacked_bytes=int(values["unpacked_bytes"]),
            ratio=int(values["ratio"]),
            seconds=float(values["seconds"]),
        )


class Budget:
    """Rows, cells and time spent so far on one file; raises TableError the moment one runs out."""

    def __init__(self, limits: Limits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self.clock = clock
        self.deadline = clock() + limits.seconds
        self.rows = 0
        self.cells = 0

    def row(self, width: int) -> None:
        """One row read, `width` cells wide (its empty cells included)."""
        self.rows += 1
        self.cells += width
        if self.rows > self.limits.rows:
            raise TableError(TableProblem.TOO_MANY_ROWS)
        if self.cells > self.limits.cells:
            raise TableError(TableProblem.TOO_MANY_CELLS)
        self.in_time()

    def in_time(self) -> None:
        if self.clock() > self.deadline:
            raise TableError(TableProblem.TOO_SLOW)

    def size(self, unpacked: int) -> None:
        if unpacked > self.limits.unpacked_bytes:
            raise TableError(TableProblem.TOO_LARGE)


def weigh_archive(data: bytes, budget: Budget) -> None:
    """Refuse an .xlsx whose parts, by the zip's directory, unpack beyond the limits."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise TableError(TableProblem.BROKEN) from exc
    budget.size(sum(part.file_size for part in parts))
    for part in parts:
        if part.file_size > RATIO_FROM_BYTES and part.file_size > budget.limits.ratio * part.compress_size:
            raise TableError(TableProblem.PACKED)
    budget.in_time()
