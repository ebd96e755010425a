"""The new features used carelessly or on purpose wrongly: a burst of plain messages from a customer,
edits where a plain message or a command would count, a low score pressed twice, and page buttons
pressed fast, after a restart, during a database outage or after leaving the team."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from sandbox import SandboxServer, SandboxUser
from sandbox.factories import REP_TG, customer, fetch, person, sales_team
from sandbox.harness import Harness, Person, Reply, running_bot, settings_for
from storage.models import Feedback, Reminder, Survey, User
from tests.support.complaints import desk, send_out
from tests.support.outage import DatabaseLink
from tests.support.reminders import REP, T, chatting, frozen
from tests.test_surveys import LOTUS, deliver, linked, log_visit, rep_messages_since, run_surveys, staff
from tests.test_surveys import T as SURVEY_T
from tests.test_today_lists import overdue_day

UNAVAILABLE = "FieldCRM is temporarily unavailable. Please try again in a minute."
ZH_CAPPED = "您今天已经给我们发了5条消息，我们会看到的。如有急需处理的问题，请发送 /complaint。"


async def messages_from(rep: Person, customer_name: str) -> list[Reply]:
    return [
        reply for reply in await rep.replies() if reply.text.startswith(f"💬 Message from {customer_name}")
    ]


async def newest_typed(who: Person) -> int:
    return max(m.message_id for m in await who.account.messages() if not m.from_bot)


async def test_seven_messages_at_once_from_a_chinese_customer_relay_five_and_refuse_two(bot: Harness) -> None:
    d = await desk(bot, chinese=True)
    sent = [await d.guest.account.send(f"问题{n + 1}") for n in range(7)]
    await d.guest._settle(sent[-1])
    answers = [reply.text for reply in await d.guest.replies()]

    assert len([text for text in answers if text.startswith("✉️ 已转给您的专属销售")]) == 5
    assert [text for text in answers if "5条消息" in text] == [ZH_CAPPED, ZH_CAPPED]
    for _ in range(2):
        await send_out(d)
        d.clock.at += timedelta(seconds=10)
    assert len(await messages_from(d.rep, "Lotus Tea House")) == 5
    assert len(await fetch(bot, Feedback)) == 5


async def test_an_edited_plain_message_is_not_relayed_again(bot: Harness) -> None:
    d = await desk(bot)
    await d.guest.send("Do you have the autumn oolong yet?")
    told = await d.guest.edit(await newest_typed(d.guest), "Do you have the spring oolong yet?")

    assert told is not None
    assert "Edited messages are not read" in told.text
    await send_out(d)
    (relayed,) = await messages_from(d.rep, "Lotus Tea House")
    assert relayed.text.endswith("autumn oolong yet?")
    assert len(await fetch(bot, Feedback)) == 1


async def test_a_command_typed_as_an_edit_leaves_the_waiting_dialog_open(bot: Harness) -> None:
    team = await sales_team(bot)
    await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Acme")
    rep = await person(bot, REP_TG)
    await rep.send("/visit")
    await rep.press("Acme")
    told = await rep.edit(await newest_typed(rep), "/find")

    assert told is not None
    assert "Edited messages are not read" in told.text
    asked = await rep.press("Phone")
    assert asked.text == "How did it go?"


async def overdue_list(bot: Harness) -> Person:
    """Rita's 23 overdue follow-ups opened in full: page 1 of 3, with Next ▶."""
    await overdue_day(bot)
    rep = await chatting(bot, REP)
    await rep.send("/today")
    opened = await rep.press("⚠️ All 23 overdue")
    assert opened.text.splitlines()[0] == "⚠️ 23 overdue follow-ups · page 1 of 3"
    return rep


async def test_three_quick_presses_on_the_page_buttons_are_each_answered_and_end_on_a_page(
    bot: Harness,
) -> None:
    rep = await overdue_list(bot)
    listed = await rep.last_message()
    presses = [
        await rep.account.press("Next ▶", message_id=listed.message.message_id),
        await rep.account.press("Next ▶", message_id=listed.message.message_id),
        await rep.account.press("Next ▶", message_id=listed.message.message_id),
    ]
    for update_id in presses:
        await rep._settle(update_id)
        assert await rep.account.callback_answer(update_id) is not None, update_id

    shown = (await rep.replies())[-1]
    assert shown.message.message_id == listed.message.message_id
    assert re.fullmatch(r"⚠️ 23 overdue follow-ups · page [23] of 3", shown.text.splitlines()[0])
    assert "went wrong" not in " ".join(reply.text for reply in await rep.replies())


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
async def test_a_page_button_sent_before_a_restart_turns_the_page_after_it(
    sandbox: SandboxServer, database_url: str
) -> None:
    settings = settings_for(sandbox, database_url)
    async with running_bot(settings, sandbox) as bot:
        rep = await overdue_list(bot)
        listed = await rep.last_message()
    async with running_bot(settings, sandbox) as bot:
        frozen(bot, T)
        again = Person(bot.app, bot.client, SandboxUser(bot.client, REP))
        turned = await again.press("Next ▶")

    assert turned.message.message_id == listed.message.message_id
    assert turned.text.splitlines()[0] == "⚠️ 23 overdue follow-ups · page 2 of 3"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_page_press_during_an_outage_is_told_to_retry_and_turns_once_it_is_back(
    sandbox: SandboxServer, database_url: str, postgres_database: str
) -> None:
    link = DatabaseLink(postgres_database)
    await link.start()
    try:
        async with running_bot(settings_for(sandbox, link.url), sandbox) as bot:
            rep = await overdue_list(bot)
            await link.cut()
            answer = await rep.press_for_answer("Next ▶")
            assert answer is not None
            assert answer["text"] == UNAVAILABLE
            assert (await rep.last_message()).text.splitlines()[0].endswith("page 1 of 3")

            link.restore()
            turned = await rep.press("Next ▶")
            assert turned.text.splitlines()[0] == "⚠️ 23 overdue follow-ups · page 2 of 3"
    finally:
        await link.stop()


async def test_a_low_score_pressed_twice_at_once_opens_one_follow_up_and_one_alert(bot: Harness) -> None:
    team, rep, _ = await staff(bot)
    _, guest = await linked(bot, team)
    await log_visit(bot, rep, LOTUS, at=SURVEY_T)
    answered_at = SURVEY_T + timedelta(hours=2)
    await run_surveys(bot, answered_at)
    rep_before = len(await rep.replies())
    asked = next(
        m for m in reversed(await guest.account.bot_messages()) if ["1", "2", "3", "4", "5"] in m.buttons()
    )
    two = asked.button_data("2")

    first = await guest.account.press_data(two, message_id=asked.message_id)
    replayed = await guest.account.press_data(two, message_id=asked.message_id)
    for update_id in (first, replayed):
        await guest._settle(update_id)
        assert await guest.account.callback_answer(update_id) is not None
    await guest.press("Skip")
    await deliver(bot, answered_at)
    await deliver(bot, answered_at + timedelta(minutes=30))

    alerts = [text for text in await rep_messages_since(rep, rep_before) if text.startswith("⚠️")]
    assert alerts == [
        "⚠️ Lotus Tea House rated the visit on DATE only 2/5.\n"
        "📌 A follow-up is in your reminders; a call could win them back. Press Done once you have "
        "spoken to them."
    ]
    (follow_up,) = await fetch(bot, Reminder)
    assert follow_up.note == "★ 2/5"
    assert [(row.kind, row.score) for row in await fetch(bot, Feedback)] == [("csat", 2)]
    assert len(await fetch(bot, Survey)) == 1


async def test_a_rep_moved_out_of_the_team_cannot_turn_the_page_of_an_open_list(bot: Harness) -> None:
    rep = await overdue_list(bot)
    listed = await rep.last_message()
    async with bot.app.db.begin() as session:
        await session.execute(update(User).where(User.telegram_id == REP).values(team_id=None))

    answer = await rep.press_for_answer("Next ▶")
    assert answer is not None
    assert answer["text"] == "This button is not available to you."
    shown = await rep.last_message()
    assert shown.message.message_id == listed.message.message_id
    assert shown.text.splitlines()[0] == "⚠️ 23 overdue follow-ups · page 1 of 3"
