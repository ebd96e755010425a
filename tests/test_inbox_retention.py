"""Processed webhook updates hold people's raw messages: they are deleted INBOX_RETENTION_HOURS after
processing, in one statement, by the inbox processor (when it starts and then every few minutes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.domain.enums import InboxStatus
from bot.runtime.settings import SettingsError, load_settings
from sandbox import SandboxServer
from sandbox.harness import webhook_bot
from storage.db import create_engine, utcnow
from storage.models import Inbox
from storage.queries import inbox

NOW = datetime(2027, 5, 12, 2, 0, tzinfo=UTC)


def rows(now: datetime) -> list[Inbox]:
    """One row per case: the update_id says whether the retention of a day lets it go."""
    day_ago, hour_ago = now - timedelta(days=1, minutes=1), now - timedelta(hours=1)

    def row(update_id: int, status: InboxStatus, received: datetime, processed: datetime | None) -> Inbox:
        payload = {"update_id": update_id, "message": {"text": "call me on 138 1234 5678"}}
        return Inbox(
            update_id=update_id,
            chat_id=7,
            payload=payload,
            status=status,
            received_at=received,
            processed_at=processed,
        )

    return [
        row(1, InboxStatus.DONE, day_ago, day_ago),  # handled over a day ago: goes
        row(2, InboxStatus.FAILED, day_ago, day_ago),  # given up on over a day ago: goes
        row(3, InboxStatus.FAILED, day_ago, None),  # given up on while interrupted: goes by arrival
        row(11, InboxStatus.DONE, day_ago, hour_ago),  # arrived long ago, handled an hour ago: stays
        row(12, InboxStatus.PENDING, day_ago, None),  # never handled: stays, whatever its age
        row(13, InboxStatus.PROCESSING, day_ago, None),  # in hand: stays
        row(14, InboxStatus.DONE, hour_ago, hour_ago),
    ]


async def stored_ids(database_url: str) -> list[int]:
    engine = create_engine(database_url)
    try:
        async with async_sessionmaker(engine)() as session:
            return list(await session.scalars(select(Inbox.update_id).order_by(Inbox.update_id)))
    finally:
        await engine.dispose()


async def test_processed_rows_older_than_the_retention_are_deleted_in_one_statement(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        sessions = async_sessionmaker(engine)
        async with sessions.begin() as session:
            session.add_all(rows(NOW))
        async with sessions.begin() as session:
            assert await inbox.prune(session, processed_before=NOW - timedelta(days=1)) == 3
        async with sessions.begin() as session:
            assert await inbox.prune(session, processed_before=NOW - timedelta(days=1)) == 0
    finally:
        await engine.dispose()
    assert await stored_ids(database_url) == [11, 12, 13, 14]


async def test_the_inbox_processor_deletes_old_rows_when_it_starts(
    sandbox: SandboxServer, database_url: str
) -> None:
    engine = create_engine(database_url)
    try:
        async with async_sessionmaker(engine).begin() as session:
            # Rows waiting or in hand would be processed (they are not real updates); keep those out.
            waiting = (InboxStatus.PENDING, InboxStatus.PROCESSING)
            session.add_all(row for row in rows(utcnow()) if row.status not in waiting)
    finally:
        await engine.dispose()
    async with webhook_bot(sandbox, database_url, inbox_retention_hours=24):
        assert await stored_ids(database_url) == [11, 14]


async def test_a_shorter_retention_lets_more_go(sandbox: SandboxServer, database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with async_sessionmaker(engine).begin() as session:
            session.add(
                Inbox(
                    update_id=21,
                    chat_id=7,
                    payload={"update_id": 21},
                    status=InboxStatus.DONE,
                    received_at=utcnow() - timedelta(hours=3),
                    processed_at=utcnow() - timedelta(hours=3),
                )
            )
    finally:
        await engine.dispose()
    async with webhook_bot(sandbox, database_url, inbox_retention_hours=2):
        assert await stored_ids(database_url) == []


@pytest.mark.parametrize(
    ("value", "accepted"), [("24", True), ("1", True), ("720", True), ("0", False), ("721", False)]
)
def test_the_retention_is_between_an_hour_and_a_month(
    value: str, accepted: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INBOX_RETENTION_HOURS", value)
    if accepted:
        assert load_settings(_env_file=None).inbox_retention() == timedelta(hours=int(value))
    else:
        with pytest.raises(SettingsError, match=r"^INBOX_RETENTION_HOURS: "):
            load_settings(_env_file=None)
