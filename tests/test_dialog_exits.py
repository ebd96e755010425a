"""Leaving a dialog from outside its steps: a typed command ends it and runs, a button of a finished step
changes nothing, in both languages; every dialog of the registry is entered and left by a command."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from handlers.common.dialogs import dialogs_of
from sandbox.factories import (
    REP_TG,
    count,
    customer,
    fetch,
    person,
    plant_button,
    sales_team,
    share_location,
)
from sandbox.harness import ADMIN_ID, Harness, Person, Reply
from storage.models import Order, Survey, Ticket, Visit
from tests.support.complaints import Desk, desk
from tests.support.feedback import send_photo

NOTHING_TO_CANCEL = {"en": "There is nothing to cancel", "zh_Hans": "当前没有需要取消的操作"}
VISIT_CLOSED = {
    "en": "Your unfinished visit draft was closed; nothing was saved.",
    "zh_Hans": "你未完成的拜访记录已关闭，没有保存。",
}
FIND_ASKS = {"en": "Who are you looking for?", "zh_Hans": "要找哪位客户？"}
CHECKIN_DONE = {
    "en": "The check-in step is already done for this visit.",
    "zh_Hans": "这次拜访已经签到过了。",
}
STEP_DONE = {
    "en": "That step is already done; please answer the latest question.",
    "zh_Hans": "这一步已经完成，请回答最新的问题。",
}


async def rep_in_team(bot: Harness, *, chinese: bool) -> tuple[int, Person]:
    team = await sales_team(bot, rep_locale="zh_Hans" if chinese else "en")
    acme = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Acme")
    return acme, await person(bot, REP_TG, chinese=chinese)


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_a_bare_find_during_a_visit_closes_it_and_searches(bot: Harness, locale: str) -> None:
    chinese = locale == "zh_Hans"
    _, rep = await rep_in_team(bot, chinese=chinese)
    await rep.send("/visit")
    await rep.press("Acme")
    await rep.press("电话" if chinese else "Phone")
    asked = await rep.send("/find")
    replies = [r.text for r in await rep.replies()]
    assert VISIT_CLOSED[locale] in replies[-2]
    assert FIND_ASKS[locale] in asked.text
    found = await rep.send("Acme")
    assert "Acme" in found.text
    assert ["Acme"] in found.buttons()
    assert NOTHING_TO_CANCEL[locale] in (await rep.send("/cancel")).text
    assert await count(bot, Visit) == 0


async def test_a_command_at_the_customer_question_closes_the_visit_quietly(bot: Harness) -> None:
    _, rep = await rep_in_team(bot, chinese=False)
    await rep.send("/visit")
    asked = await rep.send("/find")
    assert FIND_ASKS["en"] in asked.text
    assert not any("closed" in r.text for r in await rep.replies())
    assert NOTHING_TO_CANCEL["en"] in (await rep.send("/cancel")).text


async def test_another_dialogs_command_closes_the_visit_and_starts_that_one(bot: Harness) -> None:
    _, rep = await rep_in_team(bot, chinese=False)
    await rep.send("/visit")
    await rep.press("Acme")
    await rep.press("On-site")
    await rep.press("Positive")
    await rep.send("notes")
    question = await rep.send("/order")
    replies = await rep.replies()
    closed = next(r for r in replies if VISIT_CLOSED["en"] in r.text)
    # The check-in's location keyboard goes with the visit.
    assert (closed.message.reply_markup or {}).get("remove_keyboard") is True
    assert "Which customer" in question.text
    await rep.press("Acme")
    assert "Cancelled. No order was saved." in (await rep.send("/cancel")).text
    assert await count(bot, Visit) == 0
    assert await count(bot, Order) == 0


async def test_help_keeps_the_dialog(bot: Harness) -> None:
    _, rep = await rep_in_team(bot, chinese=False)
    await rep.send("/visit")
    await rep.press("Acme")
    await rep.send("/help")
    assert "Cancelled. No visit was saved." in (await rep.send("/cancel")).text


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_skip_after_the_photo_is_done_and_changes_nothing(bot: Harness, locale: str) -> None:
    chinese = locale == "zh_Hans"
    _, rep = await rep_in_team(bot, chinese=chinese)
    await rep.send("/visit")
    await rep.press("Acme")
    await rep.press("电话" if chinese else "Phone")
    await rep.press("顺利" if chinese else "Positive")
    await send_photo(rep, "Shelf display")
    answer = await rep.press_for_answer("跳过" if chinese else "Skip")
    assert answer is not None
    assert answer["text"] == STEP_DONE[locale]
    summary = await rep.press("不需要跟进" if chinese else "No follow-up")
    assert "Shelf display" in summary.text
    await rep.press("✅ 保存" if chinese else "✅ Save")
    [visit] = await _visits(bot)
    assert (visit.notes, bool(visit.photo_file_id)) == ("Shelf display", True)


async def _visits(bot: Harness) -> list[Visit]:
    return list(await fetch(bot, Visit))


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_the_location_keyboard_and_a_second_location(bot: Harness, locale: str) -> None:
    chinese = locale == "zh_Hans"
    _, rep = await rep_in_team(bot, chinese=chinese)
    await rep.send("/visit")
    await rep.press("Acme")
    await rep.press("上门拜访" if chinese else "On-site")
    await rep.press("顺利" if chinese else "Positive")
    checkin = await rep.press("跳过" if chinese else "Skip")
    skip = "跳过签到" if chinese else "Skip check-in"
    share = "📍 发送我的位置" if chinese else "📍 Share my location"
    assert checkin.message.keyboard() == [[share], [skip]]
    await rep.send(skip)
    again = await share_location(rep, 31.2, 121.5)
    expected = CHECKIN_DONE[locale]
    assert expected in again.text
    assert expected in (await rep.send(skip)).text
    summary = await rep.press("不需要跟进" if chinese else "No follow-up")
    assert ("签到：已跳过" if chinese else "Check-in: skipped") in summary.text


# Every dialog of the registry: how a person enters it, and a command they may type there.
@dataclass(frozen=True)
class Entry:
    enter: Callable[[Harness, Desk], Awaitable[Person]]
    command: str


async def _rep_sends(d: Desk, text: str) -> Person:
    await d.rep.send(text)
    return d.rep


async def _rep_presses(bot: Harness, d: Desk, data: str) -> Person:
    await plant_button(bot, d.rep, "Go", data)
    await d.rep.press("Go")
    return d.rep


async def _manager_presses(bot: Harness, d: Desk, data: str) -> Person:
    await plant_button(bot, d.manager, "Go", data)
    await d.manager.press("Go")
    return d.manager


async def _admin(bot: Harness, d: Desk) -> Person:
    admin = await bot.person(ADMIN_ID, "Ada")
    await admin.send("/start")
    await admin.send("/newteam")
    await admin.send("West")
    return admin


async def _guest_sends(d: Desk, text: str) -> Person:
    await d.guest.send(text)
    return d.guest


async def _ticket_reply(bot: Harness, d: Desk) -> Person:
    async with bot.app.db.begin() as session:
        ticket = Ticket(
            team_id=d.team.team_id, number=1, customer_id=d.customer_id, description="Late", status="open"
        )
        session.add(ticket)
        await session.flush()
        ticket_id = ticket.id
    return await _rep_presses(bot, d, f"tkt:reply:{ticket_id}")


async def _survey_comment(bot: Harness, d: Desk) -> Person:
    now = d.clock.at
    async with bot.app.db.begin() as session:
        survey = Survey(
            team_id=d.team.team_id,
            customer_id=d.customer_id,
            kind="csat",
            status="sent",
            due_at=now,
            sent_at=now,
        )
        session.add(survey)
        await session.flush()
        survey_id = survey.id
    await d.guest.send("/help")
    await plant_button(bot, d.guest, "Go", f"srv:{survey_id}:4")
    await d.guest.press("Go")
    return d.guest


ENTRIES: dict[str, Entry] = {
    "visit": Entry(lambda bot, d: _rep_sends(d, "/visit"), "/find"),
    "order": Entry(lambda bot, d: _rep_sends(d, "/order"), "/find"),
    "new_customer": Entry(lambda bot, d: _rep_sends(d, "/new"), "/find"),
    "remind": Entry(lambda bot, d: _rep_sends(d, "/remind"), "/find"),
    "edit_customer": Entry(lambda bot, d: _rep_presses(bot, d, f"cust:edit:{d.customer_id}"), "/find"),
    "ticket_reply": Entry(_ticket_reply, "/find"),
    "team_settings": Entry(lambda bot, d: _manager_presses(bot, d, "set:digest_time"), "/today"),
    "new_team": Entry(_admin, "/lang"),
    "feedback": Entry(lambda bot, d: _guest_sends(d, "/feedback"), "/tickets"),
    "complaint": Entry(lambda bot, d: _guest_sends(d, "/complaint"), "/tickets"),
    "survey_comment": Entry(_survey_comment, "/tickets"),
}


def test_every_dialog_of_the_registry_has_an_entry(bot: Harness) -> None:
    assert {dialog.name for dialog in dialogs_of(bot.app)} == set(ENTRIES)


@pytest.mark.parametrize("name", sorted(ENTRIES))
async def test_a_command_ends_each_dialog_and_runs(bot: Harness, name: str) -> None:
    d = await desk(bot)
    entry = ENTRIES[name]
    [dialog] = [dialog for dialog in dialogs_of(bot.app) if dialog.name == name]
    who = await entry.enter(bot, d)
    drafts = bot.app.user_data[who.account.id]
    assert dialog.cancel.keys[0] in drafts
    before = len(await who.replies())
    answered: Reply = await who.send(entry.command)
    assert len(await who.replies()) > before
    assert answered.text
    assert dialog.cancel.keys[0] not in drafts
    assert NOTHING_TO_CANCEL["en"] in (await who.send("/cancel")).text


async def test_a_new_customer_with_a_name_is_closed_with_a_note_in_chinese(bot: Harness) -> None:
    _, rep = await rep_in_team(bot, chinese=True)
    await rep.send("/new")
    await rep.send("华联超市")
    await rep.send("/today")
    replies = [r.text for r in await rep.replies()]
    assert any("您未完成的表单已关闭，内容没有保存。" in text for text in replies)
    assert NOTHING_TO_CANCEL["zh_Hans"] in (await rep.send("/cancel")).text
