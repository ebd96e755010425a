"""SqlPersistence: what one process writes, the next one (or another replica) reads back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import BasePersistence

from storage.models import PersistedBotData, PersistedConversation
from storage.persistence import SqlPersistence

CHAT_ID = -1001234567890
USER_ID = 987654321
CALLBACK_DATA = ([("5f1c", 1764000000.5, {"btn": "visit:42"})], {"cq-1": "5f1c"})


@pytest.fixture
def persistence(session_factory: async_sessionmaker[AsyncSession]) -> SqlPersistence:
    return SqlPersistence(session_factory)


async def test_implements_every_abstract_method(persistence: SqlPersistence) -> None:
    assert isinstance(persistence, BasePersistence)
    assert persistence.update_interval == 1.0


async def test_a_fresh_database_holds_nothing(persistence: SqlPersistence) -> None:
    assert await persistence.get_user_data() == {}
    assert await persistence.get_chat_data() == {}
    assert await persistence.get_bot_data() == {}
    assert await persistence.get_callback_data() is None
    assert await persistence.get_conversations("visit") == {}


async def test_a_new_process_reads_what_the_last_one_wrote(
    session_factory: async_sessionmaker[AsyncSession], persistence: SqlPersistence
) -> None:
    await persistence.update_user_data(USER_ID, {"draft": {"customer_id": 7, "notes": "带样品"}})
    await persistence.update_chat_data(CHAT_ID, {"lang": "zh_Hans"})
    await persistence.update_bot_data({"started": "2026-11-24"})
    await persistence.update_callback_data(CALLBACK_DATA)
    await persistence.update_conversation("visit", (CHAT_ID, USER_ID), 3)
    await persistence.update_conversation("visit", (CHAT_ID, USER_ID, "inline-msg"), "NOTES")
    await persistence.update_conversation("order", (USER_ID, USER_ID), 1)

    restarted = SqlPersistence(session_factory)

    assert await restarted.get_user_data() == {USER_ID: {"draft": {"customer_id": 7, "notes": "带样品"}}}
    assert await restarted.get_chat_data() == {CHAT_ID: {"lang": "zh_Hans"}}
    assert await restarted.get_bot_data() == {"started": "2026-11-24"}
    assert await restarted.get_callback_data() == CALLBACK_DATA
    assert await restarted.get_conversations("visit") == {
        (CHAT_ID, USER_ID): 3,
        (CHAT_ID, USER_ID, "inline-msg"): "NOTES",
    }
    assert await restarted.get_conversations("order") == {(USER_ID, USER_ID): 1}


async def test_later_writes_replace_earlier_ones(persistence: SqlPersistence) -> None:
    await persistence.update_user_data(USER_ID, {"step": 1})
    await persistence.update_user_data(USER_ID, {"step": 2})
    await persistence.update_bot_data({"v": 1})
    await persistence.update_bot_data({"v": 2})
    await persistence.update_conversation("visit", (CHAT_ID, USER_ID), 1)
    await persistence.update_conversation("visit", (CHAT_ID, USER_ID), 2)

    assert await persistence.get_user_data() == {USER_ID: {"step": 2}}
    assert await persistence.get_bot_data() == {"v": 2}
    assert await persistence.get_conversations("visit") == {(CHAT_ID, USER_ID): 2}


async def test_drop_and_end_remove_rows(persistence: SqlPersistence) -> None:
    await persistence.update_user_data(USER_ID, {"a": 1})
    await persistence.update_user_data(USER_ID + 1, {"b": 2})
    await persistence.update_chat_data(CHAT_ID, {"c": 3})
    await persistence.update_conversation("visit", (CHAT_ID, USER_ID), 1)

    await persistence.drop_user_data(USER_ID)
    await persistence.drop_chat_data(CHAT_ID)
    await persistence.update_conversation("visit", (CHAT_ID, USER_ID), None)

    assert await persistence.get_user_data() == {USER_ID + 1: {"b": 2}}
    assert await persistence.get_chat_data() == {}
    assert await persistence.get_conversations("visit") == {}


async def test_data_written_again_after_a_drop(persistence: SqlPersistence) -> None:
    await persistence.update_user_data(USER_ID, {"a": 1})
    await persistence.drop_user_data(USER_ID)
    await persistence.update_user_data(USER_ID, {"a": 1})

    assert await persistence.get_user_data() == {USER_ID: {"a": 1}}


async def test_unchanged_data_is_not_written_again(
    session_factory: async_sessionmaker[AsyncSession], persistence: SqlPersistence
) -> None:
    await persistence.update_bot_data({"v": 1})
    async with session_factory.begin() as session:
        await session.execute(delete(PersistedBotData))

    await persistence.update_bot_data({"v": 1})

    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(PersistedBotData)) == 0


@pytest.mark.parametrize(
    "data",
    [{1: "int key"}, {"t": (1, 2)}, {"at": datetime(2026, 11, 24, tzinfo=UTC)}, {"s": {1, 2}}],
    ids=["int-key", "tuple", "datetime", "set"],
)
async def test_data_json_would_change_is_refused(persistence: SqlPersistence, data: dict[Any, Any]) -> None:
    with pytest.raises(TypeError):
        await persistence.update_user_data(USER_ID, data)

    assert await persistence.get_user_data() == {}


async def test_conversation_states_must_be_json(persistence: SqlPersistence) -> None:
    with pytest.raises(TypeError):
        await persistence.update_conversation("visit", (CHAT_ID, USER_ID), object())


async def test_flush_and_refresh_are_harmless(persistence: SqlPersistence) -> None:
    user_data = {"a": 1}
    await persistence.refresh_user_data(USER_ID, user_data)
    await persistence.refresh_chat_data(CHAT_ID, {})
    await persistence.refresh_bot_data({})
    await persistence.flush()

    assert user_data == {"a": 1}


async def test_conversation_keys_are_stored_as_json_text(
    session_factory: async_sessionmaker[AsyncSession], persistence: SqlPersistence
) -> None:
    await persistence.update_conversation("visit", (CHAT_ID, USER_ID), 1)

    async with session_factory() as session:
        key = await session.scalar(select(PersistedConversation.key))

    assert key == f"[{CHAT_ID},{USER_ID}]"
