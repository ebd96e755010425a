"""Sending files as a user and reading the files the bot sent, for the import and export tests."""

from __future__ import annotations

import csv
import io
from datetime import date

from bot.domain.spreadsheets import read_table
from tests.harness import Person, Reply

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
    _, lines = read_table(file_name, data, max_rows=1_000_000)
    return [[cell.isoformat() if isinstance(cell, date) else cell for cell in line.cells] for line in lines]


def csv_bytes(rows: list[list[str]], *, encoding: str = "utf-8", bom: bool = False) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode(encoding)
