"""Reminder pushes end to end (job → outbox → sender → the rep's chat → Done/Snooze) and /remind.

Time is frozen through the background clock: the jobs and the reminder handlers read it, and the
tests call the job methods directly instead of waiting for the scheduler.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

import handlers.reminder.dialog
from bot.domain.enums import ReminderKind, ReminderStatus
from bot.runtime.jobs import Background
from sandbox import SandboxServer
from sandbox.harness import Harness, Person, running_bot, settings_for
from storage.models import Outbox, Reminder
from tests.support.reminders import OTHER, REP, T, add_customer, add_reminder, chatting, desk, frozen


async def reminder(bot: Harness, reminder_id: int) -> Reminder:
    async with bot.app.db() as session:
        row = await session.get(Reminder, reminder_id)
        assert row is not None
        return row


async def outbox_rows(bot: Harness) -> int:
    async with bot.app.db() as session:
        return int(await session.scalar(select(func.count()).select_from(Outbox)) or 0)


async def reminders_stored(bot: Harness) -> list[Reminder]:
    async with bot.app.db() as session:
        return list(await session.scalars(select(Reminder).order_by(Reminder.id)))


async def crafted_button(bot: Harness, person: Person, label: str, data: str) -> None:
    """A bot message carrying a button someone crafted, as an old or forged keyboard would."""
    await bot.app.bot.send_message(
        person.account.chat_id,
        "…",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]]),
    )


async def pushes(person: Person) -> list[str]:
    """The texts of reminder pushes in the chat, as they read now (done and snoozed ones edited)."""
    return [r.text for r in await person.replies() if r.text[:1] in ("⏰", "✅", "💤")]


async def push_and_deliver(jobs: Background) -> int:
    queued = await jobs.push_due_reminders()
    await jobs.deliver()
    return queued


PUSH = {
    "en": (
        "⏰ Follow up with Acme 贸易, due Tue, Nov 24, 08:55.\nBring the new price list",
        [["✅ Done"], ["In 1 hour", "Tomorrow 09:00", "Next week"], ["Open card"]],
    ),
    "zh_Hans": (
        "⏰ 跟进Acme 贸易，时间：11月24日周二 08:55。\nBring the new price list",
        [["✅ 完成"], ["1小时后", "明天 09:00", "下周"], ["打开客户卡片"]],
    ),
}


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_due_follow_up_is_pushed_once_and_done(bot: Harness, locale: str) -> None:
    d = await desk(bot, rep_locale=locale)
    acme = await add_customer(bot, d, "Acme 贸易")
    rid = await add_reminder(
        bot, d, due_at=T - timedelta(minutes=5), customer_id=acme, note="Bring the new price list"
    )
    rep = await chatting(bot, REP)
    jobs = frozen(bot, T)

    assert await push_and_deliver(jobs) == 1
    push = await rep.last_message()
    text, buttons = PUSH[locale]
    assert push.text == text
    assert push.buttons() == buttons
    assert push.message.button_data(buttons[2][0]) == f"cust:open:{acme}"
    assert (await reminder(bot, rid)).notified_at == T

    assert await push_and_deliver(jobs) == 0
    assert await outbox_rows(bot) == 1
    assert len(await pushes(rep)) == 1

    done = await rep.press(buttons[0][0])
    assert done.text.startswith("✅ 已完成：Acme 贸易。" if locale == "zh_Hans" else "✅ Done: Acme 贸易.")
    assert done.buttons() == [[buttons[2][0]]]
    row = await reminder(bot, rid)
    assert (row.status, row.done_at) == (ReminderStatus.DONE, T)

    frozen(bot, T + timedelta(days=1))
    assert await push_and_deliver(jobs) == 0
    assert len(await pushes(rep)) == 1


async def test_push_uses_the_reps_own_time_zone(bot: Harness) -> None:
    d = await desk(bot, rep_timezone="Europe/London")
    await add_reminder(bot, d, due_at=T, note="Call the bank 🏦")
    rep = await chatting(bot, REP)
    await push_and_deliver(frozen(bot, T))
    push = await rep.last_message()
    assert push.text == "⏰ Reminder for Tue, Nov 24, 01:00.\nCall the bank 🏦"
    assert push.buttons() == [["✅ Done"], ["In 1 hour", "Tomorrow 09:00", "Next week"]]


async def test_each_snooze_moves_the_reminder_and_it_comes_back(bot: Harness) -> None:
    d = await desk(bot)
    acme = await add_customer(bot, d, "Acme")
    rid = await add_reminder(bot, d, due_at=T, customer_id=acme)
    rep = await chatting(bot, REP)
    jobs = frozen(bot, T)
    await push_and_deliver(jobs)

    snoozed = await rep.press("In 1 hour")
    assert snoozed.text == "💤 Acme: snoozed until Tue, Nov 24, 10:00."
    assert snoozed.buttons() == [["✅ Done"], ["Open card"]]
    row = await reminder(bot, rid)
    assert (row.status, row.due_at, row.notified_at) == (ReminderStatus.SNOOZED, T + timedelta(hours=1), None)
    assert await push_and_deliver(jobs) == 0

    jobs = frozen(bot, T + timedelta(hours=1))
    assert await push_and_deliver(jobs) == 1
    assert await outbox_rows(bot) == 2
    assert (await rep.last_message()).text == "⏰ Follow up with Acme, due Tue, Nov 24, 10:00."

    assert "Wed, Nov 25, 09:00" in (await rep.press("Tomorrow 09:00")).text
    assert (await reminder(bot, rid)).due_at == datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
    jobs = frozen(bot, datetime(2026, 11, 25, 1, 0, tzinfo=UTC))
    assert await push_and_deliver(jobs) == 1

    assert "Wed, Dec 2, 09:00" in (await rep.press("Next week")).text
    row = await reminder(bot, rid)
    assert (row.due_at, row.status) == (datetime(2026, 12, 2, 1, 0, tzinfo=UTC), ReminderStatus.SNOOZED)
    assert await outbox_rows(bot) == 3


async def test_stale_and_crafted_presses_get_a_short_note(bot: Harness) -> None:
    d = await desk(bot)
    rid = await add_reminder(bot, d, due_at=T)
    rep = await chatting(bot, REP)
    other = await chatting(bot, OTHER)
    await push_and_deliver(frozen(bot, T))
    await rep.press("✅ Done")

    await crafted_button(bot, rep, "Done again", f"rem:done:{rid}")
    answer = await rep.press_for_answer("Done again")
    assert answer is not None
    assert answer["text"] == "This reminder is already done."

    theirs = await add_reminder(bot, d, due_at=T, user_id=d.rep_id)
    await crafted_button(bot, other, "Forged", f"rem:done:{theirs}")
    answer = await other.press_for_answer("Forged")
    assert answer is not None
    assert answer["text"] == "This reminder is no longer active."
    await crafted_button(bot, other, "Forged snooze", f"rem:snz:{theirs}:1h")
    assert (await other.press_for_answer("Forged snooze") or {})[
        "text"
    ] == "This reminder is no longer active."
    await crafted_button(bot, other, "Nothing", "rem:done:999999")
    assert (await other.press_for_answer("Nothing") or {})["text"] == "This reminder is no longer active."
    row = await reminder(bot, theirs)
    assert (row.status, row.due_at) == (ReminderStatus.PENDING, T)


async def test_nothing_is_sent_again_after_a_restart(sandbox: SandboxServer, database_url: str) -> None:
    settings = settings_for(sandbox, database_url)
    async with running_bot(settings, sandbox) as first:
        d = await desk(first)
        await add_reminder(first, d, due_at=T, note="before the restart")
        await add_reminder(first, d, due_at=T + timedelta(hours=2), note="after the restart")
        rep = await chatting(first, REP)
        await push_and_deliver(frozen(first, T))
        assert await pushes(rep) == ["⏰ Reminder for Tue, Nov 24, 09:00.\nbefore the restart"]
    async with running_bot(settings, sandbox) as second:
        rep = await second.person(REP, "Rita")
        assert await push_and_deliver(frozen(second, T + timedelta(minutes=1))) == 0
        assert len(await pushes(rep)) == 1
        assert await push_and_deliver(frozen(second, T + timedelta(hours=2))) == 1
        assert [text.split("\n")[1] for text in await pushes(rep)] == [
            "before the restart",
            "after the restart",
        ]
        assert await outbox_rows(second) == 2


async def test_unreachable_recipients_are_not_retried_forever(bot: Harness) -> None:
    d = await desk(bot)
    erased = await add_customer(bot, d, "Gone Ltd", erased_at=T - timedelta(days=1))
    rid = await add_reminder(bot, d, due_at=T, customer_id=erased)
    assert await frozen(bot, T).push_due_reminders() == 0
    assert (await reminder(bot, rid)).notified_at == T
    assert await outbox_rows(bot) == 0


# /remind -----------------------------------------------------------------------------------------


async def test_remind_just_for_me_with_bad_input_at_each_step(bot: Harness) -> None:
    await desk(bot)
    rep = await chatting(bot, REP)
    frozen(bot, T)
    start = await rep.send("/remind")
    assert start.text.startswith("What is the reminder about?")
    assert start.buttons() == [["👤 About a customer", "🙋 Just for me"]]
    assert "press one of the buttons" in (await rep.send("tomorrow")).text
    assert "What should I remind you of?" in (await rep.press("🙋 Just for me")).text
    await rep._settle(await rep.account.send_location(31.23, 121.47))
    assert "as a text message" in (await rep.last_message()).text
    assert "at most 500 characters" in (await rep.send("x" * 501)).text
    when = await rep.send("Call the bank 🏦")
    assert when.text.startswith("When should I remind you?")
    assert when.buttons() == [["In 1 hour", "Tomorrow 09:00", "Next week"], ["Cancel"]]
    assert "couldn't read" in (await rep.send("when pigs fly")).text
    assert "has already passed" in (await rep.send("yesterday 10:00")).text
    assert await reminders_stored(bot) == []
    done = await rep.press("Tomorrow 09:00")
    assert done.text == "✅ Reminder set for Wed, Nov 25, 09:00.\nCall the bank 🏦"
    (row,) = await reminders_stored(bot)
    assert (row.kind, row.customer_id, row.note, row.due_at, row.status) == (
        ReminderKind.CUSTOM,
        None,
        "Call the bank 🏦",
        datetime(2026, 11, 25, 1, 0, tzinfo=UTC),
        ReminderStatus.PENDING,
    )


async def test_remind_about_a_customer_in_chinese_with_a_typed_time(bot: Harness) -> None:
    d = await desk(bot, rep_locale="zh_Hans")
    shop = await add_customer(bot, d, "张三五金店")
    await add_customer(bot, d, "张三的店", owner_id=d.other_id)
    rep = await chatting(bot, REP, chinese=True)
    frozen(bot, T)
    await rep.send("/remind")
    await rep.press("👤 关于客户")
    await rep._settle(await rep.account.send_location(31.23, 121.47))
    assert "请输入客户名称" in (await rep.last_message()).text
    no_match = await rep.send("王五")
    assert "王五" in no_match.text
    assert no_match.buttons() == [["取消"]]
    results = await rep.send("张三")
    assert results.buttons()[0] == ["张三五金店"]
    assert "张三的店" not in str(results.buttons())
    assert "张三五金店" in (await rep.press("张三五金店")).text
    await rep.send("带样品 🎁")
    done = await rep.send("明天下午3点")
    assert done.text == "✅ 已设置关于张三五金店的提醒：11月25日周三 15:00。\n带样品 🎁"
    (row,) = await reminders_stored(bot)
    assert (row.customer_id, row.due_at, row.user_id) == (
        shop,
        datetime(2026, 11, 25, 7, 0, tzinfo=UTC),
        d.rep_id,
    )


async def test_remind_from_the_card_button_and_another_reps_customer(bot: Harness) -> None:
    d = await desk(bot)
    mine = await add_customer(bot, d, "Acme")
    theirs = await add_customer(bot, d, "Bolt", owner_id=d.other_id)
    rep = await chatting(bot, REP)
    frozen(bot, T)

    await crafted_button(bot, rep, "⏰ Remind me", f"rem:new:{theirs}")
    answer = await rep.press_for_answer("⏰ Remind me")
    assert answer is not None
    assert answer["text"] == "This customer is not in your list."
    assert "Bolt" not in (await rep.last_message()).text

    await crafted_button(bot, rep, "⏰ Remind me about Acme", f"rem:new:{mine}")
    assert "about Acme" in (await rep.press("⏰ Remind me about Acme")).text
    await rep.send("Ask about the invoice")
    done = await rep.press("In 1 hour")
    assert done.text == "✅ Reminder about Acme set for Tue, Nov 24, 10:00.\nAsk about the invoice"
    (row,) = await reminders_stored(bot)
    assert (row.customer_id, row.due_at) == (mine, T + timedelta(hours=1))


@pytest.mark.parametrize("where", ["target", "note", "when"])
async def test_cancel_stores_nothing(bot: Harness, where: str) -> None:
    await desk(bot, rep_locale="zh_Hans")
    rep = await chatting(bot, REP, chinese=True)
    frozen(bot, T)
    await rep.send("/remind")
    if where != "target":
        await rep.press("🙋 只是提醒自己")
    if where == "when":
        await rep.send("打电话")
    assert (await rep.send("/cancel")).text == "已取消，没有保存提醒。"
    assert await reminders_stored(bot) == []
    assert "没有需要取消" in (await rep.send("/cancel")).text


async def test_an_abandoned_dialog_times_out_with_a_note(
    sandbox: SandboxServer, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handlers.reminder.dialog, "TIMEOUT_SECONDS", 0.5)
    async with running_bot(settings_for(sandbox, database_url), sandbox) as bot:
        await desk(bot)
        rep = await chatting(bot, REP)
        await rep.send("/remind")
        await rep.press("🙋 Just for me")
        for _ in range(100):
            if "no answer for a while" in (await rep.last_message()).text:
                break
            await asyncio.sleep(0.05)
        assert (await rep.last_message()).text == (
            "The reminder was not saved: no answer for a while. /remind starts again."
        )
        assert "When should I remind you" not in (await rep.send("Call the bank")).text
        assert await reminders_stored(bot) == []


async def test_the_scheduled_sender_delivers_without_being_called(bot: Harness) -> None:
    d = await desk(bot)
    await add_reminder(bot, d, due_at=T, note="on its own")
    rep = await chatting(bot, REP)
    assert await frozen(bot, T).push_due_reminders() == 1
    for _ in range(100):
        if await pushes(rep):
            break
        await asyncio.sleep(0.05)
    assert await pushes(rep) == ["⏰ Reminder for Tue, Nov 24, 09:00.\non its own"]


async def test_from_today_through_the_card_to_a_reminder(bot: Harness) -> None:
    d = await desk(bot)
    acme = await add_customer(bot, d, "Acme")
    await add_reminder(bot, d, due_at=T - timedelta(hours=1), customer_id=acme, note="Call back")
    rep = await chatting(bot, REP)
    frozen(bot, T)
    await rep.send("/today")
    card = await rep.press("Acme")
    assert "Acme" in card.text
    assert "about Acme" in (await rep.press("⏰ Set reminder")).text
    await rep.send("Send the contract")
    await rep.press("Next week")
    stored = [(r.customer_id, r.kind, r.due_at) for r in await reminders_stored(bot)]
    assert stored[-1] == (acme, ReminderKind.CUSTOM, datetime(2026, 12, 1, 1, 0, tzinfo=UTC))
