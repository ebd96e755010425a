"""The outbox sender against the sandbox Bot API: delivery, pacing, and every failure Telegram has.

The sender is driven by calling `drain(now=...)` with explicit times, so backoffs and flood waits
are checked without sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.domain.enums import OutboxStatus
from bot.outbox.sender import Limits, OutboxSender, Outcome
from bot.runtime.jobs import background
from bot.runtime.settings import SettingsError, load_settings
from sandbox import SandboxClient, SandboxServer, SandboxUser
from sandbox.harness import TOKEN, running_bot, settings_for
from storage.db import create_engine, create_session_factory
from storage.models import Outbox, Team, User
from storage.queries import outbox

T0 = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


@dataclass
class Rig:
    db: async_sessionmaker[AsyncSession]
    client: SandboxClient
    sender: OutboxSender
    server: SandboxServer

    async def person(self, telegram_id: int) -> SandboxUser:
        async with self.db.begin() as session:
            session.add(User(telegram_id=telegram_id, chat_id=telegram_id, first_name="Wen", locale="en"))
        account = await self.client.user(telegram_id, first_name="Wen")
        await account.send("hello")
        return account

    async def push(self, chat_id: int, text: str, *, key: str | None = None, now: datetime = T0) -> bool:
        async with self.db.begin() as session:
            user_id = await session.scalar(select(User.id).where(User.chat_id == chat_id))
            return await outbox.enqueue(
                session,
                dedupe_key=key or f"test:{chat_id}:{text}",
                chat_id=chat_id,
                user_id=user_id,
                kind="test",
                payload={"method": "sendMessage", "params": {"text": text}},
                now=now,
            )

    async def enqueue(
        self, chat_id: int, params: dict[str, Any], *, key: str, not_before: datetime | None = None
    ) -> None:
        """Queue a sendMessage straight through `outbox.enqueue`, with no user row linked, at T0."""
        async with self.db.begin() as session:
            await outbox.enqueue(
                session,
                dedupe_key=key,
                chat_id=chat_id,
                kind="test",
                payload={"method": "sendMessage", "params": params},
                now=T0,
                not_before=not_before,
            )

    async def rows(self) -> list[Outbox]:
        async with self.db() as session:
            return list(await session.scalars(select(Outbox).order_by(Outbox.id)))

    async def row(self) -> Outbox:
        (only,) = await self.rows()
        return only


@pytest.fixture
async def rig(sandbox: SandboxServer, database_url: str) -> AsyncIterator[Rig]:
    engine = create_engine(database_url)
    bot = Bot(TOKEN, base_url=f"{sandbox.url}/bot")
    try:
        async with SandboxClient(sandbox.url, TOKEN) as client, bot:
            yield Rig(
                create_session_factory(engine),
                client,
                OutboxSender(bot, create_session_factory(engine)),
                sandbox,
            )
    finally:
        await engine.dispose()


async def texts(user: SandboxUser) -> list[str]:
    return [message.content for message in await user.bot_messages()]


async def test_delivers_and_marks_sent(rig: Rig) -> None:
    wen = await rig.person(501)
    keyboard = {"inline_keyboard": [[{"text": "Open", "callback_data": "cust:open:1"}]]}
    await rig.enqueue(501, {"text": "你好 👋", "reply_markup": keyboard}, key="k1")
    drained = await rig.sender.drain(now=T0)
    assert drained[Outcome.SENT] == 1
    (message,) = await wen.bot_messages()
    assert message.content == "你好 👋"
    assert message.buttons() == [["Open"]]
    row = await rig.row()
    assert (row.status, row.message_id, row.sent_at, row.attempts) == (
        OutboxStatus.SENT,
        message.message_id,
        T0,
        1,
    )
    assert (await rig.sender.drain(now=T0 + timedelta(seconds=5)))[Outcome.SENT] == 0
    assert len(await wen.bot_messages()) == 1


async def test_enqueue_is_idempotent(rig: Rig) -> None:
    await rig.person(502)
    assert await rig.push(502, "once", key="same")
    assert not await rig.push(502, "twice", key="same")
    assert [row.payload["params"]["text"] for row in await rig.rows()] == ["once"]


async def test_not_before_is_respected(rig: Rig) -> None:
    wen = await rig.person(503)
    await rig.enqueue(503, {"text": "later"}, key="later", not_before=T0 + timedelta(minutes=10))
    await rig.sender.drain(now=T0)
    assert await texts(wen) == []
    await rig.sender.drain(now=T0 + timedelta(minutes=10))
    assert await texts(wen) == ["later"]


async def test_paced_one_message_a_second_per_private_chat(rig: Rig) -> None:
    wen = await rig.person(504)
    li = await rig.person(505)
    for text in ("one", "two", "three"):
        await rig.push(504, text)
    await rig.push(505, "hello Li")
    first = await rig.sender.drain(now=T0)
    assert (first[Outcome.SENT], first[Outcome.DEFERRED]) == (2, 2)
    assert await texts(wen) == ["one"]
    assert await texts(li) == ["hello Li"]
    await rig.sender.drain(now=T0 + timedelta(milliseconds=500))
    assert await texts(wen) == ["one"]
    await rig.sender.drain(now=T0 + timedelta(seconds=1))
    await rig.sender.drain(now=T0 + timedelta(seconds=2))
    assert await texts(wen) == ["one", "two", "three"]
    assert {row.attempts for row in await rig.rows()} == {1}


async def test_overall_rate_leaves_headroom(rig: Rig) -> None:
    rig.sender = OutboxSender(rig.sender.bot, rig.db, limits=Limits(per_second=3))
    for telegram_id in range(510, 515):
        await rig.person(telegram_id)
        await rig.push(telegram_id, "digest")
    assert (await rig.sender.drain(now=T0))[Outcome.SENT] == 3
    assert (await rig.sender.drain(now=T0 + timedelta(milliseconds=200)))[Outcome.SENT] == 0
    assert (await rig.sender.drain(now=T0 + timedelta(seconds=1)))[Outcome.SENT] == 2


async def test_flood_wait_reschedules_without_burning_an_attempt(rig: Rig) -> None:
    wen = await rig.person(520)
    await rig.push(520, "busy")
    await rig.client.inject_fault("sendMessage", status=429, retry_after=30)
    assert (await rig.sender.drain(now=T0))[Outcome.RETRY] == 1
    row = await rig.row()
    assert (row.status, row.attempts, row.not_before) == (OutboxStatus.PENDING, 0, T0 + timedelta(seconds=30))
    assert "RetryAfter" in (row.last_error or "")
    await rig.sender.drain(now=T0 + timedelta(seconds=29))
    assert await texts(wen) == []
    await rig.sender.drain(now=T0 + timedelta(seconds=30))
    assert await texts(wen) == ["busy"]
    assert (await rig.row()).status == OutboxStatus.SENT


async def test_server_errors_back_off_then_die(rig: Rig) -> None:
    wen = await rig.person(530)
    await rig.push(530, "flaky")
    await rig.client.inject_fault("sendMessage", status=502, times=10)
    limits = rig.sender.limits
    now = T0
    waits = []
    for attempt in range(1, limits.max_attempts):
        assert (await rig.sender.drain(now=now))[Outcome.RETRY] == 1
        row = await rig.row()
        assert (row.status, row.attempts) == (OutboxStatus.PENDING, attempt)
        waits.append(row.not_before - now)
        assert (await rig.sender.drain(now=row.not_before - timedelta(seconds=1)))[Outcome.RETRY] == 0
        now = row.not_before
    assert waits == [timedelta(seconds=10 * 2**n) for n in range(limits.max_attempts - 1)]
    assert (await rig.sender.drain(now=now))[Outcome.DEAD] == 1
    row = await rig.row()
    assert (row.status, row.attempts) == (OutboxStatus.DEAD, limits.max_attempts)
    assert "Bad Gateway" in (row.last_error or "")
    await rig.sender.drain(now=now + timedelta(days=1))
    assert await texts(wen) == []


async def test_server_error_then_success(rig: Rig) -> None:
    wen = await rig.person(531)
    await rig.push(531, "second time lucky")
    await rig.client.inject_fault("sendMessage", status=500)
    await rig.sender.drain(now=T0)
    await rig.sender.drain(now=T0 + timedelta(seconds=10))
    assert await texts(wen) == ["second time lucky"]
    row = await rig.row()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)


async def test_blocked_user_is_marked_and_not_retried(rig: Rig) -> None:
    wen = await rig.person(540)
    await wen.block()
    await rig.push(540, "anyone there?")
    assert (await rig.sender.drain(now=T0))[Outcome.DEAD] == 1
    row = await rig.row()
    assert row.status == OutboxStatus.DEAD
    assert "Forbidden" in (row.last_error or "")
    async with rig.db() as session:
        assert await session.scalar(select(User.blocked_bot).where(User.telegram_id == 540)) is True
    await wen.unblock()
    await rig.sender.drain(now=T0 + timedelta(hours=1))
    assert await texts(wen) == []


async def test_unknown_chat_is_dead(rig: Rig) -> None:
    await rig.enqueue(999_999, {"text": "hello?"}, key="nobody")
    assert (await rig.sender.drain(now=T0))[Outcome.DEAD] == 1
    row = await rig.row()
    assert "chat not found" in (row.last_error or "").lower()
    assert row.attempts == 1


async def test_migrated_group_gets_the_message_in_the_new_chat(rig: Rig) -> None:
    wen = await rig.person(550)
    group = wen.in_group(-550, title="Sales floor")
    await group.send("hi all")
    supergroup = await rig.client.request("POST", "chats/-550/migrate", json={})
    new_id = int(supergroup["id"])
    await rig.enqueue(-550, {"text": "weekly digest"}, key="group")
    assert (await rig.sender.drain(now=T0))[Outcome.RETRY] == 1
    assert (await rig.row()).chat_id == new_id
    assert (await rig.sender.drain(now=T0 + timedelta(seconds=3)))[Outcome.SENT] == 1
    assert [m.content for m in await rig.client.chat_messages(new_id) if m.from_bot] == ["weekly digest"]


async def test_rows_stuck_in_sending_are_recovered(rig: Rig) -> None:
    wen = await rig.person(560)
    await rig.push(560, "after the crash")
    async with rig.db.begin() as session:
        await outbox.claim(session, now=T0, limit=10)
    await rig.sender.drain(now=T0 + timedelta(minutes=1))
    assert await texts(wen) == []
    await rig.sender.drain(now=T0 + timedelta(minutes=6))
    assert await texts(wen) == ["after the crash"]
    row = await rig.row()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)


async def test_a_row_stuck_too_often_dies(rig: Rig) -> None:
    await rig.person(561)
    await rig.push(561, "poison")
    async with rig.db.begin() as session:
        await session.execute(
            update(Outbox).values(
                status=OutboxStatus.SENDING, claimed_at=T0, attempts=Limits().max_attempts - 1
            )
        )
    await rig.sender.drain(now=T0 + timedelta(minutes=6))
    assert (await rig.row()).status == OutboxStatus.DEAD


async def test_two_claims_never_share_a_row(rig: Rig) -> None:
    for telegram_id in range(570, 574):
        await rig.person(telegram_id)
        await rig.push(telegram_id, "x")
    async with rig.db.begin() as session:
        first = [row.id for row in await outbox.claim(session, now=T0, limit=2)]
    async with rig.db.begin() as session:
        second = [row.id for row in await outbox.claim(session, now=T0, limit=10)]
    assert len(first) == 2
    assert len(second) == 2
    assert not set(first) & set(second)
    async with rig.db() as session:
        pending = await session.scalar(
            select(func.count()).select_from(Outbox).where(Outbox.status == OutboxStatus.PENDING)
        )
    assert pending == 0


async def test_enqueue_many_skips_keys_queued_before(rig: Rig) -> None:
    await rig.person(580)
    await rig.push(580, "old", key="k:1")
    pushes = [
        outbox.Push(dedupe_key=f"k:{n}", chat_id=580, kind="test", payload={"params": {"text": str(n)}})
        for n in (1, 2, 3, 3)
    ]
    async with rig.db.begin() as session:
        assert await outbox.enqueue_many(session, pushes=pushes, now=T0) == 2
    async with rig.db.begin() as session:
        assert await outbox.enqueue_many(session, pushes=pushes, now=T0) == 0
    assert [row.payload["params"]["text"] for row in await rig.rows()] == ["old", "2", "3"]


async def test_a_malformed_push_is_dead_at_once(rig: Rig) -> None:
    await rig.person(590)
    async with rig.db.begin() as session:
        await outbox.enqueue(
            session, dedupe_key="bad", chat_id=590, kind="test", payload={"method": "sendNothing"}, now=T0
        )
        await outbox.enqueue(
            session,
            dedupe_key="empty",
            chat_id=590,
            kind="test",
            payload={"method": "sendMessage", "params": {"text": ""}},
            now=T0,
        )
    await rig.sender.drain(now=T0)
    await rig.sender.drain(now=T0 + timedelta(seconds=1))
    assert [(row.status, row.attempts) for row in await rig.rows()] == [(OutboxStatus.DEAD, 1)] * 2


class SimulatedTime:
    """A monotonic timer that only `sleep` moves, so pacing is checked per simulated second.

    Sleeping first lets the sends under way be answered, as they would be within real time.
    """

    def __init__(self) -> None:
        self.now = 0.0
        self.sender: OutboxSender | None = None

    def timer(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        # The pacer has no event for "all answered"; polling it briefly is what a test can do.
        while self.sender is not None and self.sender.pacer.in_flight:  # noqa: ASYNC110
            await asyncio.sleep(0.001)
        self.now += seconds


async def test_paced_drain_keeps_to_the_budget_and_spreads_each_second(rig: Rig) -> None:
    simulated = SimulatedTime()
    limits = Limits(per_second=4, burst=2)
    rig.sender = OutboxSender(
        rig.sender.bot,
        rig.db,
        limits=limits,
        drain_for=timedelta(seconds=0.9),
        timer=simulated.timer,
        sleep=simulated.sleep,
    )
    simulated.sender = rig.sender
    for telegram_id in range(600, 612):
        await rig.person(telegram_id)
        await rig.push(telegram_id, "fan-out")
    for second in range(4):
        simulated.now = float(second)
        await rig.sender.drain(now=T0 + timedelta(seconds=second))
    sent = sorted(row.sent_at for row in await rig.rows() if row.sent_at is not None)
    offsets = [(at - T0).total_seconds() for at in sent]
    assert [sum(1 for o in offsets if s <= o < s + 1) for s in range(4)] == [4, 4, 4, 0]
    assert max(sum(1 for o in offsets if start <= o < start + 1) for start in offsets) == limits.per_second
    assert offsets[:6] == [0, 0, 0.25, 0.5, 1, 1]


async def test_paced_drain_stops_when_nothing_is_due(rig: Rig) -> None:
    simulated = SimulatedTime()
    rig.sender = OutboxSender(
        rig.sender.bot, rig.db, drain_for=timedelta(seconds=0.9), timer=simulated.timer, sleep=simulated.sleep
    )
    wen = await rig.person(620)
    await rig.push(620, "only one")
    assert (await rig.sender.drain(now=T0))[Outcome.SENT] == 1
    assert simulated.now == 0
    assert await texts(wen) == ["only one"]


async def test_outbox_rate_setting_sets_the_senders_budget(sandbox: SandboxServer, database_url: str) -> None:
    async with running_bot(settings_for(sandbox, database_url, outbox_rate=7), sandbox) as harness:
        sender = background(harness.app).sender
        assert sender.limits.per_second == 7
        assert sender.drain_for is not None


def test_outbox_rate_stays_under_telegrams_limit() -> None:
    with pytest.raises(SettingsError, match="OUTBOX_RATE"):
        load_settings(_env_file=None, outbox_rate=31)
    assert load_settings(_env_file=None).outbox_rate == 28


async def test_a_timed_out_send_backs_off_and_is_tried_again(rig: Rig) -> None:
    """Telegram too slow to answer: counted as a network failure, retried after the backoff. The
    first call may still have been delivered (effectively once: the chat may read it twice)."""
    wen = await rig.person(532)
    await rig.push(532, "slow network")
    impatient = Bot(TOKEN, base_url=f"{rig.server.url}/bot", request=HTTPXRequest(read_timeout=0.2))
    async with impatient:
        sender = OutboxSender(impatient, rig.db)
        await rig.client.inject_fault("sendMessage", status=0, delay=1.0)
        assert (await sender.drain(now=T0))[Outcome.RETRY] == 1
        row = await rig.row()
        assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
        assert row.not_before == T0 + timedelta(seconds=10)
        assert "TimedOut" in (row.last_error or "")
        assert (await sender.drain(now=T0 + timedelta(seconds=10)))[Outcome.SENT] == 1
    row = await rig.row()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)
    await asyncio.sleep(1.0)
    assert set(await texts(wen)) == {"slow network"}


async def test_quiet_hours_hold_automatic_pushes_to_staff_until_morning(rig: Rig) -> None:
    late = datetime(2026, 12, 4, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
    morning = datetime(2026, 12, 5, 0, 0, tzinfo=UTC)  # 08:00 there
    async with rig.db.begin() as session:
        team = Team(
            name="East",
            timezone="Asia/Shanghai",
            settings={"quiet_hours": {"start": "22:00", "end": "08:00"}},
        )
        session.add(team)
        await session.flush()
        session.add(User(telegram_id=540, chat_id=540, first_name="Rita", role="rep", team_id=team.id))
    rita = await rig.client.user(540, first_name="Rita")
    await rita.send("hello")
    for kind, text in (("risk_alert", "Lotus is at risk"), ("reminder", "Call Lotus at 23:30")):
        async with rig.db.begin() as session:
            user_id = await session.scalar(select(User.id).where(User.chat_id == 540))
            await outbox.enqueue(
                session,
                dedupe_key=f"quiet:{kind}",
                chat_id=540,
                user_id=user_id,
                kind=kind,
                payload={"method": "sendMessage", "params": {"text": text}},
                now=late,
            )

    drained = await rig.sender.drain(now=late)
    assert (drained[Outcome.SENT], drained[Outcome.DEFERRED]) == (1, 1)
    assert await texts(rita) == ["Call Lotus at 23:30"]
    held = next(row for row in await rig.rows() if row.kind == "risk_alert")
    assert (held.status, held.attempts, held.not_before) == (OutboxStatus.PENDING, 0, morning)

    assert (await rig.sender.drain(now=morning))[Outcome.SENT] == 1
    assert await texts(rita) == ["Call Lotus at 23:30", "Lotus is at risk"]


async def test_a_new_leader_sends_again_at_once_what_the_last_one_left_in_flight(rig: Rig) -> None:
    wen = await rig.person(541)
    await rig.push(541, "in flight at the crash")
    async with rig.db.begin() as session:
        [claimed] = await outbox.claim(session, now=T0, limit=10)
    assert claimed.status == OutboxStatus.SENDING
    assert (await rig.sender.drain(now=T0 + timedelta(seconds=1)))[Outcome.SENT] == 0

    assert await rig.sender.take_over(now=T0 + timedelta(seconds=2)) == 1
    row = await rig.row()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert (await rig.sender.drain(now=T0 + timedelta(seconds=2)))[Outcome.SENT] == 1
    assert await texts(wen) == ["in flight at the crash"]
