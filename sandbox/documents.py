"""Sending files as a user and reading the files the bot sent, for the import and export tests."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from collections.abc import Iterable
from datetime import date

from bot.domain.sheet_limits import Limits
from bot.domain.spreadsheets import read_table
from sandbox.harness import Person, Reply

ROOMY = Limits(rows=1_000_000, cells=10_000_000, unpacked_bytes=1 << 30, ratio=1000, seconds=600.0)
"""For reading back what the bot sent: not what is tested."""
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def send_file(
    who: Person, data: bytes, *, filename: str, mime_type: str = CSV_MIME, file_size: int | None = None
) -> Reply:
    """Send a document and return the bot's newest message once it has handled it."""
    update_id = await who.account.send_document(
        data, filename=filename, mime_type=mime_type, file_size=file_size
    )
    await who._settle(update_id)
    return await who.last_message()


async def bot_documents(who: Person) -> list[tuple[str, bytes, str]]:
    """Every document the bot sent to `who`: file name, bytes, caption."""
    found = []
    for message in await who.account.bot_messages():
        if message.document is not None:
            data = await who.account.download(message.document["file_id"])
            found.append((str(message.document.get("file_name")), data, message.caption or ""))
    return found


async def last_document(who: Person) -> tuple[str, bytes, str]:
    documents = await bot_documents(who)
    assert documents, "the bot sent no document"
    return documents[-1]


def table(file_name: str, data: bytes) -> list[list[str]]:
    """A CSV or XLSX file as rows of text (dates as ISO), header row first."""
    _, lines = read_table(file_name, data, limits=ROOMY, clock=time.monotonic)
    return [[cell.isoformat() if isinstance(cell, date) else cell for cell in line.cells] for line in lines]


def csv_bytes(rows: list[list[str]], *, encoding: str = "utf-8", bom: bool = False) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode(encoding)


# Hostile workbooks, written compactly with zipfile: what a file claims costs nothing to write.
_SHEET_PATH = "xl/worksheets/sheet1.xml"
_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
_HEADER_ROWS = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
    b'<row r="2"><c r="A2" t="inlineStr"><is><t>Acme</t></is></c></row>'
)


def xlsx_with_sheet(rows: Iterable[bytes], *, dimension: str = "A1:A2") -> bytes:
    """A workbook whose first sheet has a `name` header, one customer, then `rows` (sheetData XML)."""
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for part in source.infolist():
            if part.filename != _SHEET_PATH:
                target.writestr(part.filename, source.read(part.filename))
                continue
            with target.open(_SHEET_PATH, "w") as sheet:
                sheet.write(
                    _SHEET_HEAD + f'<dimension ref="{dimension}"/><sheetData>'.encode() + _HEADER_ROWS
                )
                for row in rows:
                    sheet.write(row)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def millions_of_empty_rows(rows: int = 6_000_000) -> bytes:
    """A few KB claiming `rows` rows: the dimension says so and the last row is numbered so."""
    return xlsx_with_sheet([f'<row r="{rows}"/>'.encode()], dimension=f"A1:XFD{rows}")


def empty_rows(count: int) -> bytes:
    """`count` empty rows, each written out (`<row r="7"/>`), as a careless export leaves them."""
    return xlsx_with_sheet(f'<row r="{number}"/>'.encode() for number in range(3, count + 3))


def wide_rows(count: int) -> bytes:
    """`count` rows with one cell each in the last column Excel has (XFD, the 16,384th)."""
    return xlsx_with_sheet(
        f'<row r="{n}"><c r="XFD{n}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
        for n in range(3, count + 3)
    )


def packed_sheet(megabytes: int) -> bytes:
    """A sheet padded with `megabytes` MB of blanks, which pack about 1,000 to 1."""
    blank = b" " * (1024 * 1024)
    return xlsx_with_sheet(blank for _ in range(megabytes))
