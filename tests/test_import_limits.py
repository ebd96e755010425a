"""Hostile spreadsheets, sent by a manager through the sandbox: each is refused naming the limit it
hit, and nobody else waits while it is read (the reading runs in a child process, beside the
updates, outside any transaction)."""

from __future__ import annotations

import asyncio
import dataclasses
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.domain.spreadsheets import FileKind, Line
from bot.runtime import background, sheet_reader
from bot.services import imports
from sandbox.documents import (
    CSV_MIME,
    XLSX_MIME,
    csv_bytes,
    empty_rows,
    millions_of_empty_rows,
    packed_sheet,
    send_file,
    wide_rows,
)
from sandbox.factories import MANAGER_TG, REP_TG, count, customer, person, sales_team
from sandbox.harness import Harness, Person
from storage.models import Customer

ROWS = "This file has more than 100,000 rows (empty rows count too)."
READING = "Reading hostile.xlsx…"


def _hold_reading(monkeypatch: pytest.MonkeyPatch) -> tuple[asyncio.Event, asyncio.Event]:
    """Reading waits for `release` once it has begun (`begun`): the test decides what happens meanwhile."""
    begun, release = asyncio.Event(), asyncio.Event()
    real: Callable[..., Awaitable[tuple[FileKind, list[Line]]]] = sheet_reader.read

    async def held(*args: Any, **kwargs: Any) -> tuple[FileKind, list[Line]]:
        begun.set()
        await release.wait()
        return await real(*args, **kwargs)

    monkeypatch.setattr(sheet_reader, "read", held)
    return begun, release


async def _handled(bot: Harness, update_id: int) -> None:
    """The update handled, without waiting for the work it left running."""
    await bot.client.wait_delivered(update_id)
    await asyncio.wait_for(bot.app.update_queue.join(), 10)


async def _send_hostile(bot: Harness, manager: Person, data: bytes) -> None:
    update_id = await manager.account.send_document(data, filename="hostile.xlsx", mime_type=XLSX_MIME)
    await _handled(bot, update_id)


async def test_another_users_help_is_answered_before_the_verdict_on_a_hostile_file(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    team = await sales_team(bot)
    manager = await person(bot, MANAGER_TG)
    rep = await person(bot, REP_TG)
    begun, release = _hold_reading(monkeypatch)
    try:
        await _send_hostile(bot, manager, millions_of_empty_rows())
        await asyncio.wait_for(begun.wait(), 10)

        await _handled(bot, await rep.account.send("/help"))
        help_reply = await rep.account.last_message()
        assert help_reply.content.startswith("As a sales rep you log visits and orders")
        status = await manager.account.last_message()
        assert status.content == READING, "no verdict yet: the /help reply came first"
        # No transaction is open while the file is read: on SQLite a write would wait for it.
        await asyncio.wait_for(
            customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Meanwhile"), 10
        )
    finally:
        release.set()
    await asyncio.wait_for(background.settled(bot.app), 60)
    verdict = await manager.last_message()
    assert verdict.message.message_id == status.message_id, "the status message turned into the verdict"
    assert verdict.text.startswith(ROWS)
    assert "delete the empty rows" in verdict.text
    assert await count(bot, Customer) == 1


async def test_help_is_answered_while_a_hostile_file_is_really_read(bot: Harness) -> None:
    await sales_team(bot)
    manager = await person(bot, MANAGER_TG)
    rep = await person(bot, REP_TG)
    await _send_hostile(bot, manager, empty_rows(150_000))
    assert (await manager.account.last_message()).content == READING
    await _handled(bot, await rep.account.send("/help"))
    assert (await rep.account.last_message()).content.startswith("As a sales rep")
    await asyncio.wait_for(background.settled(bot.app), 60)
    assert (await manager.last_message()).text.startswith(ROWS)


@pytest.mark.parametrize(
    ("name", "build", "refusal"),
    [
        ("claims.xlsx", millions_of_empty_rows, ROWS),
        ("blank.xlsx", lambda: empty_rows(150_000), ROWS),
        ("blank.csv", lambda: b"name\r\nAcme\r\n" + b",\r\n" * 150_000, ROWS),
        ("wide.xlsx", lambda: wide_rows(200), "This file has more than 2,500,000 cells (rows × columns"),
        ("bomb.xlsx", lambda: packed_sheet(50), "This file unpacks to more than 100 times its size"),
    ],
    ids=["claimed-rows", "empty-rows", "empty-csv-rows", "wide", "zip-bomb"],
)
async def test_a_hostile_file_is_refused_naming_the_limit(
    bot: Harness, name: str, build: Callable[[], bytes], refusal: str
) -> None:
    await sales_team(bot)
    manager = await person(bot, MANAGER_TG)
    mime = CSV_MIME if name.endswith(".csv") else XLSX_MIME
    reply = await send_file(manager, build(), filename=name, mime_type=mime)
    assert reply.text.startswith(refusal)
    assert reply.buttons() == []
    assert await count(bot, Customer) == 0
    # The way forward works: a real file right after is previewed.
    reply = await send_file(manager, csv_bytes([["name"], ["Acme"]]), filename="fixed.csv")
    assert "1 new customer" in reply.text


async def test_the_refusal_is_in_the_managers_language(bot: Harness) -> None:
    await sales_team(bot, manager_locale="zh_Hans")
    manager = await person(bot, MANAGER_TG, chinese=True)
    reply = await send_file(manager, millions_of_empty_rows(), filename="hostile.xlsx", mime_type=XLSX_MIME)
    assert reply.text.startswith("这个文件超过100,000行（空行也计算在内）。")
    reply = await send_file(manager, packed_sheet(50), filename="bomb.xlsx", mime_type=XLSX_MIME)
    assert reply.text.startswith("这个文件解压后超过原大小的100倍")


async def test_a_reading_that_outlasts_the_deadline_is_stopped(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child that never answers is killed at the deadline; the manager is told the time limit."""
    marker = "stuck-reader-7f3a"
    monkeypatch.setattr(sheet_reader, "CHILD_ARGS", ("-c", f"import time; time.sleep(120)  # {marker}"))
    monkeypatch.setattr(sheet_reader, "GRACE_SECONDS", 0.5)
    monkeypatch.setattr(imports, "LIMITS", dataclasses.replace(imports.LIMITS, seconds=2.0))
    await sales_team(bot)
    manager = await person(bot, MANAGER_TG)
    reply = await send_file(manager, csv_bytes([["name"], ["Acme"]]), filename="slow.csv")
    assert reply.text.startswith("Reading this file took more than 2 seconds, so I stopped.")
    assert not _running(marker), "the child was killed"
    assert await count(bot, Customer) == 0


def _running(marker: str) -> bool:
    return any(marker in _cmdline(path) for path in Path("/proc").glob("[0-9]*/cmdline"))


def _cmdline(path: Path) -> str:
    try:
        return path.read_bytes().decode(errors="replace")
    except OSError:
        return ""


async def test_one_file_at_a_time_per_manager(bot: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    await sales_team(bot)
    manager = await person(bot, MANAGER_TG)
    begun, release = _hold_reading(monkeypatch)
    try:
        await _send_hostile(bot, manager, millions_of_empty_rows())
        await asyncio.wait_for(begun.wait(), 10)
        update_id = await manager.account.send_document(
            csv_bytes([["name"], ["Acme"]]), filename="second.csv", mime_type=CSV_MIME
        )
        await _handled(bot, update_id)
        busy = await manager.account.last_message()
        assert (
            busy.content == "I'm still working on your last file. Please wait for my answer, then try again."
        )
    finally:
        release.set()
    await asyncio.wait_for(background.settled(bot.app), 60)
    assert (await manager.account.bot_messages())[-2].content.startswith(ROWS)
    reply = await send_file(manager, csv_bytes([["name"], ["Acme"]]), filename="second.csv")
    assert "1 new customer" in reply.text


def test_the_reader_runs_the_interpreter_that_runs_the_bot() -> None:
    assert sheet_reader.CHILD_ARGS == ("-m", "bot.runtime.sheet_reader")
    assert sys.executable
