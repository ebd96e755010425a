"""Reading the dates a rep types ("明天下午3点", "下周二", "next friday", "12/1") in their own time zone.

Chinese forms are read by hand here, English words and digits strictly in `english_dates`; what fits
neither is unreadable, never guessed. A date without a time means 09:00 local, the start of a working
day. Each field then takes only a window of dates (`read_ahead`, `read_order_date`), and any date shown
outside the current year carries its year (`shows_year`).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.english_dates import DEFAULT_TIME, english_clock, nearest, parse_english

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_FULL_WIDTH = str.maketrans("０１２３４５６７８９：／－．", "0123456789:/-.")


class QuickChoice(StrEnum):
    """The follow-up buttons: each lands on 09:00 local."""

    TOMORROW = "1d"
    IN_3_DAYS = "3d"
    NEXT_WEEK = "1w"
    IN_2_WEEKS = "2w"
    NEXT_MONTH = "1m"


def quick_choice(choice: QuickChoice, *, now: datetime, tz: str) -> datetime:
    """A follow-up button's time: that day at 09:00 in the rep's zone."""
    today = now.astimezone(ZoneInfo(tz)).date()
    days = {
        QuickChoice.TOMORROW: 1,
        QuickChoice.IN_3_DAYS: 3,
        QuickChoice.NEXT_WEEK: 7,
        QuickChoice.IN_2_WEEKS: 14,
    }
    day = add_months(today, 1) if choice is QuickChoice.NEXT_MONTH else today + timedelta(days=days[choice])
    return datetime.combine(day, DEFAULT_TIME, tzinfo=ZoneInfo(tz))


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (Jan 31 + 1 → Feb 28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_when(text: str, *, now: datetime, tz: str, prefer_past: bool = False) -> datetime | None:
    """An aware datetime in `tz` for what the rep typed, or None when it cannot be read.

    Chinese and English are both read, whatever the rep's interface language. `prefer_past` reads
    an ambiguous weekday or month-day backwards (the date of an order already taken) instead of
    forwards (a follow-up).
    """
    cleaned = _normalise(text)
    if not cleaned or len(cleaned) > 60:
        return None
    local_now = now.astimezone(ZoneInfo(tz))
    if re.search(r"[\u4e00-\u9fff]", cleaned):
        return _parse_chinese(cleaned, now=local_now, prefer_past=prefer_past)
    return parse_english(cleaned, now=local_now, prefer_past=prefer_past)


MAX_AHEAD_MONTHS = 24
EARLIEST_ORDER = date(2000, 1, 1)


class Problem(StrEnum):
    """Why a typed date was not taken."""

    UNREADABLE = "unreadable"
    PASSED = "passed"
    TOO_FAR = "too_far"
    NOT_YET = "not_yet"
    TOO_EARLY = "too_early"


@dataclass(frozen=True)
class Refused:
    """A typed date a field does not take: why, what it was read as, and the limit it crossed."""

    problem: Problem
    read: datetime | None = None
    limit: date | None = None


def latest_ahead(*, now: datetime, tz: str) -> date:
    """The last day a follow-up or reminder may fall on: two years from today, in the rep's zone."""
    return add_months(now.astimezone(ZoneInfo(tz)).date(), MAX_AHEAD_MONTHS)


def read_ahead(text: str, *, now: datetime, tz: str) -> datetime | Refused:
    """A follow-up or reminder time: later than `now`, and no more than two years ahead."""
    when = parse_when(text, now=now, tz=tz)
    if when is None:
        return Refused(Problem.UNREADABLE)
    if when <= now:
        return Refused(Problem.PASSED, when)
    latest = latest_ahead(now=now, tz=tz)
    if when.date() > latest:
        return Refused(Problem.TOO_FAR, when, latest)
    return when


def read_order_date(text: str, *, now: datetime, tz: str) -> datetime | Refused:
    """The day an order was taken: today or earlier in the rep's zone, and not before 2000."""
    when = parse_when(text, now=now, tz=tz, prefer_past=True)
    if when is None:
        return Refused(Problem.UNREADABLE)
    today = now.astimezone(ZoneInfo(tz)).date()
    if when.date() > today:
        return Refused(Problem.NOT_YET, when, today)
    if when.date() < EARLIEST_ORDER:
        return Refused(Problem.TOO_EARLY, when, EARLIEST_ORDER)
    return when


def parse_clock(text: str) -> time | None:
    """A time of day typed alone, for a setting: "17:30", "17.30", "9", "17点", "下午5点半", "晚上8点",
    "上午10点15分", "5:30pm", "5.30 pm". None when it is not one time of day; a bare "下午" is not."""
    cleaned = _normalise(text).replace("：", ":")
    if not cleaned or len(cleaned) > 20:
        return None
    if re.search(r"[\u4e00-\u9fff]", cleaned):
        taken = _take_time(cleaned)
        named_hour = re.search(r"\d|[零〇一二两三四五六七八九十]|中午", cleaned)
        if taken is None or taken.value is None or taken.next_day or taken.rest.strip() or not named_hour:
            return None
        return taken.value
    bare = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?", cleaned)
    if bare:
        hour, minute = int(bare[1]), int(bare[2] or 0)
        return time(hour, minute) if hour <= 23 and minute <= 59 else None
    return english_clock(cleaned)


def shows_year(day: date, *, today: date) -> bool:
    """Whether a date is shown with its year: always when it falls outside the reader's current year."""
    return day.year != today.year


def _normalise(text: str) -> str:
    text = text.strip().translate(_FULL_WIDTH).lower()
    return re.sub(r"\s+", " ", text)


def chinese_number(token: str) -> int | None:
    """1–99 in digits or Chinese numerals: "3", "三", "十", "十五", "二十", "二十五"."""
    if token.isdigit():
        return int(token)
    if token and all(ch in _CN_DIGITS for ch in token):
        return int("".join(str(_CN_DIGITS[ch]) for ch in token))
    if "十" in token:
        tens, _, ones = token.partition("十")
        high = _CN_DIGITS.get(tens, 0) if tens else 1
        low = _CN_DIGITS.get(ones, 0) if ones else 0
        if (tens and tens not in _CN_DIGITS) or (ones and ones not in _CN_DIGITS):
            return None
        return high * 10 + low
    return None


_NUM = r"([0-9]+|[零〇一二两三四五六七八九十]+)"


@dataclass(frozen=True)
class _TimeOfDay:
    value: time | None
    rest: str
    next_day: bool = False


_WESTERN_CLOCK = re.compile(r"(?<![\d.:])\d{1,2}(?:[:.]\d{2})?\s*[ap]m(?![a-z])")


def _take_time(text: str) -> _TimeOfDay | None:
    """Split off a time of day ("下午3点半", "15:30", "晚上8点10分", "中午", "5.30pm"); None if malformed."""
    western = _WESTERN_CLOCK.search(text)
    if western:
        value = english_clock(western.group(0))
        return _TimeOfDay(value, text.replace(western.group(0), " ")) if value else None
    period_match = re.search(r"(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|今晚)", text)
    period = period_match.group(1) if period_match else None
    clock = re.search(r"(\d{1,2}):(\d{2})", text)
    hour_match = re.search(_NUM + r"\s*[点點时時](?:\s*(半|一刻|三刻|" + _NUM[1:-1] + r")\s*分?)?", text)
    hour: int | None
    minute = 0
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2))
        text = text.replace(clock.group(0), " ")
    elif hour_match:
        hour = chinese_number(hour_match.group(1))
        extra = hour_match.group(2)
        if extra == "半":
            minute = 30
        elif extra == "一刻":
            minute = 15
        elif extra == "三刻":
            minute = 45
        elif extra:
            parsed = chinese_number(extra)
            if parsed is None:
                return None
            minute = parsed
        text = text.replace(hour_match.group(0), " ")
    elif period == "中午":
        hour = 12
    elif period is None:
        return _TimeOfDay(None, text)
    else:
        hour = {"凌晨": 6, "早上": 8, "早晨": 8, "上午": 9, "下午": 14, "傍晚": 18, "晚上": 19, "今晚": 19}[
            period
        ]
    if period_match:
        text = text.replace(period_match.group(0), " ")
    if hour is None:
        return None
    if period in ("晚上", "今晚") and hour == 12:
        # "晚上12点" is the midnight that ends the evening, not noon.
        return _TimeOfDay(time(0, minute), text, next_day=True) if 0 <= minute <= 59 else None
    afternoon = period in ("下午", "傍晚", "晚上", "今晚") and hour < 12
    if afternoon or (period == "中午" and hour < 6):
        hour += 12
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return _TimeOfDay(time(hour, minute), text)


def _parse_chinese(text: str, *, now: datetime, prefer_past: bool) -> datetime | None:
    if not re.search(r"[\u4e00-\u9fff]", text):
        return None
    taken = _take_time(text)
    if taken is None:
        return None
    rest = re.sub(r"[\s,，的]", "", taken.rest)
    relative = re.fullmatch(_NUM + r"(个)?(分钟|小时|钟头|天|日|周|星期|礼拜|个月|月)(以)?后", rest)
    if relative and taken.value is None:
        amount = chinese_number(relative.group(1))
        if amount is None:
            return None
        unit = relative.group(3)
        if unit == "分钟":
            return now + timedelta(minutes=amount)
        if unit in ("小时", "钟头"):
            return now + timedelta(hours=amount)
    day = _chinese_day(rest, today=now.date(), prefer_past=prefer_past)
    if day is None:
        return None
    if taken.next_day:
        day += timedelta(days=1)
    return datetime.combine(day, taken.value or DEFAULT_TIME, tzinfo=now.tzinfo)


def _chinese_day(rest: str, *, today: date, prefer_past: bool) -> date | None:
    fixed = {
        "": 0,
        "今天": 0,
        "今日": 0,
        "今": 0,
        "明天": 1,
        "明日": 1,
        "明": 1,
        "后天": 2,
        "大后天": 3,
        "昨天": -1,
        "昨日": -1,
        "前天": -2,
        "大前天": -3,
    }
    if rest in fixed:
        return today + timedelta(days=fixed[rest])
    relative = re.fullmatch(_NUM + r"(个)?(天|日|周|星期|礼拜|个月|月)(以)?([后前])", rest)
    if relative:
        amount = chinese_number(relative.group(1))
        if amount is None:
            return None
        sign = 1 if relative.group(5) == "后" else -1
        unit = relative.group(3)
        if unit in ("天", "日"):
            return today + timedelta(days=sign * amount)
        if unit in ("周", "星期", "礼拜"):
            return today + timedelta(weeks=sign * amount)
        return add_months(today, sign * amount)
    weekday = re.fullmatch(r"(上上|下下|上|下|这|本)?(个)?(周|星期|礼拜)([一二三四五六日天七])", rest)
    if weekday:
        return _weekday(weekday.group(1), _WEEKDAYS[weekday.group(4)], today=today, prefer_past=prefer_past)
    if rest in ("下周", "下星期", "下个星期", "下礼拜"):
        return today + timedelta(days=7 - today.weekday())
    if rest in ("下个月", "下月"):
        return add_months(today, 1)
    if rest in ("月底", "本月底", "这个月底", "月末"):
        return today.replace(day=calendar.monthrange(today.year, today.month)[1])
    if rest in ("下月底", "下个月底", "下月末"):
        nxt = add_months(today.replace(day=1), 1)
        return nxt.replace(day=calendar.monthrange(nxt.year, nxt.month)[1])
    if rest in ("下月初", "下个月初"):
        return add_months(today.replace(day=1), 1)
    if rest in ("周末", "这周末", "本周末"):
        return today + timedelta(days=(5 - today.weekday()) % 7)
    return _chinese_calendar_date(rest, today=today, prefer_past=prefer_past)


def _weekday(prefix: str | None, target: int, *, today: date, prefer_past: bool) -> date:
    monday = today - timedelta(days=today.weekday())
    weeks = {"上上": -2, "上": -1, "这": 0, "本": 0, "下": 1, "下下": 2}
    if prefix is not None:
        return monday + timedelta(weeks=weeks[prefix], days=target)
    if prefer_past:
        return today - timedelta(days=(today.weekday() - target) % 7)
    return today + timedelta(days=(target - today.weekday()) % 7)


def _chinese_calendar_date(rest: str, *, today: date, prefer_past: bool) -> date | None:
    """A calendar date: 2026年12月1日, 12月1号, 1号 (the nearest such day)."""
    match = re.fullmatch(r"(?:(\d{4})年)?(?:" + _NUM + r"月)?" + _NUM + r"[日号號]", rest)
    if not match:
        return None
    year = int(match.group(1)) if match.group(1) else None
    month = chinese_number(match.group(2)) if match.group(2) else None
    day = chinese_number(match.group(3))
    if day is None:
        return None
    candidates: list[date] = []
    if year is not None and month is not None:
        exact = _safe_date(year, month, day)
        candidates = [exact] if exact else []
    elif month is not None:
        candidates = [
            d for y in (today.year - 1, today.year, today.year + 1) if (d := _safe_date(y, month, day))
        ]
    else:
        candidates = [
            d
            for offset in (-1, 0, 1)
            if (d := _safe_date(*_shift_month(today.year, today.month, offset), day))
        ]
    return nearest(candidates, today=today, prefer_past=prefer_past) if candidates else None


def _shift_month(year: int, month: int, offset: int) -> tuple[int, int]:
    index = month - 1 + offset
    return year + index // 12, index % 12 + 1


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
