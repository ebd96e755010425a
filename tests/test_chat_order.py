"""Updates of different chats run side by side; one chat's wait for each other, in arrival order."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update

from bot.chat_order import PerChatOrder


def update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime(2026, 12, 4, tzinfo=UTC), chat, text="hi"))


async def test_one_chat_in_order_other_chats_alongside() -> None:
    processor = PerChatOrder(8)
    events: list[str] = []
    gate = asyncio.Event()

    async def work(name: str, *, hold: bool = False) -> None:
        events.append(f"{name} start")
        if hold:
            await gate.wait()
        events.append(f"{name} end")

    tasks = [
        asyncio.create_task(processor.process_update(update(1, 10), work("a1", hold=True))),
        asyncio.create_task(processor.process_update(update(2, 10), work("a2"))),
        asyncio.create_task(processor.process_update(update(3, 20), work("b1"))),
    ]
    await asyncio.sleep(0.05)
    assert events == ["a1 start", "b1 start", "b1 end"]
    gate.set()
    await asyncio.gather(*tasks)
    assert events[3:] == ["a1 end", "a2 start", "a2 end"]
    assert processor._locks == {}
