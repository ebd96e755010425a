"""The digest chart: a real PNG, drawn with a font that has the Chinese glyphs, and the digest arithmetic."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

from matplotlib.colors import to_hex
from matplotlib.ft2font import FT2Font

from bot.domain.digest import Kind, daily, digest_time, nps, parse_code, weekly
from bot.present.charts import (
    LAST_DAY_COLOUR,
    ChartData,
    Labels,
    RepBar,
    cjk_font_path,
    draw,
    render_png,
    short_money,
)

CHINESE_LABELS = "今日截至的拜访按销售不低于平均近周同时段日均每营业额天王芳"


def test_the_chosen_font_has_every_chinese_glyph_of_the_labels() -> None:
    path = cjk_font_path()
    assert path is not None
    font = FT2Font(path)
    assert all(font.get_char_index(ord(ch)) != 0 for ch in CHINESE_LABELS)


def chinese_labels(**changes: object) -> Labels:
    labels = Labels(
        title="东区 · 11月24日周二",
        visits_title="今日截至18:05的拜访（按销售）",
        above_key="不低于平均",
        below_key="低于平均",
        average_key="近4周同时段日均",
        more_reps="",
        no_visits="没有拜访",
        revenue_title="每日营业额（近14天）",
        no_revenue="近14天没有订单",
        days=[f"11/{d}" for d in range(11, 25)],
        locale="zh_Hans",
        currency="CNY",
    )
    return replace(labels, **changes)  # type: ignore[arg-type]


def size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_chart_renders_a_phone_sized_png_with_chinese_labels() -> None:
    reps = [RepBar("王芳", 3, Decimal("1.5")), RepBar("Rita Wang", 1, Decimal(2))]
    png = render_png(ChartData(reps=reps, revenue=[Decimal(100)] * 14), chinese_labels())
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = size(png)
    assert width == 768
    assert 700 < height < 1000


def test_the_chart_grows_with_the_reps_it_ranks_and_draws_an_empty_day() -> None:
    few = render_png(ChartData(reps=[], revenue=[Decimal(0)] * 14), chinese_labels())
    many = [RepBar(f"销售{n}", n, Decimal(n)) for n in range(30)]
    tall = render_png(
        ChartData(reps=many, revenue=[Decimal(0)] * 14), chinese_labels(more_reps="还有20位销售")
    )
    assert size(few)[1] < size(tall)[1] < 2000


def test_axis_money_is_compact_in_the_readers_form() -> None:
    assert short_money(12_345, "CNY", "zh_Hans") == "¥1.2万"
    assert short_money(250_000_000, "CNY", "zh_Hans") == "¥2.5亿"
    assert short_money(1_500, "CNY", "en") == "CN¥1.5K"
    assert short_money(0, "CNY", "en") == "CN¥0"
    assert short_money(20_000, "USD", "en") == "$20K"


def test_nps_is_promoters_minus_detractors_in_percent() -> None:
    assert nps(2, 1, 3) == 33
    assert nps(0, 2, 2) == -100
    assert nps(0, 0, 0) is None


def test_digest_time_falls_back_to_six_pm_on_junk() -> None:
    assert digest_time({"digest_time": "07:30"}).isoformat() == "07:30:00"
    assert digest_time({"digest_time": "25:00"}).isoformat() == "18:00:00"
    assert digest_time(None).isoformat() == "18:00:00"


def test_a_dst_day_is_25_hours_and_weekly_keys_name_the_sending_week() -> None:
    window = daily(date(2026, 11, 1)).window("America/New_York")
    assert (window.end - window.start).total_seconds() == 25 * 3600
    assert window.start == datetime(2026, 11, 1, 4, 0, tzinfo=UTC)
    week = weekly(date(2026, 11, 23))
    assert (week.first, week.last, week.dedupe_part()) == (date(2026, 11, 16), date(2026, 11, 22), "2026-W48")
    assert parse_code("w", "20261116") == week
    assert parse_code("d", "2026139") is None
    assert parse_code(Kind.DAILY.value, "20261124") == daily(date(2026, 11, 24))


def test_a_day_under_way_is_compared_with_the_same_local_hours_even_across_a_clock_change() -> None:
    monday = daily(date(2026, 11, 2))  # The day after New York's clocks went back.
    until = datetime(2026, 11, 2, 17, 30, tzinfo=UTC)  # 12:30 EST
    assert monday.so_far(until, "America/New_York") == until
    assert monday.so_far(datetime(2026, 11, 3, 5, 0, tzinfo=UTC), "America/New_York") is None
    counted = monday.counted("America/New_York", until)
    assert (counted.start, counted.end) == (datetime(2026, 11, 2, 5, 0, tzinfo=UTC), until)
    # A week earlier was still summer time: 00:00–12:30 EDT.
    week_ago = monday.previous("America/New_York", until)
    assert (week_ago.start, week_ago.end) == (
        datetime(2026, 10, 26, 4, 0, tzinfo=UTC),
        datetime(2026, 10, 26, 16, 30, tzinfo=UTC),
    )
    baseline = monday.baseline("America/New_York", until)
    assert len(baseline) == 28
    assert (baseline[0].start, baseline[0].end) == (
        datetime(2026, 11, 1, 4, 0, tzinfo=UTC),  # The 25-hour Sunday, from midnight EDT
        datetime(2026, 11, 1, 17, 30, tzinfo=UTC),  # to 12:30 EST.
    )
    whole = monday.previous("America/New_York")
    assert (whole.start, whole.end) == (
        datetime(2026, 10, 26, 4, 0, tzinfo=UTC),
        datetime(2026, 10, 27, 4, 0, tzinfo=UTC),
    )
    [four_weeks] = monday.baseline("America/New_York")
    assert (four_weeks.start, four_weeks.end) == (
        datetime(2026, 10, 5, 4, 0, tzinfo=UTC),
        datetime(2026, 11, 2, 5, 0, tzinfo=UTC),
    )


def test_a_weekly_chart_marks_the_weeks_seven_days_and_a_daily_one_its_day_with_its_amount() -> None:
    revenue = [Decimal(1000 * day) for day in range(1, 15)]
    for period_days, amount in ((7, None), (1, "¥1.4万")):
        figure = draw(ChartData(reps=[], revenue=revenue, period_days=period_days), chinese_labels())
        figure.draw_without_rendering()
        revenue_axes = figure.axes[1]
        marked = [bar for bar in revenue_axes.patches if to_hex(bar.get_facecolor()) == LAST_DAY_COLOUR]
        assert len(marked) == period_days
        written = [text.get_text() for text in revenue_axes.texts]
        assert written == ([amount] if amount else [])
