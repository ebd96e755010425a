"""PTB persistence in the database, so a replica that takes over resumes every conversation.

Only JSON data is stored: dicts with str keys, lists, str, int, float, bool and None.
Anything that would come back different (a tuple, an int dict key, a datetime) is refused
with TypeError when PTB writes it, rather than silently changed; PTB reports the error
through the application's error handlers. Conversation states must be JSON too (PTB's
usual int or str states are).

bot_data and callback_data are not stored: bot_data holds only what one process keeps while
it runs (its server, background tasks, renderers), which PTB keeps in memory, and the bot
does not use arbitrary callback data. PTB still asks for their methods, which do nothing.

The database is assumed to have one writer, the leader process, so `refresh_*` have
nothing to re-read, and writes of data equal to what was last stored are skipped (PTB
hands over the user's and chat's data after every update it handles, changed or not).
"What was last stored" is kept as JSON text, never as the object read: PTB keeps and changes
the very dicts `get_*_data` return, so a kept object would always equal the new data and a
user's changes after a restart would never be written. A standby that becomes the leader first loads
everything again (`reload_into`).

The writes PTB hands over in one run of its updater (it starts them side by side) are made in
one transaction, so a process killed while writing never leaves a dialog's step stored without
the draft that goes with it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import CursorResult, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application, BasePersistence, ConversationHandler, PersistenceInput

from storage.models import Base, PersistedChatData, PersistedConversation, PersistedUserData

Data = dict[Any, Any]
# PTB's own aliases (telegram.ext._utils.types is private).
ConversationKey = tuple[int | str, ...]
ConversationDict = MutableMapping[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]

Statement = Callable[[AsyncSession], Awaitable[None]]

DataTable = type[PersistedUserData | PersistedChatData]
KEY_COLUMN: dict[DataTable, str] = {PersistedUserData: "user_id", PersistedChatData: "chat_id"}
# In memory only: see the module's docstring.
STORED = PersistenceInput(bot_data=False, callback_data=False)


@dataclass
class _Run:
    """Writes made together, and what to note once they are committed."""

    statements: list[Statement] = field(default_factory=list)
    after_commit: list[Callable[[], object]] = field(default_factory=list)
    done: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class SqlPersistence(BasePersistence[Data, Data, Data]):
    """user_data, chat_data and conversations in SQL tables.

    `update_interval` is how often PTB writes changes (seconds); it is short because a
    replica that takes over can only resume from what was written.
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        update_interval: float = 1.0,
    ) -> None:
        super().__init__(store_data=STORED, update_interval=update_interval)
        self._db = session_factory
        # What the database holds, as last read or written, keyed by (table, id): JSON text, so
        # nothing PTB later changes in place can alter it.
        self._stored: dict[tuple[DataTable, int], str] = {}
        self._run: _Run | None = None

    async def get_user_data(self) -> dict[int, Data]:
        rows = await self._all(select(PersistedUserData.user_id, PersistedUserData.data))
        self._stored.update(((PersistedUserData, user_id), snapshot(data)) for user_id, data in rows)
        return dict(rows)

    async def get_chat_data(self) -> dict[int, Data]:
        rows = await self._all(select(PersistedChatData.chat_id, PersistedChatData.data))
        self._stored.update(((PersistedChatData, chat_id), snapshot(data)) for chat_id, data in rows)
        return dict(rows)

    async def get_bot_data(self) -> Data:
        """Nothing stored: bot_data starts empty in every process."""
        return {}

    async def get_callback_data(self) -> CDCData | None:
        """Nothing stored: the bot does not use arbitrary callback data."""
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        rows = await self._all(
            select(PersistedConversation.key, PersistedConversation.state).where(
                PersistedConversation.name == name
            )
        )
        return {tuple(json.loads(key)): state for key, state in rows}

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        where = {"name": name, "key": json.dumps(list(key), separators=(",", ":"))}
        if new_state is None:
            await self._apply(_deleting(PersistedConversation, where))
            return
        state = as_json(new_state, f"state of conversation {name!r}")
        await self._apply(_upserting(PersistedConversation, where, {"state": state}))

    async def update_user_data(self, user_id: int, data: Data) -> None:
        await self._write(PersistedUserData, user_id, as_json(data, "user_data"))

    async def update_chat_data(self, chat_id: int, data: Data) -> None:
        await self._write(PersistedChatData, chat_id, as_json(data, "chat_data"))

    async def update_bot_data(self, data: Data) -> None:
        """Not stored: bot_data lives in memory only."""

    async def update_callback_data(self, data: CDCData) -> None:
        """Not stored: the bot does not use arbitrary callback data."""

    async def drop_user_data(self, user_id: int) -> None:
        await self._drop(PersistedUserData, user_id)

    async def drop_chat_data(self, chat_id: int) -> None:
        await self._drop(PersistedChatData, chat_id)

    async def reload_into(self, application: Application) -> None:  # type: ignore[type-arg]
        """Make a process that was a standby hold what the last leader wrote.

        PTB loads persistence once, in `Application.initialize`; a standby started before the
        leader's last writes. On election it must forget what it loaded then (including what a
        dialog that has since ended left) and load afresh, before it handles any update. PTB
        has no public call for this, so its own loaders are used, on emptied containers: an
        untracked empty conversation dict, so nothing is written back or deleted by the swap.
        """
        self._stored.clear()
        application._user_data.clear()
        application._chat_data.clear()
        await application._initialize_persistence()
        for handler in itertools.chain.from_iterable(application.handlers.values()):
            if isinstance(handler, ConversationHandler) and handler.persistent and handler.name:
                handler._conversations = type(handler._conversations)()
                await application._add_ch_to_persistence(handler)

    async def refresh_user_data(self, user_id: int, user_data: Data) -> None:
        """Nothing to do: only this process writes these tables."""

    async def refresh_chat_data(self, chat_id: int, chat_data: Data) -> None:
        """Nothing to do: only this process writes these tables."""

    async def refresh_bot_data(self, bot_data: Data) -> None:
        """Nothing to do: bot_data lives in memory only."""

    async def flush(self) -> None:
        """Nothing is buffered: every update was written when PTB handed it over."""

    async def _all(self, statement: Any) -> list[tuple[Any, Any]]:
        async with self._db() as session:
            result = await session.execute(statement)
            return [(first, second) for first, second in result]

    async def _write(self, model: DataTable, ident: int, data: Any) -> None:
        text = snapshot(data)
        if self._stored.get((model, ident)) == text:
            return
        await self._apply(
            _upserting(model, {KEY_COLUMN[model]: ident}, {"data": data}),
            lambda: self._stored.__setitem__((model, ident), text),
        )

    async def _drop(self, model: DataTable, ident: int) -> None:
        await self._apply(
            _deleting(model, {KEY_COLUMN[model]: ident}), lambda: self._stored.pop((model, ident), None)
        )

    async def _apply(self, statement: Statement, after_commit: Callable[[], object] = lambda: None) -> None:
        """Join the run of writes under way, or start one: its first write waits one turn of the
        event loop, in which the other writes PTB started at the same time join it."""
        run = self._run
        if run is not None:
            run.statements.append(statement)
            run.after_commit.append(after_commit)
            await asyncio.shield(run.done)
            return
        run = self._run = _Run([statement], [after_commit])
        try:
            await asyncio.sleep(0)
            self._run = None
            await self._commit(run)
        except Exception as error:
            run.done.set_exception(error)
            run.done.exception()  # seen, even if no other write joined the run
            raise
        except BaseException:
            run.done.cancel()
            raise
        finally:
            if self._run is run:
                self._run = None
        run.done.set_result(None)

    async def _commit(self, run: _Run) -> None:
        """All of the run in one transaction. Should another writer insert one of its keys in
        between, an insert fails and the second round updates the row that writer made."""
        for attempt in range(2):
            try:
                async with self._db.begin() as session:
                    for statement in run.statements:
                        await statement(session)
                break
            except IntegrityError:
                if attempt:
                    raise
        for note in run.after_commit:
            note()


def _upserting(model: type[Base], key: dict[str, Any], values: dict[str, Any]) -> Statement:
    """Update the row, or insert it if there is none: portable, no dialect upsert needed."""

    async def upsert(session: AsyncSession) -> None:
        result = await session.execute(
            update(model).filter_by(**key).values(**values).execution_options(synchronize_session=False)
        )
        if cast(CursorResult[Any], result).rowcount == 0:
            await session.execute(insert(model).values(**key, **values))

    return upsert


def _deleting(model: type[Base], key: dict[str, Any]) -> Statement:
    async def delete_row(session: AsyncSession) -> None:
        await session.execute(delete(model).filter_by(**key))

    return delete_row


def as_json(value: Any, what: str) -> Any:
    """`value` exactly as it will come back from a JSON column; TypeError if it would change."""
    try:
        restored = json.loads(json.dumps(value))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must be JSON-serialisable: {exc}") from None
    if restored != value:
        raise TypeError(f"{what} would not survive JSON unchanged (tuples, non-str dict keys?)")
    return restored


def snapshot(data: Any) -> str:
    """JSON data as text: equal texts mean equal stored data, whatever the key order."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
