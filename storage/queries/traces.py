"""Traces of an erased person in stored messages: outbox payloads and raw webhook updates.

Messages are JSON, so a name or text is looked for as the JSON encoder wrote it (non-ASCII as
\\uXXXX escapes), plain and HTML-escaped; a phone number as its digits once the usual separators
(spaces, dashes, brackets, dots, plus, slash) are taken out, so "138-0013 8000" is found too.
Everything is one set-based statement per table, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Text, and_, cast, delete, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import InboxStatus, OutboxStatus
from storage.models import Inbox, Outbox, PersistedChatData, PersistedUserData

# A name is looked for whole; a free text by its beginning, as pushes may quote it shortened.
MIN_NAME = 2
MIN_TEXT = 8
TEXT_PREFIX = 40
MIN_DIGITS = 6
SEPARATORS = " -().+/"


@dataclass(frozen=True, slots=True)
class Traces:
    """What identifies the person in a message: written words and phone digits."""

    words: frozenset[str]
    digits: frozenset[str]

    @classmethod
    def of(cls, *, names: Iterable[str | None], texts: Iterable[str | None], digits: Iterable[str]) -> Traces:
        found = {name.strip() for name in names if name and len(name.strip()) >= MIN_NAME}
        found |= {text.strip()[:TEXT_PREFIX] for text in texts if text and len(text.strip()) >= MIN_TEXT}
        return cls(words=frozenset(found), digits=frozenset(d for d in digits if len(d) >= MIN_DIGITS))

    def found_in(self, value: object) -> bool:
        """The same test as `mentions`, on a value in hand."""
        text = json.dumps(value, default=str)
        if any(form in text for word in self.words for form in encoded(word)):
            return True
        digits_only = text.translate({ord(ch): None for ch in SEPARATORS})
        return any(run in digits_only for run in self.digits)

    def keys_in(self, data: Mapping[str, Any]) -> list[str]:
        """The entries of saved dialog data that mention the person: a search typed, a draft about
        them. Those entries go; the rest of the dialog data stays."""
        return [key for key, value in data.items() if self.found_in(value)]


def encoded(word: str) -> set[str]:
    """The forms `word` takes inside stored JSON: as written and HTML-escaped."""
    forms = {word, html.escape(word, quote=False), html.escape(word, quote=True)}
    return {json.dumps(form)[1:-1] for form in forms}


def _digits_only(column: ColumnElement[str]) -> ColumnElement[str]:
    for separator in SEPARATORS:
        column = func.replace(column, separator, "")
    return column


def mentions(column: ColumnElement[str], traces: Traces) -> ColumnElement[bool]:
    """True where the JSON text in `column` carries any of the traces."""
    words = [column.contains(form, autoescape=True) for word in traces.words for form in encoded(word)]
    digits = [_digits_only(column).contains(run, autoescape=True) for run in traces.digits]
    return or_(false(), *words, *digits)


async def forget_in_saved_data(session: AsyncSession, *, traces: Traces) -> None:
    """Anyone's saved dialog data (user_data, chat_data) loses the entries that mention the person."""
    users = await session.scalars(
        select(PersistedUserData).where(mentions(cast(PersistedUserData.data, Text), traces))
    )
    chats = await session.scalars(
        select(PersistedChatData).where(mentions(cast(PersistedChatData.data, Text), traces))
    )
    for row in [*users, *chats]:
        gone = set(traces.keys_in(row.data))
        row.data = {key: value for key, value in row.data.items() if key not in gone}
    await session.flush()


async def forget_messages(session: AsyncSession, *, traces: Traces, chat_id: int | None) -> None:
    """Pushes and raw updates to, from or about the person go.

    A sent push about them keeps its delivery record (its key still stops a second send) without
    its text; one not yet sent is dropped, so nothing about them goes out after the erasure. A raw
    update handled already (or in hand: the erasure itself, in webhook mode) keeps its update_id,
    which recognises a redelivery, without its content; the retention deletes the row later.
    """
    to_them = Outbox.chat_id == chat_id if chat_id is not None else false()
    about = mentions(cast(Outbox.payload, Text), traces)
    await session.execute(delete(Outbox).where(or_(to_them, and_(Outbox.status != OutboxStatus.SENT, about))))
    await session.execute(update(Outbox).where(Outbox.status == OutboxStatus.SENT, about).values(payload={}))
    from_them = Inbox.chat_id == chat_id if chat_id is not None else false()
    await session.execute(
        update(Inbox)
        .where(
            Inbox.status != InboxStatus.PENDING, or_(from_them, mentions(cast(Inbox.payload, Text), traces))
        )
        .values(payload={}, last_error=None)
    )
