"""Hostile spreadsheets cost what is read, not what they claim: rows (empty ones too), cells,
unpacked bytes and time are counted as the file is read, and reading stops at the first limit."""

from __future__ import annotations

import time

import pytest

from bot.domain.sheet_limits import MEGABYTE, Limits, TableError, TableProblem
from bot.domain.spreadsheets import FileKind, Line, read_table, write_xlsx
from bot.services.imports import LIMITS
from sandbox.documents import empty_rows, millions_of_empty_rows, packed_sheet, wide_rows, xlsx_with_sheet

SMALL = Limits(rows=1000, cells=5000, unpacked_bytes=4 * MEGABYTE, ratio=100, seconds=60.0)


class CountingClock:
    """A clock that says how often it was read, and moves `step` seconds each time."""

    def __init__(self, step: float = 0.0) -> None:
        self.step = step
        self.now = 0.0
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        self.now += self.step
        return self.now


def _refusal(name: str, data: bytes, limits: Limits, clock: CountingClock | None = None) -> TableProblem:
    with pytest.raises(TableError) as error:
        read_table(name, data, limits=limits, clock=clock or CountingClock())
    return error.value.problem


def test_rows_a_sheet_claims_are_counted_as_read_and_reading_stops_at_the_limit() -> None:
    clock = CountingClock()
    assert _refusal("claims.xlsx", millions_of_empty_rows(), SMALL, clock) is TableProblem.TOO_MANY_ROWS
    # The clock is read once per row (and a few times besides): reading stopped at the limit,
    # not after the 6,000,000 rows the file claims.
    assert SMALL.rows < clock.reads < SMALL.rows + 10


def test_the_issue_file_is_refused_with_the_import_limits() -> None:
    clock = CountingClock()
    assert _refusal("claims.xlsx", millions_of_empty_rows(), LIMITS, clock) is TableProblem.TOO_MANY_ROWS
    assert clock.reads < LIMITS.rows + 10


def test_empty_rows_count_towards_the_row_limit() -> None:
    assert _refusal("blank.xlsx", empty_rows(SMALL.rows), SMALL) is TableProblem.TOO_MANY_ROWS
    assert (
        _refusal("blank.csv", b"name\r\nAcme\r\n" + b"\r\n" * SMALL.rows, SMALL) is TableProblem.TOO_MANY_ROWS
    )
    assert (
        _refusal("blank.csv", b"name\r\nAcme\r\n" + b",,\r\n" * SMALL.rows, SMALL)
        is TableProblem.TOO_MANY_ROWS
    )


def test_below_the_limits_empty_rows_are_read_and_skipped() -> None:
    kind, lines = read_table("blank.xlsx", empty_rows(SMALL.rows - 10), limits=SMALL, clock=CountingClock())
    assert kind is FileKind.XLSX
    assert lines == [Line(1, ("name",)), Line(2, ("Acme",))]


def test_a_cell_far_to_the_right_costs_the_whole_row() -> None:
    # 16,384 cells a row: one such row passes, the first beyond 5,000 cells is refused.
    assert _refusal("wide.xlsx", wide_rows(3), SMALL) is TableProblem.TOO_MANY_CELLS
    assert _refusal("wide.xlsx", wide_rows(200), LIMITS) is TableProblem.TOO_MANY_CELLS
    assert (
        _refusal("wide.csv", b"name\r\n" + b"," * SMALL.cells + b"x\r\n", SMALL)
        is TableProblem.TOO_MANY_CELLS
    )


def test_the_dimension_a_sheet_claims_pads_nothing() -> None:
    """A1:XFD1048576 would make every row 16,384 cells and the sheet a million rows."""
    limits = Limits(rows=5, cells=5, unpacked_bytes=MEGABYTE, ratio=100, seconds=60.0)
    _, lines = read_table(
        "claims.xlsx", xlsx_with_sheet([], dimension="A1:XFD1048576"), limits=limits, clock=CountingClock()
    )
    assert lines == [Line(1, ("name",)), Line(2, ("Acme",))]


def test_a_zip_bomb_is_refused_by_its_directory_before_anything_is_unpacked() -> None:
    clock = CountingClock()
    assert _refusal("bomb.xlsx", packed_sheet(3), SMALL, clock) is TableProblem.PACKED
    assert clock.reads == 1, "refused by the directory alone, before a row was read"
    assert _refusal("bomb.xlsx", packed_sheet(50), LIMITS) is TableProblem.PACKED


def test_what_a_workbook_unpacks_to_is_limited() -> None:
    rows = [[f"Customer {n}", f"138{n:08d}"] for n in range(20_000)]
    data = write_xlsx(["name", "phone"], rows, title="Customers")
    tight = Limits(rows=50_000, cells=100_000, unpacked_bytes=MEGABYTE, ratio=100, seconds=60.0)
    assert _refusal("big.xlsx", data, tight) is TableProblem.TOO_LARGE
    assert len(data) < MEGABYTE, "the packed file is under the limit; its parts are not"
    assert _refusal("big.csv", b"name\r\n" + b"x" * MEGABYTE, tight) is TableProblem.TOO_LARGE


def test_reading_stops_at_the_deadline() -> None:
    rows = [[f"Customer {n}"] for n in range(100)]
    data = write_xlsx(["name"], rows, title="Customers")
    slow = Limits(rows=1000, cells=1000, unpacked_bytes=MEGABYTE, ratio=100, seconds=30.0)
    clock = CountingClock(step=1.0)
    assert _refusal("slow.xlsx", data, slow, clock) is TableProblem.TOO_SLOW
    assert clock.reads <= 32, "stopped once 30 s had passed, not after 100 rows"
    csv = b"name\r\n" + b"".join(f"Customer {n}\r\n".encode() for n in range(100))
    assert _refusal("slow.csv", csv, slow, CountingClock(step=1.0)) is TableProblem.TOO_SLOW


def test_a_real_customer_list_reads_within_the_import_limits() -> None:
    rows = [[f"Customer {n}", f"138{n:08d}", "Acme", "", "", "A", "", ""] for n in range(5_000)]
    _, lines = read_table(
        "list.xlsx",
        write_xlsx(["name", "phone"] + [""] * 6, rows, title="x"),
        limits=LIMITS,
        clock=time.monotonic,
    )
    assert len(lines) == 5_001
