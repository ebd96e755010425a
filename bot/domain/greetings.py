"""Occasions to greet a customer on (birthdays, public holidays) and the greeting to suggest.

Which holidays start on a day, and their names, come from bot/domain/holiday_calendar.py.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain.holiday_calendar import CHINESE, Holiday, Kind
from bot.i18n import N_, Translator

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
GREETING_TIME = time(9)


@dataclass(frozen=True, slots=True)
class BirthdayMatch:
    """The month and day to look for; Feb 29 birthdays are counted on Feb 28 in common years."""

    month: int
    day: int
    with_leap_day: bool


def birthday_match(day: date) -> BirthdayMatch:
    leap_day = day.month == 2 and day.day == 28 and not calendar.isleap(day.year)
    return BirthdayMatch(day.month, day.day, leap_day)


def has_cjk(*texts: str | None) -> bool:
    return any(text and CJK.search(text) for text in texts)


def customer_language(*, account_locale: str | None, names: Iterable[str | None], fallback: str) -> str:
    """The customer's own language if their Telegram is linked; else Chinese for a Chinese name
    (of the person, customer or company), else the owner's language."""
    if account_locale:
        return account_locale
    return CHINESE if has_cjk(*names) else fallback


BIRTHDAY_GREETING = N_("Happy birthday, {name}! Wishing you a wonderful year ahead.")
HOLIDAY_GREETINGS = {
    Kind.SPRING_FESTIVAL: N_(
        "Happy Spring Festival! Wishing you and your family health, happiness and prosperity."
    ),
    Kind.MID_AUTUMN: N_("Happy Mid-Autumn Festival! May you and your family enjoy the full moon together."),
    Kind.HOLIDAY: N_("Happy {holiday}! Best wishes to you and your family."),
}
UNNAMED_HOLIDAY_GREETING = N_("Happy holidays! Best wishes to you and your family.")


def birthday_greeting(t: Translator, name: str) -> str:
    """Read by the customer, in `t`'s language."""
    return t.gettext(BIRTHDAY_GREETING).format(name=name)


def holiday_greeting(t: Translator, holiday: Holiday) -> str:
    """One greeting for all customers, so it names no one; nor the holiday, when `t`'s language
    has no name for it."""
    name = holiday.name(t.locale)
    if name is None:
        return t.gettext(UNNAMED_HOLIDAY_GREETING)
    return t.gettext(HOLIDAY_GREETINGS[holiday.kind]).format(holiday=name)


def greeting_day(now: datetime, timezone: str) -> date | None:
    """The local date to greet for, once it is past the greeting hour there; None before it."""
    local = now.astimezone(ZoneInfo(timezone))
    return local.date() if local.time() >= GREETING_TIME else None
