"""How moments and lengths of time read to people: one style per language, in the reader's zone.

A day is "Dec 8" / "12月8日", with its weekday "Tue, Dec 8" / "12月8日周二"; the year is added only
outside the reader's current year ("Tue, Dec 8, 2025" / "2025年12月8日周二"). A time of day is 24-hour
"09:00" in both languages, and a day with a time joins the two as the locale does ("Tue, Dec 8, 09:00" /
"12月8日周二 09:00"). Numeric dates such as 12/7/26 or 2026/12/7 are never shown: outside the US the
first reads as 12 July. A length of time keeps its two largest units ("1 hour 30 minutes", not the
"2 hours" a rounding formatter gives).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton
from babel.lists import format_list
from babel.units import format_unit

from bot.domain.dates import shows_year

_UNITS = (("duration-day", 86_400), ("duration-hour", 3_600), ("duration-minute", 60))


def local_day(value: date | datetime, *, tz: ZoneInfo) -> date:
    """The reader's calendar day for a moment; a plain date is already one."""
    return value.astimezone(tz).date() if isinstance(value, datetime) else value


def day(value: date | datetime, *, locale: str, tz: ZoneInfo, today: date, weekday: bool = False) -> str:
    """'Dec 8' / '12月8日', with `weekday` 'Tue, Dec 8' / '12月8日周二'; another year adds the year."""
    shown = local_day(value, tz=tz)
    skeleton = "MMMEd" if weekday else "MMMd"
    if shows_year(shown, today=today):
        skeleton = "y" + skeleton
    return str(format_skeleton(skeleton, shown, locale=locale))


def clock(value: datetime | time, *, locale: str, tz: ZoneInfo) -> str:
    """'09:00' / '17:30': the 24-hour time in the reader's zone, never '5:30 PM'."""
    if isinstance(value, time):
        value = datetime.combine(date(2000, 1, 1), value)
    moment = value.astimezone(tz) if value.tzinfo is not None else value
    return str(format_skeleton("Hm", moment, locale=locale))


def day_time(value: datetime, *, locale: str, tz: ZoneInfo, today: date) -> str:
    """'Tue, Dec 8, 09:00' / '12月8日周二 09:00' in the reader's zone; another year adds the year."""
    pattern = str(Locale.parse(locale).datetime_formats["medium"])
    shown_day = day(value, locale=locale, tz=tz, today=today, weekday=True)
    return pattern.replace("{1}", shown_day).replace("{0}", clock(value, locale=locale, tz=tz))


def duration(delta: timedelta, *, locale: str, units: int = 2) -> str | None:
    """'1 hour 30 minutes' / '1小时30分钟': up to `units` adjacent units, cut not rounded.

    None under a minute, which the reader's language says in words ("less than a minute").
    """
    seconds = abs(int(delta.total_seconds()))
    parts: list[str] = []
    for unit, size in _UNITS:
        amount, seconds = divmod(seconds, size)
        if parts or amount:
            if amount:
                parts.append(str(format_unit(amount, unit, length="long", locale=locale)))
            units -= 1
            if units == 0:
                break
    return str(format_list(parts, style="unit-narrow", locale=locale)) if parts else None


def overdue(due: datetime, *, now: datetime, locale: str, tz: ZoneInfo) -> str | None:
    """How late `due` is at `now`: calendar days in the reader's zone, or hours (minutes) under a day.

    None when it is less than a minute late or not late at all. Three hours past a deadline read
    "3 hours", not "1 day"; 23:00 yesterday to 08:00 today is still "9 hours".
    """
    late = now - due
    if late < timedelta(minutes=1):
        return None
    if late < timedelta(days=1):
        return duration(late, locale=locale, units=1)
    days = (local_day(now, tz=tz) - local_day(due, tz=tz)).days
    return str(format_unit(max(days, 1), "duration-day", length="long", locale=locale))
