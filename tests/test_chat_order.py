"""Updates of different chats run side by side; one chat's wait for each other, in arrival order."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update, User

from bot.runtime import ratelimit
from bot.runtime.chat_order import PerChatOrder
from bot.runtime.ratelimit import RateLimiter


def update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    sender = User(chat_id, "Test", is_bot=False)
    sent = datetime(2026, 12, 4, tzinfo=UTC)
    return Update(update_id, message=Message(update_id, sent, chat, from_user=sender, text="hi"))


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


async def test_a_person_waiting_for_their_token_holds_up_no_other_chat_even_one_at_a_time() -> None:
    tokens_due = asyncio.Event()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        await tokens_due.wait()

    limiter = RateLimiter(rate=1.0, burst=1, max_wait=5, clock=lambda: 50.0, sleep=sleep)
    processor = PerChatOrder(1, limiter=limiter)
    events: list[str] = []

    async def work(name: str) -> None:
        events.append(name)

    tasks = [
        asyncio.create_task(processor.process_update(update(1, 10), work("a1"))),
        asyncio.create_task(processor.process_update(update(2, 10), work("a2"))),
        asyncio.create_task(processor.process_update(update(3, 10), work("a3"))),
        asyncio.create_task(processor.process_update(update(4, 20), work("b1"))),
    ]
    await asyncio.sleep(0.05)
    assert events == ["a1", "b1"]
    assert slept == [1.0]
    tokens_due.set()
    await asyncio.gather(*tasks)
    assert events == ["a1", "b1", "a2", "a3"]
    assert slept == [1.0, 2.0]
    assert processor._locks == {}


async def test_a_refused_update_runs_at_once_and_the_guard_reads_its_admission() -> None:
    limiter = RateLimiter(rate=1.0, burst=1, max_wait=0, clock=lambda: 50.0)
    processor = PerChatOrder(1, limiter=limiter)
    seen: list[bool | None] = []

    async def guard() -> None:
        admission = ratelimit.current_admission()
        seen.append(None if admission is None else admission.refused)

    await processor.process_update(update(1, 10), guard())
    await processor.process_update(update(2, 10), guard())
    assert seen == [False, True]
    assert ratelimit.current_admission() is None
