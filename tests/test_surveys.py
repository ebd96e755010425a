"""CSAT and NPS end to end: visit logged → survey in the customer's daytime → score → comment → alerts.

The jobs' clock is frozen (the visit dialog, the card and the survey buttons read it too); the
survey job and the outbox sender are called directly, as in tests/test_reminders.py.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

import handlers.survey.survey
from bot.runtime.jobs import Background, background
from sandbox import SandboxServer
from sandbox.factories import (
    MANAGER_TG,
    REP_TG,
    SalesTeam,
    count,
    customer,
    fetch,
    person,
    plant_button,
    press_forged,
    press_through,
    sales_team,
)
from sandbox.harness import Harness, Person, running_bot, settings_for
from storage.models import Customer, Feedback, Reminder, Survey, Ticket, User

# 10:00 in Shanghai, where the team and its customers are.
T = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
CUSTOMER_TG, OTHER_CUSTOMER_TG = 9401, 9402
LOTUS = "Lotus Tea House"


def frozen(bot: Harness, at: datetime) -> Background:
    jobs = background(bot.app)
    jobs.clock = lambda: at
    return jobs


async def run_surveys(bot: Harness, at: datetime) -> None:
    """The survey job at `at`, then the sender a few paced seconds on."""
    jobs = frozen(bot, at)
    await jobs.run_surveys()
    await deliver(bot, at)


async def deliver(bot: Harness, at: datetime) -> None:
    jobs = background(bot.app)
    for step in range(3):
        jobs.clock = lambda step=step: at + timedelta(seconds=2 * step)  # type: ignore[misc]
        await jobs.deliver()
    jobs.clock = lambda: at


async def linked(
    bot: Harness,
    team: SalesTeam,
    name: str = LOTUS,
    *,
    telegram_id: int = CUSTOMER_TG,
    chinese: bool = False,
    linked_at: datetime = T - timedelta(days=1),
) -> tuple[int, Person]:
    """A customer of Rita's connected on Telegram since `linked_at`, and that customer's chat."""
    customer_id = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name=name)
    async with bot.app.db.begin() as session:
        account = User(
            telegram_id=telegram_id,
            chat_id=telegram_id,
            first_name="Lin",
            role="customer",
            team_id=team.team_id,
            locale="zh_Hans" if chinese else "en",
        )
        session.add(account)
        await session.flush()
        await session.execute(
            update(Customer).where(Customer.id == customer_id).values(user_id=account.id, linked_at=linked_at)
        )
    who = await bot.person(telegram_id, "Lin", language_code="zh-hans" if chinese else "en")
    await who.send("/start")
    return customer_id, who


async def log_visit(bot: Harness, rep: Person, name: str, *, at: datetime) -> None:
    """Rita logs a phone call with `name` at `at` (the dialog reads the jobs' clock)."""
    frozen(bot, at)
    await rep.send("/visit")
    done = await press_through(rep, name, "Phone", "Positive", "Skip", "No follow-up", "✅ Save")
    assert f"Visit to {name} saved." in done.text


async def toast(bot: Harness, who: Person, data: str) -> object:
    """Press a planted button carrying `data`; the text of the bot's alert."""
    answer = await press_forged(bot, who, "Planted", data)
    assert answer is not None
    return answer.get("text")


async def questions(who: Person) -> list[str]:
    """The survey questions in a customer's chat."""
    return [text for text in await texts(who) if text.startswith(("⭐", "📣"))]


async def texts(who: Person) -> list[str]:
    return [reply.text for reply in await who.replies()]


async def staff(bot: Harness, *, chinese_manager: bool = False) -> tuple[SalesTeam, Person, Person]:
    team = await sales_team(bot, manager_locale="zh_Hans" if chinese_manager else "en")
    return team, await person(bot, REP_TG), await person(bot, MANAGER_TG, chinese=chinese_manager)


async def test_a_visit_is_rated_two_hours_later_and_a_five_comes_with_a_comment(bot: Harness) -> None:
    team, rep, manager = await staff(bot)
    lotus, guest = await linked(bot, team)
    await log_visit(bot, rep, LOTUS, at=T)

    (survey,) = await fetch(bot, Survey)
    assert (survey.customer_id, survey.kind, survey.status) == (lotus, "csat", "scheduled")
    assert survey.due_at == T + timedelta(hours=2)
    await run_surveys(bot, T + timedelta(hours=1, minutes=59))
    assert await questions(guest) == []

    await run_surveys(bot, T + timedelta(hours=2))
    question = await guest.last_message()
    assert question.text == (
        "⭐ How was the visit from Rita (East) on Tue, Nov 24?\n"
        "Please rate it from 1 (very poor) to 5 (excellent)."
    )
    assert question.buttons() == [["1", "2", "3", "4", "5"]]
    await run_surveys(bot, T + timedelta(hours=2, minutes=1))
    assert len(await questions(guest)) == 1

    thanks = await guest.press("5")
    assert thanks.text == (
        "Thank you! You rated the visit 5 out of 5.\n"
        "Anything you would like to add? Just write it here, or press Skip."
    )
    assert thanks.buttons() == [["Skip"]]
    reply = await guest.send("Great tea, friendly visit!")
    assert reply.text == "Thank you, we have passed your words on to the team."

    (feedback,) = await fetch(bot, Feedback)
    assert (feedback.kind, feedback.score, feedback.comment) == ("csat", 5, "Great tea, friendly visit!")
    assert (feedback.survey_id, feedback.visit_id, feedback.rep_id) == (
        survey.id,
        survey.visit_id,
        team.rep_id,
    )
    (survey,) = await fetch(bot, Survey)
    assert survey.status == "answered"
    await deliver(bot, T + timedelta(hours=2, minutes=5))
    assert not any(text.startswith(("⚠️", "💬")) for text in await texts(rep) + await texts(manager))
    assert await count(bot, Ticket) == 0


async def test_an_evening_visit_is_rated_next_morning_in_chinese(bot: Harness) -> None:
    team, rep, _ = await staff(bot)
    _, guest = await linked(bot, team, chinese=True)
    evening = datetime(2026, 11, 24, 12, 30, tzinfo=UTC)  # 20:30 in Shanghai
    await log_visit(bot, rep, LOTUS, at=evening)

    for at in (evening + timedelta(hours=2), datetime(2026, 11, 25, 0, 59, tzinfo=UTC)):
        await run_surveys(bot, at)
        assert await questions(guest) == []
    await run_surveys(bot, datetime(2026, 11, 25, 1, 0, tzinfo=UTC))  # 09:00 in Shanghai

    question = await guest.last_message()
    assert question.text == "⭐ 请为Rita（East）11月24日周二的拜访打分。\n1分表示很差，5分表示非常好。"
    thanks = await guest.press("4")
    assert thanks.text.startswith("谢谢！您给本次拜访打了4分（满分5分）。")
    assert thanks.buttons() == [["跳过"]]
    skipped = await guest.press("跳过")
    assert skipped.text == "感谢您的反馈！"
    (feedback,) = await fetch(bot, Feedback)
    assert (feedback.score, feedback.comment) == (4, None)


async def test_a_survey_due_at_night_waits_for_the_morning(bot: Harness) -> None:
    team, rep, _ = await staff(bot)
    _, guest = await linked(bot, team)
    await log_visit(bot, rep, LOTUS, at=T)

    # The job was down from 12:00 until 23:00 local: the survey waits for 09:00.
    await run_surveys(bot, datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
    assert await questions(guest) == []
    (survey,) = await fetch(bot, Survey)
    assert (survey.status, survey.due_at) == ("scheduled", datetime(2026, 11, 25, 1, 0, tzinfo=UTC))
    await run_surveys(bot, datetime(2026, 11, 25, 1, 0, tzinfo=UTC))
    assert (await guest.last_message()).buttons() == [["1", "2", "3", "4", "5"]]


async def test_no_survey_for_an_unlinked_customer_and_one_per_visit(bot: Harness) -> None:
    team, rep, _ = await staff(bot)
    await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Walk-in Store")
    await linked(bot, team)

    await log_visit(bot, rep, "Walk-in Store", at=T)
    assert await count(bot, Survey) == 0

    await log_visit(bot, rep, LOTUS, at=T)
    saved = await rep.last_message()
    await plant_button(bot, rep, "✅ Save", "visit:save", message_id=saved.message.message_id)
    await rep.press_for_answer("✅ Save")
    assert await count(bot, Survey) == 1
    await log_visit(bot, rep, LOTUS, at=T + timedelta(minutes=30))
    assert await count(bot, Survey) == 2


async def test_a_survey_for_a_customer_who_left_is_withdrawn(bot: Harness) -> None:
    team, rep, _ = await staff(bot)
    lotus, guest = await linked(bot, team)
    await log_visit(bot, rep, LOTUS, at=T)
    async with bot.app.db.begin() as session:
        await session.execute(update(Customer).where(Customer.id == lotus).values(user_id=None))

    await run_surveys(bot, T + timedelta(hours=2))

    assert await questions(guest) == []
    assert [survey.status for survey in await fetch(bot, Survey)] == ["cancelled"]


async def rep_messages_since(rep: Person, before: int) -> list[str]:
    """The texts a staff member received after their first `before` messages, each visit date
    (in whatever form the reader's locale gives it) read as DATE."""
    return [undated(reply.text) for reply in (await rep.replies())[before:]]


def undated(text: str) -> str:
    return re.sub(r"(rated the visit on |给).*?(only |的拜访)", r"\1DATE \2", text, count=1)


async def test_a_low_score_opens_a_follow_up_and_the_rep_hears_of_it_once(bot: Harness) -> None:
    team, rep, manager = await staff(bot, chinese_manager=True)
    lotus, guest = await linked(bot, team)
    async with bot.app.db.begin() as session:
        phone = update(Customer).where(Customer.id == lotus).values(phone_e164="+8613800138000")
        await session.execute(phone)
    await log_visit(bot, rep, LOTUS, at=T)
    answered_at = T + timedelta(hours=2)
    await run_surveys(bot, answered_at)
    rep_before, boss_before = len(await rep.replies()), len(await manager.replies())

    thanks = await guest.press("2")
    assert thanks.text == (
        "Thank you! You rated the visit 2 out of 5.\n"
        "We are sorry it was not better. What went wrong? Just write it here, or press Skip."
    )
    # The alert waits for the comment.
    await deliver(bot, answered_at)
    assert await rep_messages_since(rep, rep_before) == []

    said = await guest.send("Nobody came on time.")
    assert said.text == (
        "Thank you. Your sales contact will read your words and get in touch with you.\n"
        "If you would like to file a complaint with a number to follow, send /complaint."
    )
    await deliver(bot, answered_at + timedelta(minutes=1))
    await deliver(bot, answered_at + timedelta(minutes=30))
    frozen(bot, answered_at + timedelta(days=1))
    await background(bot.app).push_due_reminders()
    await deliver(bot, answered_at + timedelta(days=1))

    assert await rep_messages_since(rep, rep_before) == [
        "⚠️ Lotus Tea House rated the visit on DATE only 2/5.\n"
        "In their words: “Nobody came on time.”\n"
        "📌 A follow-up is in your reminders; a call could win them back. Press Done once you have "
        "spoken to them.\n"
        "📞 +86 138 0013 8000"
    ]
    alert = (await rep.replies())[-1]
    assert alert.buttons() == [["✅ Done"], ["In 1 hour", "Tomorrow 09:00", "Next week"], ["Open card"]]
    assert alert.message.button_data("Open card") == f"cust:open:{lotus}"
    assert await rep_messages_since(manager, boss_before) == [
        "⚠️ Lotus Tea House给DATE 的拜访只打了2分（满分5分）。\n原话：“Nobody came on time.”\n销售：Rita"
    ]
    assert (await manager.replies())[-1].buttons() == [["打开客户卡片"]]

    assert await count(bot, Ticket) == 0
    (follow_up,) = await fetch(bot, Reminder)
    assert (follow_up.user_id, follow_up.customer_id, follow_up.kind, follow_up.status) == (
        team.rep_id,
        lotus,
        "follow_up",
        "pending",
    )
    assert follow_up.note == "★ 2/5\n“Nobody came on time.”"
    assert follow_up.notified_at == answered_at

    done = await rep.press("✅ Done")
    assert done.text == "✅ Done: Lotus Tea House.\n★ 2/5\n“Nobody came on time.”"
    assert (await guest.send("/tickets")).text == "You have no complaints. /complaint raises one."
    customer_view = "\n".join(await texts(guest))
    assert "Ticket" not in customer_view
    assert "Complaint #" not in customer_view


async def test_a_chinese_customer_skips_the_comment_and_the_rep_is_told_at_once(bot: Harness) -> None:
    team, rep, manager = await staff(bot)
    _, guest = await linked(bot, team, chinese=True)
    await log_visit(bot, rep, LOTUS, at=T)
    answered_at = T + timedelta(hours=2)
    await run_surveys(bot, answered_at)
    rep_before = len(await rep.replies())

    thanks = await guest.press("1")
    assert thanks.text.splitlines()[0] == "谢谢！您给本次拜访打了1分（满分5分）。"
    skipped = await guest.press("跳过")
    assert skipped.text == "感谢您的反馈！\n如果您想正式投诉并获得编号以便跟进，请发送 /complaint。"
    await deliver(bot, answered_at)
    await deliver(bot, answered_at + timedelta(minutes=30))
    assert await rep_messages_since(rep, rep_before) == [
        "⚠️ Lotus Tea House rated the visit on DATE only 1/5.\n"
        "📌 A follow-up is in your reminders; a call could win them back. Press Done once you have "
        "spoken to them."
    ]
    (boss,) = [text for text in await texts(manager) if text.startswith("⚠️")]
    assert boss.splitlines()[1:] == ["Rep: Rita"]
    assert await count(bot, Ticket) == 0
    (follow_up,) = await fetch(bot, Reminder)
    assert follow_up.note == "★ 1/5"


async def test_a_comment_after_the_wait_joins_the_follow_up_without_a_second_message(bot: Harness) -> None:
    team, rep, _ = await staff(bot)
    _, guest = await linked(bot, team, chinese=True)
    await log_visit(bot, rep, LOTUS, at=T)
    answered_at = T + timedelta(hours=2)
    await run_surveys(bot, answered_at)
    rep_before = len(await rep.replies())

    await guest.press("2")
    await deliver(bot, answered_at + timedelta(minutes=10))
    frozen(bot, answered_at + timedelta(minutes=20))
    said = await guest.send("态度不好")
    assert said.text == (
        "谢谢。您的专属销售会看到您的留言并与您联系。\n"
        "如果您想正式投诉并获得编号以便跟进，请发送 /complaint。"
    )
    await deliver(bot, answered_at + timedelta(minutes=20))

    (alert,) = await rep_messages_since(rep, rep_before)
    assert alert.startswith("⚠️ Lotus Tea House rated the visit on DATE only 2/5.\n📌")
    (follow_up,) = await fetch(bot, Reminder)
    assert follow_up.note == "★ 2/5\n“态度不好”"
    (feedback,) = await fetch(bot, Feedback)
    assert feedback.comment == "态度不好"


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_the_digest_counts_the_low_score_but_no_complaint(bot: Harness, locale: str) -> None:
    team, rep, manager = await staff(bot, chinese_manager=locale == "zh_Hans")
    _, guest = await linked(bot, team)
    await log_visit(bot, rep, LOTUS, at=T)
    answered_at = T + timedelta(hours=2)
    await run_surveys(bot, answered_at)
    await guest.press("2")
    await guest.send("Late again.")
    frozen(bot, answered_at + timedelta(hours=6))

    await manager.send("/digest")
    digest = next(r.text for r in reversed(await manager.replies()) if r.text.startswith("📊"))
    assert ("CSAT 2" if locale == "en" else "满意度") in digest
    assert ("1 overdue follow-up" if locale == "en" else "1条跟进已逾期") in digest
    assert "🎫" not in digest
    for word in ("ticket", "complaint", "工单", "投诉"):
        assert word not in digest.lower()


async def test_buttons_of_others_forged_and_stale_change_nothing(bot: Harness) -> None:
    team, rep, _ = await staff(bot)
    _, guest = await linked(bot, team)
    _, stranger = await linked(bot, team, "Otto's Shop", telegram_id=OTHER_CUSTOMER_TG)
    await log_visit(bot, rep, LOTUS, at=T)
    await run_surveys(bot, T + timedelta(hours=2))
    (survey,) = await fetch(bot, Survey)
    refused = "This button is not available to you."

    assert await toast(bot, stranger, f"srv:{survey.id}:5") == refused
    assert await toast(bot, rep, f"srv:{survey.id}:5") == refused
    for data in (f"srv:{survey.id}:9", f"srv:{survey.id}:0", "srv:999999:3"):
        assert await toast(bot, guest, data) == refused, data
    assert await toast(bot, guest, f"srv:{survey.id}:x") == (
        "This button is no longer active. Please start again from the menu."
    )
    assert await count(bot, Feedback) == 0

    await guest.press("3")
    await guest.send("/cancel")
    assert (await guest.last_message()).text == "All right, your answer stands without a comment."
    assert await toast(bot, guest, f"srv:{survey.id}:1") == "Thank you, we already have your answer."
    (feedback,) = await fetch(bot, Feedback)
    assert (feedback.score, feedback.comment) == (3, None)
    assert await count(bot, Ticket) == 0


async def test_an_unanswered_survey_closes_after_a_week(bot: Harness) -> None:
    team, rep, _ = await staff(bot)
    _, guest = await linked(bot, team, chinese=True)
    await log_visit(bot, rep, LOTUS, at=T)
    await run_surveys(bot, T + timedelta(hours=2))

    await run_surveys(bot, T + timedelta(days=7, hours=2))
    (survey,) = await fetch(bot, Survey)
    assert survey.status == "expired"
    closed = await guest.press("5")
    assert closed.text == "本次调查已结束，仍然感谢您！"
    assert await count(bot, Feedback) == 0


async def test_nps_cadence_and_a_promoters_reason(bot: Harness) -> None:
    team, rep, _ = await staff(bot)
    lotus, guest = await linked(bot, team, linked_at=T - timedelta(days=59))

    await run_surveys(bot, T)
    assert await count(bot, Survey, kind="nps") == 0

    day_60 = T + timedelta(days=1)
    await run_surveys(bot, day_60)
    question = await guest.last_message()
    assert question.text == (
        "📣 How likely are you to recommend East to a friend or colleague?\n"
        "0 = not at all likely, 10 = extremely likely."
    )
    assert question.buttons() == [["0", "1", "2", "3", "4", "5"], ["6", "7", "8", "9", "10"]]
    thanks = await guest.press("9")
    assert thanks.text == (
        "Thank you! You gave us 9 out of 10.\n"
        "What is the main reason for your score? Just write it here, or press Skip."
    )
    await guest.send("Always on time.")
    (feedback,) = await fetch(bot, Feedback, kind="nps")
    assert (feedback.customer_id, feedback.score, feedback.comment, feedback.rep_id) == (
        lotus,
        9,
        "Always on time.",
        team.rep_id,
    )

    await run_surveys(bot, day_60 + timedelta(days=89))
    assert await count(bot, Survey, kind="nps") == 1
    await run_surveys(bot, day_60 + timedelta(days=91))
    assert await count(bot, Survey, kind="nps") == 2
    await deliver(bot, day_60 + timedelta(days=91))
    assert not any(text.startswith("📣") for text in await texts(rep))


async def test_a_detractor_alerts_the_owner_only_in_chinese(bot: Harness) -> None:
    team, rep, manager = await staff(bot)
    _, guest = await linked(bot, team, chinese=True, linked_at=T - timedelta(days=200))

    await run_surveys(bot, T)
    assert (await guest.last_message()).text.startswith("📣 您有多大可能把East推荐给朋友或同事？")
    thanks = await guest.press("3")
    assert thanks.text.splitlines() == [
        "谢谢！您给我们打了3分（满分10分）。",
        "您打这个分数的主要原因是什么？直接在这里写下即可，也可以点“跳过”。",
    ]
    await guest.send("送货太慢")
    await deliver(bot, T)

    alerts = [text for text in await texts(rep) if text.startswith(("📣", "💬"))]
    assert alerts == [
        "📣 Lotus Tea House gave an NPS of 3/10: a detractor.\n"
        "In their words: “送货太慢”\n"
        "📌 A follow-up is in your reminders; a call could win them back. Press Done once you have "
        "spoken to them."
    ]
    (follow_up,) = await fetch(bot, Reminder)
    assert (follow_up.user_id, follow_up.note) == (team.rep_id, "NPS 3/10\n“送货太慢”")
    assert not any(text.startswith(("📣", "💬")) for text in await texts(manager))
    assert await count(bot, Ticket) == 0


async def test_the_card_shows_the_survey_results(bot: Harness) -> None:
    team, rep, manager = await staff(bot, chinese_manager=True)
    lotus, _ = await linked(bot, team)
    async with bot.app.db.begin() as session:
        for kind, score, days in (("csat", 1, 100), ("csat", 5, 10), ("csat", 4, 1), ("nps", 9, 5)):
            session.add(
                Feedback(
                    team_id=team.team_id,
                    customer_id=lotus,
                    kind=kind,
                    score=score,
                    created_at=T - timedelta(days=days),
                )
            )
    frozen(bot, T)

    await plant_button(bot, rep, "Open", f"cust:open:{lotus}")
    card = (await rep.press("Open")).text
    assert "CSAT, last 90 days: 4.5/5 from 2 answers" in card
    assert "Latest CSAT: 4/5 on Nov 23" in card
    assert "Latest NPS: 9/10 on Nov 19 · promoter" in card

    await plant_button(bot, manager, "打开", f"cust:open:{lotus}")
    card = (await manager.press("打开")).text
    assert "近90天满意度：4.5/5（2次评分）" in card
    assert "最近 NPS：9/10（11月19日）· 推荐者" in card


async def test_the_comment_dialog_wants_text_and_ends_silently_after_a_while(
    sandbox: SandboxServer, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handlers.survey.survey, "TIMEOUT_SECONDS", 0.5)
    async with running_bot(settings_for(sandbox, database_url), sandbox) as bot:
        team, rep, _ = await staff(bot)
        _, guest = await linked(bot, team)
        await log_visit(bot, rep, LOTUS, at=T)
        await run_surveys(bot, T + timedelta(hours=2))
        await guest.press("4")

        await guest._settle(await guest.account.send_photo(b"\xff\xd8\xff"))
        nudge = await guest.last_message()
        assert nudge.text == "Please write your comment as a text message, or press Skip."
        await asyncio.sleep(1.0)
        assert (await guest.last_message()).text == nudge.text
        relayed = await guest.send("Too late for the survey")
        assert relayed.text.startswith("✉️ Sent to your sales contact")

        (feedback,) = await fetch(bot, Feedback, kind="csat")
        assert (feedback.score, feedback.comment) == (4, None)
        (message,) = await fetch(bot, Feedback, kind="text")
        assert message.comment == "Too late for the survey"
