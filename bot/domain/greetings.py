"""Occasions to greet a customer on (birthdays, public holidays) and the greeting to suggest.

Holidays come from the `holidays` library: the team's own country plus China's Spring Festival
and Mid-Autumn, greeted on the first day of a holiday only (never on its observed/补假 days).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from bot.i18n import N_, Translator

CHINA = "CN"
CHINESE = "zh_Hans"
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MAX_KEY = 40
GREETING_TIME = time(9)

SPRING_FESTIVAL_NAME = "Chinese New Year (Spring Festival)"
MID_AUTUMN_NAME = "Mid-Autumn Festival"


class Kind(StrEnum):
    SPRING_FESTIVAL = "spring-festival"
    MID_AUTUMN = "mid-autumn"
    HOLIDAY = "holiday"


@dataclass(frozen=True, slots=True)
class BirthdayMatch:
    """The month and day to look for; Feb 29 birthdays are counted on Feb 28 in common years."""

    month: int
    day: int
    with_leap_day: bool


@dataclass(frozen=True, slots=True)
class Holiday:
    """A holiday starting on the day; `key` goes into dedupe keys, names are per app locale."""

    key: str
    kind: Kind
    name_en: str
    name_zh: str

    def name(self, locale: str) -> str:
        return self.name_zh if locale == CHINESE else self.name_en


def birthday_match(day: date) -> BirthdayMatch:
    leap_day = day.month == 2 and day.day == 28 and not calendar.isleap(day.year)
    return BirthdayMatch(day.month, day.day, leap_day)


@lru_cache(maxsize=64)
def _names(region: str, year: int, language: str) -> Mapping[date, str]:
    try:
        found = holidays.country_holidays(region, years=[year - 1, year], language=language)
    except NotImplementedError:
        return {}
    return {day: str(name) for day, name in found.items()}


def _starts_on(names: Mapping[date, str], day: date) -> str | None:
    name = names.get(day)
    if name is None or "observed" in name.lower() or names.get(day - timedelta(days=1)) == name:
        return None
    return name


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:MAX_KEY]


def _kind(region: str, name_en: str) -> Kind:
    if region == CHINA and name_en == SPRING_FESTIVAL_NAME:
        return Kind.SPRING_FESTIVAL
    if region == CHINA and name_en == MID_AUTUMN_NAME:
        return Kind.MID_AUTUMN
    return Kind.HOLIDAY


def _of_region(region: str, day: date) -> list[Holiday]:
    english = _names(region, day.year, "en_US")
    name_en = _starts_on(english, day)
    if name_en is None:
        return []
    chinese = _names(region, day.year, "zh_CN").get(day, name_en)
    kind = _kind(region, name_en)
    return [Holiday(kind.value if kind is not Kind.HOLIDAY else _key(name_en), kind, name_en, chinese)]


def holidays_on(day: date, region: str | None) -> list[Holiday]:
    """Holidays that start on `day`: all of the team's country's, and China's two big festivals."""
    team_region = (region or CHINA).upper()
    found = _of_region(team_region, day)
    if team_region != CHINA:
        found += [h for h in _of_region(CHINA, day) if h.kind is not Kind.HOLIDAY]
    unique = {h.key: h for h in found}
    return list(unique.values())


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


def birthday_greeting(t: Translator, name: str) -> str:
    """Read by the customer, in `t`'s language."""
    return t.gettext(BIRTHDAY_GREETING).format(name=name)


def holiday_greeting(t: Translator, holiday: Holiday) -> str:
    """One greeting for all customers, so it names no one."""
    return t.gettext(HOLIDAY_GREETINGS[holiday.kind]).format(holiday=holiday.name(t.locale))


def greeting_day(now: datetime, timezone: str) -> date | None:
    """The local date to greet for, once it is past the greeting hour there; None before it."""
    local = now.astimezone(ZoneInfo(timezone))
    return local.date() if local.time() >= GREETING_TIME else None
