"""The digest chart: a real PNG, drawn with a font that has the Chinese glyphs, and the digest arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from matplotlib.ft2font import FT2Font

from bot.domain.digest import Kind, daily, digest_time, nps, parse_code, weekly
from bot.present.charts import ChartData, Labels, cjk_font_path, render_png

CHINESE_LABELS = "每位销售的拜访营业额近天王芳"


def test_the_chosen_font_has_every_chinese_glyph_of_the_labels() -> None:
    path = cjk_font_path()
    assert path is not None
    font = FT2Font(path)
    assert all(font.get_char_index(ord(ch)) != 0 for ch in CHINESE_LABELS)


def test_chart_renders_a_png_with_chinese_labels() -> None:
    labels = Labels(
        "东区：近14天",
        "每位销售的拜访",
        "拜访次数",
        "每日营业额",
        "CNY",
        [f"11月{d}日" for d in range(1, 15)],
    )
    data = ChartData(visits=[("王芳", [1] * 14), ("Rita Wang", list(range(14)))], revenue=[Decimal(100)] * 14)
    png = render_png(data, labels)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (792, 704)


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
