"""/visit through the sandbox: the whole dialog in both languages, wrong input, other reps' customers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

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
    rep_and_others_customer,
    sales_team,
    share_location,
)
from sandbox.harness import Harness, Person, Reply, running_bot, settings_for
from storage.models import Customer, Reminder, Visit

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def begin(bot: Harness, name: str = "Acme", *, chinese: bool = False) -> tuple[SalesTeam, int, Person]:
    """A team whose rep (Rita) owns one customer, `name`, and has just sent /visit."""
    team = await sales_team(bot, rep_locale="zh_Hans" if chinese else "en")
    customer_id = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name=name)
    rep = await person(bot, REP_TG, chinese=chinese)
    await rep.send("/visit")
    return team, customer_id, rep


async def test_on_site_visit_with_check_in_and_typed_follow_up(bot: Harness) -> None:
    team = await sales_team(bot)
    acme = await customer(
        bot, team_id=team.team_id, owner_id=team.rep_id, name="Acme", latitude=31.2304, longitude=121.4737
    )
    rep = await person(bot, REP_TG)

    picker = await rep.send("/visit")
    assert "Which customer did you visit?" in picker.text
    assert ["Acme"] in picker.buttons()
    assert "How did you meet?" in (await rep.press("Acme")).text
    assert "How did it go?" in (await rep.press("On-site")).text
    assert "Any notes?" in (await rep.press("Positive")).text
    checkin = await rep.send("Talked about the Q1 order 🚀")
    assert "Check in" in checkin.text
    assert checkin.message.keyboard() == [["📍 Share my location"], ["Skip check-in"]]

    await share_location(rep, 31.2314, 121.4737, accuracy=15)
    replies = [r.text for r in await rep.replies()]
    assert any("Checked in 111 m from Acme." in text for text in replies)
    assert "When is the next follow-up?" in replies[-1]

    # 1 December next year: within the two years a follow-up may be set, and shown with its year.
    year = datetime.now(SHANGHAI).year + 1
    shown = f"Next follow-up: {datetime(year, 12, 1).strftime('%a')}, Dec 1, {year}, 14:00"
    summary = await rep.send(f"{year}-12-01 14:00")
    assert "Visit to Acme" in summary.text
    assert "Kind: On-site" in summary.text
    assert "Check-in: 111 m from the customer" in summary.text
    assert shown in summary.text
    done = await rep.press("✅ Save")
    assert "Visit to Acme saved." in done.text
    assert shown in done.text

    [visit] = await fetch(bot, Visit)
    assert (visit.customer_id, visit.rep_id, visit.kind, visit.outcome) == (
        acme,
        team.rep_id,
        "on_site",
        "positive",
    )
    assert visit.notes == "Talked about the Q1 order 🚀"
    assert visit.accuracy_m == 15
    assert visit.distance_m == pytest.approx(111.2, abs=1)
    assert (visit.latitude, visit.longitude) == (31.2314, 121.4737)
    [reminder] = await fetch(bot, Reminder)
    assert (reminder.kind, reminder.customer_id, reminder.user_id) == ("follow_up", acme, team.rep_id)
    assert reminder.due_at == datetime(year, 12, 1, 6, 0, tzinfo=UTC)
    [row] = await fetch(bot, Customer, id=acme)
    assert row.next_follow_up_at == reminder.due_at
    assert row.last_visit_at == visit.visited_at


async def test_chinese_visit_adopts_location_and_reads_chinese_follow_up(bot: Harness) -> None:
    _, shop, rep = await begin(bot, "华联超市", chinese=True)
    assert "哪种拜访方式" in (await rep.press("华联超市")).text
    checkin = await press_through(rep, "上门拜访", "成交", "跳过")
    assert "签到" in checkin.text
    await share_location(rep, 31.2, 121.5, accuracy=8.5)
    question = await rep.last_message()
    assert "还没有保存位置" in question.text
    await rep.press("是，保存")
    summary = await rep.send("明天下午3点")
    assert "下次跟进" in summary.text
    assert "15:00" in summary.text
    done = await rep.press("✅ 保存")
    assert "已保存" in done.text

    tomorrow = datetime.now(SHANGHAI).date() + timedelta(days=1)
    [visit] = await fetch(bot, Visit)
    assert (visit.kind, visit.outcome, visit.notes, visit.distance_m, visit.accuracy_m) == (
        "on_site",
        "won",
        None,
        0.0,
        8.5,
    )
    [row] = await fetch(bot, Customer, id=shop)
    assert (row.latitude, row.longitude) == (31.2, 121.5)
    assert row.next_follow_up_at == datetime(tomorrow.year, tomorrow.month, tomorrow.day, 15, tzinfo=SHANGHAI)


async def test_wrong_input_at_every_step(bot: Harness) -> None:
    _, _, rep = await begin(bot, "Bolt")
    assert "Pick a recent customer" in (await rep.last_message()).text
    nothing = await rep.send("Zyzzyva")
    assert 'No customer matches "Zyzzyva"' in nothing.text
    assert "/new" in nothing.text
    assert ["Bolt"] in (await rep.send("bolt")).buttons()
    await rep.press("Bolt")
    assert "pick one of the buttons" in (await rep.send("phone, I think")).text
    await rep.press("Phone")
    assert "pick one of the buttons" in (await rep.send("good")).text
    await rep.press("Neutral")
    await share_location(rep, 31.2, 121.5)
    assert "only needed for on-site visits" in (await rep.last_message()).text
    too_long = await rep.send("x" * 1001)
    assert "at most 1000 characters" in too_long.text
    assert "When is the next follow-up?" in (await rep.send("Called about prices 💬")).text
    unreadable = await rep.send("banana")
    assert 'I couldn\'t read "banana" as a date and time.' in unreadable.text
    assert '"tomorrow 15:00"' in unreadable.text
    assert "already passed" in (await rep.send("2020-01-01 10:00")).text
    summary = await rep.press("Tomorrow")
    assert "Kind: Phone" in summary.text
    assert "Check-in" not in summary.text
    assert "Next follow-up:" in summary.text
    assert "09:00" in summary.text
    assert "press Save, Edit or Cancel" in (await rep.send("ok")).text

    await rep.press("✏️ Edit")
    assert "How did it go?" in (await rep.press("Outcome")).text
    assert "Outcome: Deal won" in (await rep.press("Deal won")).text
    await rep.press("✅ Save")
    [visit] = await fetch(bot, Visit)
    assert (visit.kind, visit.outcome, visit.notes, visit.latitude) == (
        "phone",
        "won",
        "Called about prices 💬",
        None,
    )
    [reminder] = await fetch(bot, Reminder)
    assert reminder.due_at.astimezone(SHANGHAI).hour == 9


async def test_skipped_check_in_and_no_follow_up(bot: Harness) -> None:
    _, acme, rep = await begin(bot)
    await press_through(rep, "Acme", "On-site", "Negative", "Skip")
    assert "Please share your location" in (await rep.send("here")).text
    await rep.send("Skip check-in")
    summary = await rep.press("No follow-up")
    assert "Check-in: skipped" in summary.text
    assert "Next follow-up: none" in summary.text
    await rep.press("✅ Save")
    [visit] = await fetch(bot, Visit)
    assert (visit.latitude, visit.distance_m) == (None, None)
    assert await count(bot, Reminder) == 0
    [row] = await fetch(bot, Customer, id=acme)
    assert row.next_follow_up_at is None
    assert row.last_visit_at is not None


async def test_another_reps_customer_is_refused(bot: Harness) -> None:
    rep, theirs = await rep_and_others_customer(bot)
    answer = await press_forged(bot, rep, "Forged visit", f"visit:start:{theirs}")
    assert answer is not None
    assert "not in your list" in str(answer["text"])
    answer = await press_forged(bot, rep, "Forged card", f"cust:open:{theirs}")
    assert answer is not None
    assert "not in your list" in str(answer["text"])
    assert "Otto's Shop" not in (await rep.last_message()).text
    assert await count(bot, Visit) == 0
    await rep.send("/visit")
    assert 'No customer matches "Otto"' in (await rep.send("Otto")).text


async def test_customer_taken_away_mid_dialog_saves_nothing(bot: Harness) -> None:
    team, acme, rep = await begin(bot)
    await press_through(rep, "Acme", "Phone", "Positive", "Skip", "No follow-up")
    async with bot.app.db.begin() as session:
        row = await session.get(Customer, acme)
        assert row is not None
        row.owner_id = team.other_rep_id
    answer = await rep.press_for_answer("✅ Save")
    assert answer is not None
    assert "not in your list" in str(answer["text"])
    assert "Nothing was saved" in (await rep.last_message()).text
    assert await count(bot, Visit) == 0


async def test_a_stale_save_press_creates_no_duplicate(bot: Harness) -> None:
    _, _, rep = await begin(bot)
    summary = await press_through(rep, "Acme", "Online", "Positive", "Skip", "In 3 days")
    saved = await rep.press("✅ Save")
    assert saved.message.message_id == summary.message.message_id
    await plant_button(bot, rep, "✅ Save", "visit:save", message_id=summary.message.message_id)
    answer = await rep.press_for_answer("✅ Save")
    assert answer is not None
    assert "already saved" in str(answer["text"])
    assert await count(bot, Visit) == 1
    assert await count(bot, Reminder) == 1


@pytest.mark.parametrize("steps", range(7))
async def test_cancel_at_any_step_stores_nothing(bot: Harness, steps: int) -> None:
    _, _, rep = await begin(bot)
    actions: list[Callable[[], Awaitable[Reply]]] = [
        lambda: rep.press("Acme"),
        lambda: rep.press("On-site"),
        lambda: rep.press("Positive"),
        lambda: rep.send("notes"),
        lambda: share_location(rep, 31.2, 121.5),
        lambda: rep.press("No"),
    ]
    for action in actions[:steps]:
        await action()
    if steps == 6:
        await rep.press("Tomorrow")
    assert "Cancelled. No visit was saved." in (await rep.send("/cancel")).text
    assert await count(bot, Visit) == 0
    assert await count(bot, Reminder) == 0
    assert "nothing to cancel" in (await rep.send("/cancel")).text


async def test_cancel_button_in_chinese(bot: Harness) -> None:
    _, _, rep = await begin(bot, "华联超市", chinese=True)
    await rep.press("华联超市")
    assert "已取消" in (await rep.press("取消")).text
    assert await count(bot, Visit) == 0


async def test_half_finished_visit_survives_a_restart(sandbox: SandboxServer, database_url: str) -> None:
    settings = settings_for(sandbox, database_url)
    async with running_bot(settings, sandbox) as first:
        _, _, rep = await begin(first)
        await press_through(rep, "Acme", "Phone")
    async with running_bot(settings, sandbox) as second:
        rep = await person(second, REP_TG)
        assert "Any notes?" in (await rep.press("Positive")).text
        await rep.send("after the restart")
        await press_through(rep, "Next week", "✅ Save")
        [visit] = await fetch(second, Visit)
        assert (visit.kind, visit.outcome, visit.notes) == ("phone", "positive", "after the restart")


async def test_manager_logs_a_visit_for_a_team_customer(bot: Harness) -> None:
    team = await sales_team(bot)
    await customer(bot, team_id=team.team_id, owner_id=team.other_rep_id, name="Otto's Shop")
    manager = await bot.person(MANAGER_TG, "Mona")
    await manager.send("/visit")
    await manager.send("Otto")
    await press_through(manager, "Otto's Shop", "Phone", "Neutral", "Skip", "No follow-up", "✅ Save")
    [visit] = await fetch(bot, Visit)
    assert visit.rep_id == team.manager_id


async def test_photo_with_caption_as_notes(bot: Harness) -> None:
    _, _, rep = await begin(bot)
    await press_through(rep, "Acme", "Online", "Positive")
    await rep._settle(await rep.account.send_photo(b"\xff\xd8\xff\xe0 shelf", caption="Shelf display 📸"))
    summary = await rep.press("No follow-up")
    assert "Notes: Shelf display 📸" in summary.text
    assert "Photo attached" in summary.text
    await rep.press("✅ Save")
    [visit] = await fetch(bot, Visit)
    assert visit.photo_file_id
    assert visit.notes == "Shelf display 📸"


async def test_picker_pages_through_many_matches(bot: Harness) -> None:
    team = await sales_team(bot)
    for n in range(1, 11):
        await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name=f"Shop {n:02d}")
    rep = await person(bot, REP_TG)
    await rep.send("/visit")
    first = await rep.send("Shop")
    assert len([row for row in first.buttons() if row[0].startswith("Shop")]) == 8
    assert ["More ▶"] in first.buttons()
    second = await rep.press("More ▶")
    names = [row[0] for row in second.buttons() if row[0].startswith("Shop")]
    assert len(names) == 2
    assert ["◀ Back"] in second.buttons()
    assert "How did you meet?" in (await rep.press(names[0])).text


async def test_an_idle_visit_times_out_with_a_note(
    sandbox: SandboxServer, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handlers.visit import dialog as visits

    monkeypatch.setattr(visits, "TIMEOUT_SECONDS", 0.5)
    async with running_bot(settings_for(sandbox, database_url), sandbox) as bot:
        _, _, rep = await begin(bot)
        await rep.press("Acme")
        for _ in range(50):
            note = await rep.account.wait_reply(timeout=5)
            if "put aside" in note.content:
                break
        assert "put aside after" in note.content
        assert "nothing to cancel" in (await rep.send("/cancel")).text
        assert await count(bot, Visit) == 0
