"""Birthday and holiday greeting pushes end to end: the morning job → outbox → the owner's chat.

The jobs' clock is frozen and the job methods are called directly, as in tests/test_reminders.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.runtime.jobs import Background, background
from bot.services.customers import search_columns
from sandbox.harness import Harness, Person
from storage.models import Contact, Customer, Outbox, Team, User

# 09:30 in Shanghai on an ordinary Wednesday; 20:30 the evening before in New York.
MORNING = datetime(2027, 3, 10, 1, 30, tzinfo=UTC)
OWNER, OTHER = 8201, 8202
DELIVERIES = 3


async def team(bot: Harness, *, timezone: str = "Asia/Shanghai", region: str = "CN") -> int:
    async with bot.app.db.begin() as session:
        row = Team(name=f"Team {timezone}", timezone=timezone, phone_region=region)
        session.add(row)
        await session.flush()
        return row.id


async def staff(
    bot: Harness, team_id: int, telegram_id: int, *, locale: str = "en", active: bool = True
) -> int:
    async with bot.app.db.begin() as session:
        user = User(
            telegram_id=telegram_id,
            chat_id=telegram_id,
            first_name="Rita",
            role="rep",
            team_id=team_id,
            locale=locale,
            is_active=active,
        )
        session.add(user)
        await session.flush()
        return user.id


async def customer(bot: Harness, team_id: int, owner_id: int, name: str, **fields: Any) -> int:
    async with bot.app.db.begin() as session:
        row = Customer(
            team_id=team_id,
            owner_id=owner_id,
            name=name,
            **search_columns(name=name, company=None, e164=None),
            **fields,
        )
        session.add(row)
        await session.flush()
        return row.id


async def chatting(bot: Harness, telegram_id: int, locale: str = "en") -> Person:
    person = await bot.person(telegram_id, "Rita", language_code="zh-hans" if locale == "zh_Hans" else "en")
    await person.send("/start")
    return person


def frozen(bot: Harness, at: datetime, *, fresh: bool = False) -> Background:
    """Stop the jobs' clock at `at`; `fresh` forgets which teams were greeted, as a restart does."""
    jobs = background(bot.app)
    jobs.clock = lambda: at
    if fresh:
        jobs._greeted.clear()
    return jobs


async def run(jobs: Background) -> int:
    """Run the greeting job, then the sender a few paced seconds on, so every push arrives."""
    at = jobs.clock()
    queued = await jobs.push_greetings()
    for step in range(DELIVERIES):
        jobs.clock = lambda step=step: at + timedelta(seconds=2 * step)  # type: ignore[misc]
        await jobs.deliver()
    jobs.clock = lambda: at
    return queued


async def greeting_pushes(person: Person) -> list[str]:
    return [r.text for r in await person.replies() if r.text[:1] in ("🎂", "🧧", "🥮", "🎉")]


async def outbox_keys(bot: Harness) -> list[str]:
    async with bot.app.db() as session:
        return sorted(await session.scalars(select(Outbox.dedupe_key).where(Outbox.kind == "greeting")))


BIRTHDAY_PUSH = {
    "en": "🎂 Today is 王芳's birthday.\n\nSuggested message:\n王芳，祝您生日快乐，万事如意！",
    "zh_Hans": "🎂 今天是王芳的生日。\n\n推荐祝福语：\n王芳，祝您生日快乐，万事如意！",
}


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_birthday_push_reads_in_the_owners_language_with_a_chinese_greeting(
    bot: Harness, locale: str
) -> None:
    team_id = await team(bot)
    owner = await staff(bot, team_id, OWNER, locale=locale)
    wang = await customer(bot, team_id, owner, "王芳", birthday=date(1990, 3, 10))
    await customer(bot, team_id, owner, "Not today", birthday=date(1990, 3, 11))
    rita = await chatting(bot, OWNER, locale)

    assert await run(frozen(bot, MORNING)) == 1
    push = await rita.last_message()
    assert push.text == BIRTHDAY_PUSH[locale]
    label = "Open card" if locale == "en" else "打开客户卡片"
    assert push.buttons() == [[label]]
    assert push.message.button_data(label) == f"cust:open:{wang}"
    assert await outbox_keys(bot) == [f"greeting:{wang}:birthday:2027-03-10"]

    card = await rita.press(label)
    assert "王芳" in card.text

    assert await run(frozen(bot, MORNING.replace(hour=5))) == 0
    assert await run(frozen(bot, MORNING.replace(hour=6), fresh=True)) == 0
    assert len(await greeting_pushes(rita)) == 1


@pytest.mark.parametrize(
    ("contact", "greeting"),
    [
        ("Li Lei", "Li Lei，祝您生日快乐，万事如意！"),
        ("李雷", "李雷，祝您生日快乐，万事如意！"),
    ],
)
async def test_a_contacts_leap_day_birthday_in_a_common_year(
    bot: Harness, contact: str, greeting: str
) -> None:
    team_id = await team(bot)
    owner = await staff(bot, team_id, OWNER, locale="zh_Hans")
    acme = await customer(bot, team_id, owner, "Acme Ltd")
    async with bot.app.db.begin() as session:
        row = Contact(customer_id=acme, name=contact, birthday=date(1992, 2, 29))
        session.add(row)
        await session.flush()
        contact_id = row.id
    rita = await chatting(bot, OWNER, "zh_Hans")

    assert await run(frozen(bot, datetime(2027, 2, 27, 2, 0, tzinfo=UTC))) == 0
    assert await run(frozen(bot, datetime(2027, 2, 28, 2, 0, tzinfo=UTC))) == 1
    assert (
        await rita.last_message()
    ).text == f"🎂 今天是{contact}（Acme Ltd）的生日。\n\n推荐祝福语：\n{greeting}"
    assert await outbox_keys(bot) == [f"greeting:{acme}:birthday-{contact_id}:2027-02-28"]


async def test_an_english_owner_gets_an_english_greeting_for_a_latin_name(bot: Harness) -> None:
    team_id = await team(bot)
    owner = await staff(bot, team_id, OWNER)
    acme = await customer(bot, team_id, owner, "Acme Ltd", company="Acme", birthday=date(1980, 3, 10))
    async with bot.app.db.begin() as session:
        session.add(Contact(customer_id=acme, name="Zoe", birthday=date(1980, 3, 10)))
    rita = await chatting(bot, OWNER)

    assert await run(frozen(bot, MORNING)) == 2
    assert await greeting_pushes(rita) == [
        "🎂 Today is Acme Ltd's birthday.\n\nSuggested message:\n"
        "Happy birthday, Acme Ltd! Wishing you a wonderful year ahead.",
        "🎂 Today is Zoe's birthday (Acme Ltd).\n\nSuggested message:\n"
        "Happy birthday, Zoe! Wishing you a wonderful year ahead.",
    ]


async def test_each_team_is_greeted_at_its_own_nine_oclock(bot: Harness) -> None:
    shanghai = await team(bot)
    new_york = await team(bot, timezone="America/New_York", region="US")
    east = await staff(bot, shanghai, OWNER)
    west = await staff(bot, new_york, OTHER)
    await customer(bot, shanghai, east, "Ann East", birthday=date(1980, 3, 10))
    await customer(bot, new_york, west, "Bob West", birthday=date(1980, 3, 10))
    ann = await chatting(bot, OWNER)
    bob = await chatting(bot, OTHER)

    assert await run(frozen(bot, MORNING)) == 1
    assert await greeting_pushes(ann) == [
        "🎂 Today is Ann East's birthday.\n\nSuggested message:\n"
        "Happy birthday, Ann East! Wishing you a wonderful year ahead."
    ]
    assert await greeting_pushes(bob) == []

    assert await run(frozen(bot, datetime(2027, 3, 10, 13, 55, tzinfo=UTC))) == 0
    assert await run(frozen(bot, datetime(2027, 3, 10, 14, 5, tzinfo=UTC))) == 1
    assert await greeting_pushes(bob) == [
        "🎂 Today is Bob West's birthday.\n\nSuggested message:\n"
        "Happy birthday, Bob West! Wishing you a wonderful year ahead."
    ]
    assert len(await greeting_pushes(ann)) == 1


SPRING_FESTIVAL = datetime(2027, 2, 6, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_spring_festival_is_one_push_per_owner_listing_their_customers(
    bot: Harness, locale: str
) -> None:
    team_id = await team(bot)
    owner = await staff(bot, team_id, OWNER, locale=locale)
    names = ["Acme Ltd", *(f"客户{n:02d}" for n in range(22))]
    for name in names:
        await customer(bot, team_id, owner, name)
    rita = await chatting(bot, OWNER, locale)

    assert await run(frozen(bot, SPRING_FESTIVAL)) == 1
    push = await rita.last_message()
    listed = "\n".join(f"• {name}" for name in names[:20])
    if locale == "en":
        expected = (
            f"🧧 Spring Festival today: greet your customers.\n{listed}\n+3 more\n\nSuggested message:\n"
            "Happy Spring Festival! Wishing you and your family health, happiness and prosperity.\n"
            "祝您新春快乐，阖家幸福，万事如意！"
        )
    else:
        expected = (
            f"🧧 今天是春节，给客户送上祝福吧。\n{listed}\n另有3位\n\n推荐祝福语：\n"
            "祝您新春快乐，阖家幸福，万事如意！"
        )
    assert push.text == expected
    all_of_them = "👥 All 23 customers" if locale == "en" else "👥 全部23位客户"
    assert push.buttons() == [*([name] for name in names[:20]), [all_of_them]]
    assert await outbox_keys(bot) == [f"greeting:owner-{owner}:spring-festival:2027-02-06"]

    assert await run(frozen(bot, datetime(2027, 2, 7, 1, 30, tzinfo=UTC))) == 0
    assert await run(frozen(bot, SPRING_FESTIVAL, fresh=True)) == 0


async def test_mid_autumn_in_chinese_only_for_chinese_customers(bot: Harness) -> None:
    team_id = await team(bot, timezone="America/New_York", region="US")
    owner = await staff(bot, team_id, OWNER)
    await customer(bot, team_id, owner, "王芳")
    rita = await chatting(bot, OWNER)

    assert await run(frozen(bot, datetime(2027, 9, 15, 13, 30, tzinfo=UTC))) == 1
    assert (await rita.last_message()).text == (
        "🥮 Mid-Autumn Festival today: greet your customers.\n• 王芳\n\nSuggested message:\n"
        "祝您中秋快乐，花好月圆，阖家团圆！"
    )


async def test_a_deactivated_owner_and_erased_customers_get_nothing(bot: Harness) -> None:
    team_id = await team(bot)
    gone = await staff(bot, team_id, OWNER, active=False)
    owner = await staff(bot, team_id, OTHER)
    await customer(bot, team_id, gone, "王芳", birthday=date(1990, 2, 6))
    await customer(bot, team_id, owner, "Erased", birthday=date(1990, 2, 6), erased_at=SPRING_FESTIVAL)
    await customer(bot, team_id, owner, "Kept")
    ann = await chatting(bot, OWNER)
    bob = await chatting(bot, OTHER)

    assert await run(frozen(bot, SPRING_FESTIVAL)) == 1
    assert await greeting_pushes(ann) == []
    assert [text.splitlines()[:2] for text in await greeting_pushes(bob)] == [
        ["🧧 Spring Festival today: greet your customers.", "• Kept"]
    ]


def shanghai_morning(day: date) -> datetime:
    """09:30 in Shanghai on `day`."""
    return datetime(day.year, day.month, day.day, 1, 30, tzinfo=UTC)


def london_morning(day: date) -> datetime:
    """10:00 UTC: past nine in London, summer or winter."""
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


# The official 2026 schedule: six weekend days worked (调休上班) for six weekdays off.
MAKE_UP_WORKDAYS_2026 = [date(2026, m, d) for m, d in ((1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10))]
DAYS_OFF_IN_EXCHANGE_2026 = [
    date(2026, m, d) for m, d in ((1, 2), (2, 20), (2, 23), (5, 5), (10, 6), (10, 7))
]


async def test_no_greeting_on_2026_make_up_working_days_or_the_days_off_they_pay_for(bot: Harness) -> None:
    team_id = await team(bot)
    owner = await staff(bot, team_id, OWNER, locale="zh_Hans")
    await customer(bot, team_id, owner, "王芳")
    rita = await chatting(bot, OWNER, "zh_Hans")

    for day in sorted(MAKE_UP_WORKDAYS_2026 + DAYS_OFF_IN_EXCHANGE_2026):
        assert await run(frozen(bot, shanghai_morning(day))) == 0, day
    assert await greeting_pushes(rita) == []
    assert await outbox_keys(bot) == []

    assert await run(frozen(bot, shanghai_morning(date(2026, 10, 1)))) == 1
    assert await greeting_pushes(rita) == [
        "🎉 今天是国庆节，给客户送上祝福吧。\n• 王芳\n\n推荐祝福语：\n祝您国庆节快乐，阖家幸福！"
    ]


@pytest.mark.parametrize(("region", "timezone"), [("CN", "Asia/Shanghai"), ("HK", "Asia/Hong_Kong")])
async def test_qingming_is_not_greeted(bot: Harness, region: str, timezone: str) -> None:
    team_id = await team(bot, timezone=timezone, region=region)
    owner = await staff(bot, team_id, OWNER)
    await customer(bot, team_id, owner, "王芳")
    rita = await chatting(bot, OWNER)

    # 6 April 2026 is Easter Monday in Hong Kong, a holiday of its own.
    for day in (date(2026, 4, 4), date(2026, 4, 5), date(2026, 4, 7)):
        assert await run(frozen(bot, shanghai_morning(day))) == 0, day
    assert await greeting_pushes(rita) == []


async def test_good_friday_is_not_greeted_by_a_british_team(bot: Harness) -> None:
    team_id = await team(bot, timezone="Europe/London", region="GB")
    owner = await staff(bot, team_id, OWNER)
    await customer(bot, team_id, owner, "Ann Lee")
    await customer(bot, team_id, owner, "王芳")
    rita = await chatting(bot, OWNER)

    assert await run(frozen(bot, london_morning(date(2026, 4, 3)))) == 0
    assert await greeting_pushes(rita) == []


@pytest.mark.parametrize(
    ("day", "english", "chinese"),
    [
        pytest.param(
            date(2026, 12, 25),
            "Happy Christmas Day! Best wishes to you and your family.",
            "祝您圣诞节快乐，阖家幸福！",
            id="christmas",
        ),
        pytest.param(
            date(2027, 1, 1),
            "Happy New Year's Day! Best wishes to you and your family.",
            "祝您元旦快乐，阖家幸福！",
            id="new-year",
        ),
        pytest.param(
            date(2026, 12, 26),
            "Happy Boxing Day! Best wishes to you and your family.",
            "祝您节日快乐，阖家幸福！",
            id="boxing-day-has-no-chinese-name",
        ),
    ],
)
async def test_chinese_customers_of_a_british_team_read_the_holiday_in_chinese(
    bot: Harness, day: date, english: str, chinese: str
) -> None:
    team_id = await team(bot, timezone="Europe/London", region="GB")
    owner = await staff(bot, team_id, OWNER)
    await customer(bot, team_id, owner, "Ann Lee")
    await customer(bot, team_id, owner, "王芳")
    rita = await chatting(bot, OWNER)

    assert await run(frozen(bot, london_morning(day))) == 1
    push = (await rita.last_message()).text
    assert push.endswith(f"• Ann Lee\n• 王芳\n\nSuggested message:\n{english}\n{chinese}")


async def test_a_chinese_owner_of_a_british_team_is_told_of_an_unnamed_holiday_in_chinese(
    bot: Harness,
) -> None:
    team_id = await team(bot, timezone="Europe/London", region="GB")
    owner = await staff(bot, team_id, OWNER, locale="zh_Hans")
    await customer(bot, team_id, owner, "王芳")
    rita = await chatting(bot, OWNER, "zh_Hans")

    assert await run(frozen(bot, london_morning(date(2026, 12, 26)))) == 1
    assert (await rita.last_message()).text == (
        "🎉 今天是节假日，给客户送上祝福吧。\n• 王芳\n\n推荐祝福语：\n祝您节日快乐，阖家幸福！"
    )


async def customer_account(bot: Harness, telegram_id: int, locale: str) -> int:
    async with bot.app.db.begin() as session:
        user = User(
            telegram_id=telegram_id, chat_id=telegram_id, first_name="Ann", role="customer", locale=locale
        )
        session.add(user)
        await session.flush()
        return user.id


async def test_an_english_customer_of_a_chinese_team_reads_the_english_name(bot: Harness) -> None:
    team_id = await team(bot)
    owner = await staff(bot, team_id, OWNER, locale="zh_Hans")
    await customer(bot, team_id, owner, "Acme Ltd", user_id=await customer_account(bot, 8209, "en"))
    await customer(bot, team_id, owner, "王芳")
    rita = await chatting(bot, OWNER, "zh_Hans")

    assert await run(frozen(bot, shanghai_morning(date(2026, 6, 19)))) == 1
    assert (await rita.last_message()).text == (
        "🎉 今天是端午节，给客户送上祝福吧。\n• Acme Ltd\n• 王芳\n\n推荐祝福语：\n"
        "祝您端午节快乐，阖家幸福！\n"
        "Happy Dragon Boat Festival! Best wishes to you and your family."
    )


async def test_a_hong_kong_team_gets_one_push_for_the_new_year_it_shares_with_the_mainland(
    bot: Harness,
) -> None:
    team_id = await team(bot, timezone="Asia/Hong_Kong", region="HK")
    owner = await staff(bot, team_id, OWNER)
    await customer(bot, team_id, owner, "王芳")
    rita = await chatting(bot, OWNER)

    assert await run(frozen(bot, shanghai_morning(date(2026, 2, 17)))) == 1
    assert await run(frozen(bot, shanghai_morning(date(2026, 2, 18)))) == 0
    assert [text.splitlines()[0] for text in await greeting_pushes(rita)] == [
        "🧧 Spring Festival today: greet your customers."
    ]
    assert await outbox_keys(bot) == [f"greeting:owner-{owner}:spring-festival:2026-02-17"]
