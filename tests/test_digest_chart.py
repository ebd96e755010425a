"""The digest chart as the manager gets it: a phone-sized PNG in their language, each rep's visits
ranked against their own average and the revenue of fourteen days with money in the reader's form.

The PNGs are kept in test-artifacts/digest-chart/ to be looked at.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from matplotlib.text import Text

from bot.domain.digest import daily
from bot.i18n import I18n
from bot.present.charts import draw
from bot.runtime.jobs import background
from bot.services import digest
from handlers.digest import message
from sandbox.factories import MANAGER_TG, SalesTeam, customer, person, sales_team
from sandbox.harness import Harness
from storage.models import Order, User, Visit
from storage.queries import digest as digest_queries

EVENING = datetime(2026, 11, 24, 10, 5, tzinfo=UTC)  # Tuesday 24 Nov 2026, 18:05 in Shanghai.
MORNING = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai.
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "digest-chart"
REPS = (
    "张伟",
    "Rita Wang",
    "王芳",
    "Maximilian Oberhauser",
    "李娜",
    "Ravi",
    "陈静",
    "Tom",
    "赵磊",
    "Anna",
    "孙丽",
)
DAILY_REVENUE = (12_000, 8_600, 0, 15_400, 22_100, 9_800, 3_000, 14_100, 18_800, 0, 25_500, 11_000, 9_000)


async def busy_team(bot: Harness, locale: str) -> SalesTeam:
    """East with eleven reps, each with their own rhythm over four weeks and today so far, and an
    order on most of the fourteen days."""
    team = await sales_team(bot, manager_locale=locale)
    shop = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Shop")
    async with bot.app.db.begin() as session:
        for n, name in enumerate(REPS):
            first, _, last = name.partition(" ")
            rep = User(
                telegram_id=30_000 + n,
                first_name=first,
                last_name=last or None,
                role="rep",
                team_id=team.team_id,
            )
            session.add(rep)
            await session.flush()
            usual = [
                MORNING - timedelta(days=back, minutes=20 * k)
                for back in range(1, 29)
                for k in range(n % 4 + 1)
            ]
            today = [MORNING + timedelta(minutes=7 * visit) for visit in range((n * 5) % 7)]
            session.add_all(
                Visit(team_id=team.team_id, customer_id=shop, rep_id=rep.id, visited_at=at)
                for at in usual + today
            )
        session.add_all(
            Order(
                team_id=team.team_id,
                customer_id=shop,
                rep_id=team.rep_id,
                amount=Decimal(amount),
                currency="CNY",
                ordered_at=MORNING - timedelta(days=len(DAILY_REVENUE) - day),
            )
            for day, amount in enumerate(DAILY_REVENUE)
            if amount
        )
        session.add(
            Order(
                team_id=team.team_id,
                customer_id=shop,
                rep_id=team.rep_id,
                amount=Decimal(16_350),
                currency="CNY",
                ordered_at=MORNING,
            )
        )
    return team


def size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_the_digest_chart_is_a_phone_sized_png_in_the_managers_language(
    bot: Harness, locale: str
) -> None:
    await busy_team(bot, locale)
    mona = await person(bot, MANAGER_TG, chinese=locale == "zh_Hans")
    background(bot.app).clock = lambda: EVENING

    chart = await mona.send("/digest")

    assert chart.message.photo
    png = await mona.account.download(chart.message.photo[-1]["file_id"])
    assert png.startswith(PNG_SIGNATURE)
    width, height = size(png)
    assert width == 768
    assert 1000 < height < 1600
    assert len(png) > 40_000
    expected = {
        "en": "📈 Each rep's visits against their own average, and revenue over 14 days",
        "zh_Hans": "📈 每位销售的拜访（对比各自平均）与近14天销售额",
    }
    assert chart.text == expected[locale]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"digest-{locale}.png").write_bytes(png)


@pytest.mark.parametrize(
    ("locale", "money", "words"),
    [
        ("en", ["CN¥0", "CN¥10K", "CN¥20K", "CN¥16.4K"], ["Visits today so far, by rep", "+1 more rep"]),
        ("zh_Hans", ["¥0", "¥1万", "¥2万", "¥1.6万"], ["今天截至目前的拜访（按销售）", "还有1位销售"]),
    ],
)
async def test_the_chart_writes_money_in_the_readers_form_and_keeps_its_key_off_the_bars(
    bot: Harness, locale: str, money: list[str], words: list[str]
) -> None:
    await busy_team(bot, locale)
    async with bot.app.db() as session:
        [east] = await digest_queries.teams(session)
        found = await digest.gather(session, team=east, period=daily(EVENING.date()), now=EVENING)
    t = replace(I18n().translator(locale, "Asia/Shanghai"), clock=lambda: EVENING)

    figure = draw(message.chart_data(found), message.chart_labels(t, found))
    figure.draw_without_rendering()
    texts = [text for text in figure.findobj(Text) if text.get_visible() and text.get_text()]
    shown = {text.get_text() for text in texts}

    assert set(money) <= shown
    assert set(words) <= shown
    assert not any("CNY" in text for text in shown)
    assert min(float(text.get_fontsize()) for text in texts) >= 10
    visits_axes = figure.axes[0]
    legend = visits_axes.get_legend()
    assert legend is not None
    key = legend.get_window_extent()
    assert key.y0 >= visits_axes.get_window_extent().y1 - 1
    assert key.y1 <= visits_axes.title.get_window_extent().y0 + 1
    assert len(visits_axes.get_yticklabels()) == 10
