"""Reading and writing CSV and XLSX in memory, in the encodings Chinese offices use."""

from __future__ import annotations

import codecs
import io
import time
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from bot.domain.sheet_limits import Budget, Limits
from bot.domain.spreadsheets import (
    FileKind,
    Line,
    TableError,
    TableProblem,
    decode,
    kind_of,
    looks_like_table,
    read_csv,
    read_table,
    write_csv,
    write_xlsx,
)

HEADER = "客户名称,电话\r\n张三,13812345678\r\n"


def _limits(*, rows: int) -> Limits:
    return Limits(rows=rows, cells=1000, unpacked_bytes=1 << 20, ratio=100, seconds=60.0)


def _budget(*, rows: int) -> Budget:
    return Budget(_limits(rows=rows), time.monotonic)


@pytest.mark.parametrize(
    "data",
    [
        HEADER.encode("utf-8"),
        codecs.BOM_UTF8 + HEADER.encode("utf-8"),
        HEADER.encode("gbk"),
        HEADER.encode("gb18030"),
        HEADER.encode("utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gb18030", "utf-16"],
)
def test_every_office_encoding_reads_the_same(data: bytes) -> None:
    assert read_csv(data, _budget(rows=10)) == [
        Line(1, ("客户名称", "电话")),
        Line(2, ("张三", "13812345678")),
    ]


def test_gb18030_only_characters_and_bad_bytes() -> None:
    assert decode("𠮷野家".encode("gb18030")) == "𠮷野家"
    with pytest.raises(TableError) as error:
        decode(b"name\n\x80\x80\xff")
    assert error.value.problem is TableProblem.ENCODING


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_delimiter_is_guessed_from_the_header_line(delimiter: str) -> None:
    data = f"name{delimiter}phone\nA, Ltd{delimiter}1\n".encode()
    assert read_csv(data, _budget(rows=10))[1].cells == ("A, Ltd", "1")


def test_blank_rows_are_skipped_and_numbered_as_the_user_sees_them() -> None:
    lines = read_csv(b"name\n\n , \nA\n", _budget(rows=10))
    assert lines == [Line(1, ("name",)), Line(4, ("A",))]


def test_too_many_rows_and_empty_files() -> None:
    with pytest.raises(TableError) as error:
        read_csv(b"name\nA\nB\nC\n", _budget(rows=3))
    assert error.value.problem is TableProblem.TOO_MANY_ROWS
    for empty in (b"", b"  \r\n", b",,\n"):
        with pytest.raises(TableError) as error:
            read_table("a.csv", empty, limits=_limits(rows=3), clock=time.monotonic)
        assert error.value.problem is TableProblem.EMPTY


def test_kind_by_content_then_name() -> None:
    assert kind_of("renamed.csv", b"PK\x03\x04...") is FileKind.XLSX
    assert kind_of("list.TXT", b"name") is FileKind.CSV
    for name, data, problem in (
        ("old.xls", b"\xd0\xcf\x11\xe0", TableProblem.OLD_EXCEL),
        ("old.bin", b"\xd0\xcf\x11\xe0", TableProblem.OLD_EXCEL),
        ("fake.xlsx", b"name,phone", TableProblem.BROKEN),
        ("scan.pdf", b"%PDF", TableProblem.UNSUPPORTED),
    ):
        with pytest.raises(TableError) as error:
            kind_of(name, data)
        assert error.value.problem is problem
    assert looks_like_table("客户.XLSX")
    assert not looks_like_table("photo.jpg")


def test_workbook_cells_become_text_or_dates() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Name", "Phone", "Birthday", "Visited", "Score"])
    sheet.append(["  Acme ", 13812345678, datetime(1990, 5, 17), datetime(2026, 1, 2, 15, 30), 4.5])
    sheet.append([None, None, None, None, None])
    sheet.append(["Bolt", 8.6138e12, date(2000, 1, 1), None, 3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    kind, lines = read_table("book.xlsx", data, limits=_limits(rows=10), clock=time.monotonic)
    assert kind is FileKind.XLSX
    assert lines[1] == Line(2, ("Acme", "13812345678", date(1990, 5, 17), "2026-01-02 15:30", "4.5"))
    assert lines[2] == Line(4, ("Bolt", "8613800000000", date(2000, 1, 1), "", "3"))


def test_a_broken_workbook_is_refused() -> None:
    with pytest.raises(TableError) as error:
        read_table("x.xlsx", b"PK\x03\x04 not really a zip", limits=_limits(rows=10), clock=time.monotonic)
    assert error.value.problem is TableProblem.BROKEN


def test_csv_is_safe_for_excel_and_reads_back_the_same() -> None:
    rows = [["=SUM(A1)", "+86 138 1234 5678", "-x", "@me", "plain"]]
    data = write_csv(["a", "b", "c", "d", "e"], rows)
    assert data.startswith(codecs.BOM_UTF8)
    assert b"'=SUM(A1),+86 138 1234 5678,'-x,'@me,plain" in data
    assert read_csv(data, _budget(rows=10))[1].cells == tuple(rows[0])


def test_xlsx_keeps_text_as_text_and_dates_as_dates() -> None:
    data = write_xlsx(["a", "b", "c"], [["=1+1", date(2020, 2, 29), 7]], title="客户")
    _, lines = read_table("out.xlsx", data, limits=_limits(rows=10), clock=time.monotonic)
    assert lines == [Line(1, ("a", "b", "c")), Line(2, ("=1+1", date(2020, 2, 29), "7"))]
