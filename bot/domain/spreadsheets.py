"""Spreadsheets as offices produce them, in memory: CSV in UTF-8 (with or without BOM), UTF-16 or
GBK/GB18030, and XLSX; read into rows of cells, and written back for exports and rejected rows.

No I/O beyond the bytes given: the caller downloads and sends. openpyxl (near 30 MB resident) is
imported when a workbook is first read or written, not when the bot starts.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.domain.sheet_limits import Budget, Limits, weigh_archive
from bot.domain.sheet_limits import TableError as TableError
from bot.domain.sheet_limits import TableProblem as TableProblem

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

Cell = str | date
"""A cell as read: trimmed text, or a date where a workbook holds one (a birthday)."""
OutCell = str | int | float | Decimal | date | datetime | None
"""A cell to write; datetimes naive, already in the reader's time zone."""

XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
DELIMITERS = (",", "\t", ";", "|")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
MAX_COLUMN_WIDTH = 40
# A cell that Excel would run as a formula when it opens a CSV (=, @, or +/- followed by more than
# a number): written with a leading apostrophe, which the reader removes again. A Telegram
# @username alone (letters, digits, _) can call nothing, so it is written as typed.
_FORMULA = re.compile(r"^(?:=|@(?![A-Za-z0-9_]{3,32}$)|[+-](?![\d\s().-]*$))")
_NEUTRALISED = re.compile(r"^'(?=[=@+-])")


class FileKind(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True, slots=True)
class Line:
    """One non-empty row and its number as the user's spreadsheet app shows it."""

    number: int
    cells: tuple[Cell, ...]


def kind_of(file_name: str | None, data: bytes) -> FileKind:
    """CSV or XLSX by content first (a renamed file is still read), then by name."""
    name = (file_name or "").lower()
    if data.startswith(XLSX_MAGIC):
        return FileKind.XLSX
    if data.startswith(OLE2_MAGIC) or name.endswith(".xls"):
        raise TableError(TableProblem.OLD_EXCEL)
    if name.endswith(XLSX_SUFFIXES):
        raise TableError(TableProblem.BROKEN)
    if name.endswith(CSV_SUFFIXES):
        return FileKind.CSV
    raise TableError(TableProblem.UNSUPPORTED)


def looks_like_table(file_name: str | None) -> bool:
    """Whether a file's name says it is a spreadsheet (before reading a byte of it)."""
    return (file_name or "").lower().endswith((*CSV_SUFFIXES, *XLSX_SUFFIXES, ".xls"))


def decode(data: bytes) -> str:
    """The text of a CSV: a BOM decides; without one UTF-8, else GB18030 (a superset of GBK and
    GB2312, what Excel on a Chinese Windows saves as "CSV")."""
    if data.startswith(codecs.BOM_UTF8):
        candidates: tuple[tuple[bytes, str], ...] = ((data[len(codecs.BOM_UTF8) :], "utf-8"),)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ((data, "utf-16"),)
    else:
        candidates = ((data, "utf-8"), (data, "gb18030"))
    for raw, encoding in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise TableError(TableProblem.ENCODING)


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _text_cell(value: str) -> str:
    return _NEUTRALISED.sub("", value.strip())


def read_csv(data: bytes, budget: Budget) -> list[Line]:
    budget.size(len(data))
    text = decode(data)
    lines: list[Line] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for row in reader:
            budget.row(len(row))
            cells = tuple(_text_cell(cell) for cell in row)
            if any(cells):
                lines.append(Line(reader.line_num, cells))
    except csv.Error as exc:
        raise TableError(TableProblem.BROKEN) from exc
    if not lines:
        raise TableError(TableProblem.EMPTY)
    return lines


def _workbook_cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date() if value.time() == time(0) else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        # Phone numbers typed into Excel become numbers: 13812345678.0 is read back as digits.
        return str(int(value))
    if isinstance(value, str):
        return _text_cell(value)
    return str(value)


def read_xlsx(data: bytes, budget: Budget) -> list[Line]:
    """The first worksheet's non-empty rows, streamed (read-only mode keeps memory flat)."""
    from openpyxl import load_workbook

    weigh_archive(data, budget)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except MemoryError as exc:  # the reading process's memory cap
        raise TableError(TableProblem.TOO_LARGE) from exc
    except Exception as exc:  # a damaged or foreign zip fails in many ways inside openpyxl
        raise TableError(TableProblem.BROKEN) from exc
    lines: list[Line] = []
    try:
        sheet = workbook.worksheets[0]
        # The dimension the file claims (A1:XFD1048576 pads every row to 16,384 cells and the sheet
        # to a million rows) is ignored: rows as they are, each as wide as its last cell.
        sheet.reset_dimensions()
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            budget.row(len(row))
            cells = tuple(_workbook_cell(value) for value in row)
            if any(cell != "" for cell in cells):
                lines.append(Line(number, cells))
    except TableError:
        raise
    except MemoryError as exc:
        raise TableError(TableProblem.TOO_LARGE) from exc
    except Exception as exc:
        raise TableError(TableProblem.BROKEN) from exc
    finally:
        workbook.close()
    if not lines:
        raise TableError(TableProblem.EMPTY)
    return lines


def read_table(
    file_name: str | None, data: bytes, *, limits: Limits, clock: Callable[[], float]
) -> tuple[FileKind, list[Line]]:
    """The non-empty rows of a CSV or XLSX file, refused as soon as reading it exceeds `limits`."""
    if not data.strip():
        raise TableError(TableProblem.EMPTY)
    kind = kind_of(file_name, data)
    reader = read_xlsx if kind is FileKind.XLSX else read_csv
    return kind, reader(data, Budget(limits, clock))


def _csv_safe(value: str) -> str:
    return "'" + value if _FORMULA.match(value) else value


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """UTF-8 with a BOM, so Excel shows Chinese correctly when the file is double-clicked."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([_csv_safe(cell) for cell in row] for row in rows)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[OutCell]], *, title: str) -> bytes:
    """One sheet, bold frozen headers, dates as real dates; text stays text (never a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    # Any: the stubs lack the column_dimensions a write-only sheet has at runtime.
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(
            MAX_COLUMN_WIDTH, max(12, len(header) * 2 + 2)
        )
    bold = Font(bold=True)
    heading = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: OutCell) -> object:
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=datetime.combine(value, time(0)))
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value
