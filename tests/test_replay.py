"""A crash after an update's work was committed but before its inbox row was marked done: the next
process handles the update again, from the conversation state saved before it, and the database
ends as one run would have left it.

Each test drives a dialog in webhook mode up to its last step, keeps the saved conversation state,
takes the last step, then stops the replica and puts the state and the inbox row back as a process
killed at that moment would have left them. A second replica then processes the update again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from bot.domain.enums import InboxStatus
from sandbox import SandboxServer
from sandbox.factories import REP_TG, count, customer, person, sales_team
from sandbox.harness import Harness, inbox_processed, webhook_bot
from storage.models import (
    Base,
    Inbox,
    Order,
    Outbox,
    PersistedConversation,
    PersistedUserData,
    Ticket,
    TicketEvent,
)
from tests.support.complaints import desk

STATE_TABLES: tuple[type[Base], ...] = (PersistedConversation, PersistedUserData)
Saved = dict[type[Base], list[dict[str, Any]]]


@asynccontextmanager
async def replica(sandbox: SandboxServer, database_url: str) -> AsyncIterator[Harness]:
    async with webhook_bot(sandbox, database_url) as bot:
        yield bot


async def saved_state(bot: Harness) -> Saved:
    """The conversation state as the processor last wrote it."""
    async with bot.app.db() as session:
        return {
            table: [dict(row._mapping) for row in await session.execute(select(*table.__table__.columns))]
            for table in STATE_TABLES
        }


async def last_update(bot: Harness) -> int:
    async with bot.app.db() as session:
        newest = await session.scalar(select(func.max(Inbox.update_id)))
    assert newest is not None
    return int(newest)


async def crash_before_done(bot: Harness, state: Saved, update_id: int) -> None:
    """Leave the database as a process killed after the update's commit, before anything else."""
    async with bot.app.db.begin() as session:
        for table, rows in state.items():
            await session.execute(delete(table))
            if rows:
                await session.execute(insert(table), rows)
        await session.execute(
            update(Inbox)
            .where(Inbox.update_id == update_id)
            .values(status=InboxStatus.PROCESSING, attempts=1, processed_at=None)
        )


async def totals(bot: Harness, *models: type[Base]) -> list[int]:
    return [await count(bot, model) for model in models]


async def test_a_complaint_filed_again_after_a_crash_opens_one_ticket(
    sandbox: SandboxServer, database_url: str
) -> None:
    async with replica(sandbox, database_url) as bot:
        d = await desk(bot)
        await d.guest.send("/complaint")
        await d.guest.press("Delivery")
        await d.guest.send("The tea arrived broken.")
        before = await saved_state(bot)
        done = await d.guest.press("Skip")
        assert done.text.startswith("✅ Your complaint is registered as Complaint #1.")
        skipped = await last_update(bot)
        after = await totals(bot, Ticket, TicketEvent, Outbox)
        assert after[0] == 1
        await crash_before_done(bot, before, skipped)

    async with replica(sandbox, database_url) as bot:
        row = await inbox_processed(bot.app, skipped)
        assert (row.status, row.attempts) == (InboxStatus.DONE, 2)
        assert await totals(bot, Ticket, TicketEvent, Outbox) == after
        guest = await bot.person(d.guest.id)
        confirmations = [r.text for r in await guest.replies() if "registered as" in r.text]
        # The customer may read the confirmation twice, but it names the one ticket both times.
        assert len(confirmations) == 2
        assert all("Complaint #1." in text for text in confirmations)


async def test_a_message_to_a_ticket_relayed_again_after_a_crash_is_kept_once(
    sandbox: SandboxServer, database_url: str
) -> None:
    async with replica(sandbox, database_url) as bot:
        d = await desk(bot, chinese=True)
        await d.guest.send("/complaint")
        await d.guest.press("配送")
        await d.guest.send("茶叶送到时碎了。")
        await d.guest.press("跳过")
        before = await saved_state(bot)
        added = await d.guest.send("请问什么时候能处理？🙏")
        assert "投诉 #1" in added.text
        written = await last_update(bot)
        after = await totals(bot, Ticket, TicketEvent, Outbox)
        await crash_before_done(bot, before, written)

    async with replica(sandbox, database_url) as bot:
        row = await inbox_processed(bot.app, written)
        assert (row.status, row.attempts) == (InboxStatus.DONE, 2)
        assert await totals(bot, Ticket, TicketEvent, Outbox) == after
        async with bot.app.db() as session:
            bodies = list(
                await session.scalars(select(TicketEvent.body).where(TicketEvent.kind == "reply_in"))
            )
        assert bodies == ["请问什么时候能处理？🙏"]


async def test_an_order_saved_again_after_a_crash_is_stored_once(
    sandbox: SandboxServer, database_url: str
) -> None:
    async with replica(sandbox, database_url) as bot:
        team = await sales_team(bot)
        await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Acme")
        rep = await person(bot, REP_TG)
        await rep.send("/order")
        await rep.press("Acme")
        await rep.send("1,234.50")
        await rep.press("USD")
        await rep.send("Widgets × 10")
        await rep.press("Today")
        before = await saved_state(bot)
        saved = await rep.press("✅ Save")
        assert "Order of $1,234.50 from Acme saved." in saved.text
        pressed = await last_update(bot)
        await crash_before_done(bot, before, pressed)

    async with replica(sandbox, database_url) as bot:
        row = await inbox_processed(bot.app, pressed)
        assert (row.status, row.attempts) == (InboxStatus.DONE, 2)
        assert await count(bot, Order) == 1
