"""/outbox: admins see what is queued and undelivered, and can send undelivered pushes again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.enums import OutboxStatus
from bot.runtime.jobs import background
from sandbox.factories import REP_TG, fetch, person, sales_team
from sandbox.harness import ADMIN_ID, Harness
from storage.models import Outbox

AT = datetime(2027, 1, 5, 2, 0, tzinfo=UTC)


async def dead(bot: Harness, key: str, chat_id: int, user_id: int | None, error: str) -> None:
    async with bot.app.db.begin() as session:
        session.add(
            Outbox(
                dedupe_key=key,
                chat_id=chat_id,
                user_id=user_id,
                kind="reminder",
                payload={"method": "sendMessage", "params": {"text": f"Push {key}"}},
                status=OutboxStatus.DEAD,
                attempts=6,
                last_error=error,
                created_at=AT,
                not_before=AT,
            )
        )


async def test_an_admin_sees_undelivered_pushes_and_retries_them(bot: Harness) -> None:
    team = await sales_team(bot)
    rep = await person(bot, REP_TG)
    await dead(bot, "late", REP_TG, team.rep_id, "NetworkError: Bad Gateway")
    await dead(bot, "blocked", 555, None, "Forbidden: bot was blocked by the user")
    admin = await bot.person(ADMIN_ID, "Ada")
    await admin.send("/start")

    shown = await admin.send("/outbox")

    assert shown.text.splitlines() == [
        "📮 Outbox: 0 waiting, 0 being sent, 2 undelivered.",
        "",
        "Undelivered, newest first:",
        "• #2 reminder → 555 · Tue, Jan 5, 2027, 10:00 · blocked the bot",
        "• #1 reminder → Rita · Tue, Jan 5, 2027, 10:00 · NetworkError: Bad Gateway",
        "",
        "Retry sends them again, except to people who blocked the bot.",
    ]
    answer = await admin.press_for_answer("🔁 Retry undelivered")
    assert answer is not None
    assert answer["text"] == "1 push queued again."
    assert (await admin.last_message()).text.startswith("📮 Outbox: ")
    await background(bot.app).deliver()
    late, blocked = await fetch(bot, Outbox)
    assert (late.status, late.attempts, blocked.status) == ("sent", 1, "dead")
    assert [reply.text for reply in await rep.replies()].count("Push late") == 1


async def test_outbox_in_chinese_and_refused_to_a_rep(bot: Harness) -> None:
    await sales_team(bot)
    rep = await person(bot, REP_TG)
    refused = await rep.send("/outbox")
    assert "/outbox" not in await rep.menu()
    assert refused.text == (
        "Only an admin can see the pushes that are waiting or undelivered. "
        "If you need this, ask your manager."
    )

    admin = await bot.person(ADMIN_ID, "Ada", language_code="zh-hans")
    await admin.send("/start")
    shown = await admin.send("/outbox")
    assert shown.text == "📮 推送队列：0条等待发送，0条正在发送，0条未送达。"
    assert shown.buttons() == []


async def test_admins_hear_of_undelivered_pushes_once_an_hour(bot: Harness) -> None:
    await dead(bot, "late", 555, None, "NetworkError: Bad Gateway")
    admin = await bot.person(ADMIN_ID, "Ada")
    await admin.send("/start")
    jobs = background(bot.app)
    jobs.clock = lambda: AT

    assert await jobs.report_dead_letters() == 1
    await jobs.deliver()
    notice = await admin.last_message()
    assert notice.text == "⚠️ 1 push could not be delivered. /outbox shows why and can send it again."

    await dead(bot, "later", 556, None, "NetworkError: Bad Gateway")
    assert await jobs.report_dead_letters() == 0
    jobs.clock = lambda: AT + timedelta(hours=1)
    assert await jobs.report_dead_letters() == 1


async def test_pushes_to_people_who_blocked_the_bot_raise_no_notice(bot: Harness) -> None:
    await dead(bot, "blocked", 555, None, "Forbidden: bot was blocked by the user")
    admin = await bot.person(ADMIN_ID, "Ada")
    await admin.send("/start")
    jobs = background(bot.app)
    jobs.clock = lambda: AT
    assert await jobs.report_dead_letters() == 0
