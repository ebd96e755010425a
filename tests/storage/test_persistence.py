"""SqlPersistence: what one process writes, the next one (or another replica) reads back."""

from __future__ import annotations

import asyncio
from copy import deepcopy
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import delete, event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BasePersistence,
    CommandHandler,
    ConversationHandler,
    PersistenceInput,
)

from storage.models import PersistedChatData, PersistedConversation, PersistedUserData
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


async def test_bot_data_and_callback_data_stay_in_memory(
    session_factory: async_sessionmaker[AsyncSession], persistence: SqlPersistence
) -> None:
    """PTB is told not to store them; should it hand them over anyway, nothing is kept."""
    assert persistence.store_data == PersistenceInput(bot_data=False, callback_data=False)

    await persistence.update_bot_data({"started": "2026-11-24"})
    await persistence.update_callback_data(CALLBACK_DATA)
    await persistence.refresh_bot_data({})

    restarted = SqlPersistence(session_factory)
    assert await restarted.get_bot_data() == {}
    assert await restarted.get_callback_data() is None


async def test_a_new_process_reads_what_the_last_one_wrote(
    session_factory: async_sessionmaker[AsyncSession], persistence: SqlPersistence
) -> None:
    await persistence.update_user_data(USER_ID, {"draft": {"customer_id": 7, "notes": "带样品"}})
    await persistence.update_chat_data(CHAT_ID, {"lang": "zh_Hans"})
    await persistence.update_conversation("visit", (CHAT_ID, USER_ID), 3)
    await persistence.update_conversation("visit", (CHAT_ID, USER_ID, "inline-msg"), "NOTES")
    await persistence.update_conversation("order", (USER_ID, USER_ID), 1)

    restarted = SqlPersistence(session_factory)

    assert await restarted.get_user_data() == {USER_ID: {"draft": {"customer_id": 7, "notes": "带样品"}}}
    assert await restarted.get_chat_data() == {CHAT_ID: {"lang": "zh_Hans"}}
    assert await restarted.get_conversations("visit") == {
        (CHAT_ID, USER_ID): 3,
        (CHAT_ID, USER_ID, "inline-msg"): "NOTES",
    }
    assert await restarted.get_conversations("order") == {(USER_ID, USER_ID): 1}


async def test_later_writes_replace_earlier_ones(persistence: SqlPersistence) -> None:
    await persistence.update_user_data(USER_ID, {"step": 1})
    await persistence.update_user_data(USER_ID, {"step": 2})
    await persistence.update_chat_data(CHAT_ID, {"v": 1})
    await persistence.update_chat_data(CHAT_ID, {"v": 2})
    await persistence.update_conversation("visit", (CHAT_ID, USER_ID), 1)
    await persistence.update_conversation("visit", (CHAT_ID, USER_ID), 2)

    assert await persistence.get_user_data() == {USER_ID: {"step": 2}}
    assert await persistence.get_chat_data() == {CHAT_ID: {"v": 2}}
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
    await persistence.update_chat_data(CHAT_ID, {"v": 1})
    async with session_factory.begin() as session:
        await session.execute(delete(PersistedChatData))

    await persistence.update_chat_data(CHAT_ID, {"v": 1})

    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(PersistedChatData)) == 0


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


async def _stored_user_data(session_factory: async_sessionmaker[AsyncSession]) -> dict[int, Any]:
    async with session_factory() as session:
        return {row.user_id: row.data for row in await session.scalars(select(PersistedUserData))}


async def test_data_loaded_at_start_then_changed_in_place_is_written(
    session_factory: async_sessionmaker[AsyncSession], persistence: SqlPersistence
) -> None:
    """PTB keeps the dicts a restarted process loads and changes them in place; every change is
    still written, however often the process restarts."""
    await persistence.update_user_data(USER_ID, {"draft": {"step": 1, "notes": []}})
    await persistence.update_chat_data(CHAT_ID, {"lang": "en"})

    for step in (2, 3):
        restarted = SqlPersistence(session_factory)
        user_data = (await restarted.get_user_data())[USER_ID]
        chat_data = (await restarted.get_chat_data())[CHAT_ID]
        user_data["draft"]["step"] = step
        user_data["draft"]["notes"].append(f"note {step}")
        chat_data["lang"] = f"v{step}"
        # As PTB hands data over: a deep copy of the live dicts.
        await restarted.update_user_data(USER_ID, deepcopy(user_data))
        await restarted.update_chat_data(CHAT_ID, deepcopy(chat_data))

    reread = SqlPersistence(session_factory)
    assert await reread.get_user_data() == {USER_ID: {"draft": {"step": 3, "notes": ["note 2", "note 3"]}}}
    assert await reread.get_chat_data() == {CHAT_ID: {"lang": "v3"}}


async def test_key_order_alone_is_not_a_change(
    session_factory: async_sessionmaker[AsyncSession], persistence: SqlPersistence
) -> None:
    await persistence.update_user_data(USER_ID, {"a": 1, "b": 2})
    async with session_factory.begin() as session:
        await session.execute(delete(PersistedUserData))

    await persistence.update_user_data(USER_ID, {"b": 2, "a": 1})

    assert await _stored_user_data(session_factory) == {}


async def _order_dialog(update: object, context: object) -> int:
    return 1


def _application(persistence: SqlPersistence) -> Application:  # type: ignore[type-arg]
    """An application that is never started: only its persistence bookkeeping is used."""
    application = ApplicationBuilder().token("1:unused").persistence(persistence).build()
    application.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("order", _order_dialog)],
            states={1: [CommandHandler("order", _order_dialog)]},
            fallbacks=[],
            name="order",
            persistent=True,
        )
    )
    return application


@pytest.mark.parametrize("load", ["start", "failover"])
async def test_an_application_writes_changes_to_what_it_loaded(
    session_factory: async_sessionmaker[AsyncSession], persistence: SqlPersistence, load: str
) -> None:
    """The restart path (PTB loading at start) and the failover path (`reload_into`), each run
    twice on the same database: what is loaded, then changed, reaches the database."""
    await persistence.update_user_data(USER_ID, {"draft": {"step": 0}})
    await persistence.update_chat_data(CHAT_ID, {"seen": 0})
    await persistence.update_conversation("order", (CHAT_ID, USER_ID), 1)

    for step in (1, 2):
        restarted = SqlPersistence(session_factory)
        application = _application(restarted)
        if load == "start":
            await application._initialize_persistence()
            for handler in application.handlers[0]:
                assert isinstance(handler, ConversationHandler)
                await application._add_ch_to_persistence(handler)
        else:
            await restarted.reload_into(application)
        assert application.user_data[USER_ID] == {"draft": {"step": step - 1}}
        application.user_data[USER_ID]["draft"]["step"] = step
        application.chat_data[CHAT_ID]["seen"] = step
        application.mark_data_for_update_persistence(chat_ids=CHAT_ID, user_ids=USER_ID)
        [handler] = application.handlers[0]
        assert isinstance(handler, ConversationHandler)
        handler._conversations[(CHAT_ID, USER_ID)] = step + 1
        await application.update_persistence()

    reread = SqlPersistence(session_factory)
    assert await reread.get_user_data() == {USER_ID: {"draft": {"step": 2}}}
    assert await reread.get_chat_data() == {CHAT_ID: {"seen": 2}}
    assert await reread.get_conversations("order") == {(CHAT_ID, USER_ID): 3}


async def test_the_writes_of_one_run_are_kept_together(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession], persistence: SqlPersistence
) -> None:
    """PTB starts a run's writes side by side; should one fail (or the process die), none is kept,
    so a dialog's step is never stored without its draft."""
    await persistence.update_user_data(USER_ID, {"draft": {"step": 1}})
    await persistence.update_conversation("order", (CHAT_ID, USER_ID), 1)

    def refuse_conversations(
        connection: object, cursor: object, statement: str, *args: object, **kwargs: object
    ) -> None:
        if "persistence_conversations" in statement:
            raise RuntimeError("connection lost")

    event.listen(engine.sync_engine, "before_cursor_execute", refuse_conversations)
    try:
        results = await asyncio.gather(
            persistence.update_user_data(USER_ID, {"draft": {"step": 2}}),
            persistence.update_chat_data(CHAT_ID, {"seen": 2}),
            persistence.update_conversation("order", (CHAT_ID, USER_ID), 2),
            return_exceptions=True,
        )
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", refuse_conversations)
    assert all(isinstance(result, Exception) for result in results)
    reread = SqlPersistence(session_factory)
    assert await reread.get_user_data() == {USER_ID: {"draft": {"step": 1}}}
    assert await reread.get_chat_data() == {}
    assert await reread.get_conversations("order") == {(CHAT_ID, USER_ID): 1}

    # Nothing is taken as stored: the next run writes the same data.
    await asyncio.gather(
        persistence.update_user_data(USER_ID, {"draft": {"step": 2}}),
        persistence.update_conversation("order", (CHAT_ID, USER_ID), 2),
    )
    assert await reread.get_user_data() == {USER_ID: {"draft": {"step": 2}}}
    assert await reread.get_conversations("order") == {(CHAT_ID, USER_ID): 2}
