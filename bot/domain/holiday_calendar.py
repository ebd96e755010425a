"""Which public holidays start on a day, and what each app language calls them.

Dates and names come from the `holidays` library (China's official schedule each year, its 调休
days off and make-up working days included). On top of it, a few rules decide what is an occasion
for a "happy …" greeting:

- A holiday is greeted on its first day only: never on an observed, in-lieu, 调休 day off, a second
  or third day or "the day following" one (`DERIVED`).
- Never on a make-up working day (调休上班日): it is a working day, whatever else the calendar says.
- Days of remembrance (清明, Good Friday, memorial days) are not greeted at all (`SOMBRE`).
- The Chinese name is the mainland's, Hong Kong's or Macao's for a holiday of the same English
  name (元旦, 圣诞节), else the team's country's own Chinese name; None when the library has none,
  so no English ever stands in a Chinese sentence.

Both patterns read the library's English names, the one language every country offers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays

CHINA = "CN"
CHINESE = "zh_Hans"
ENGLISH_NAMES = "en_US"
CHINESE_NAMES = "zh_CN"
# Where a holiday's Chinese name is looked up by its English name, in order of preference.
CHINESE_NAMING_REGIONS = ("CN", "HK", "MO")
MAX_KEY = 40

SPRING_FESTIVAL_NAME = "Chinese New Year (Spring Festival)"
MID_AUTUMN_NAME = "Mid-Autumn Festival"

DERIVED = re.compile(
    r"observed|in lieu|substitute|day off|alternative holiday|additional holiday|bridge"
    r"|\b(second|third|fourth|fifth) day\b|\bday (following|after|preceding)\b|weekday after",
    re.IGNORECASE,
)
SOMBRE = re.compile(
    r"tomb-sweeping|qingming|ching ming|good friday|holy (thursday|saturday)|maundy thursday"
    r"|black saturday|ash wednesday|all souls|day of the dead|memorial|remembrance|mourning|martyr"
    r"|commemoration|anzac|ashura|yom kippur|tisha b'av|holocaust|genocide",
    re.IGNORECASE,
)
ESTIMATED = re.compile(r"\s*(\(estimated\)|（推定）)$")


class Kind(StrEnum):
    SPRING_FESTIVAL = "spring-festival"
    MID_AUTUMN = "mid-autumn"
    HOLIDAY = "holiday"


@dataclass(frozen=True, slots=True)
class Holiday:
    """A holiday starting on the day; `key` goes into dedupe keys. `name_zh` is None when no
    Chinese name is known: the greeting then names no holiday."""

    key: str
    kind: Kind
    name_en: str
    name_zh: str | None

    def name(self, locale: str) -> str | None:
        return self.name_zh if locale == CHINESE else self.name_en


@dataclass(frozen=True, slots=True)
class _Calendar:
    """One country's holidays over two years (so a holiday on Jan 1 can look at Dec 31)."""

    english: Mapping[date, str]
    chinese: Mapping[date, str]
    make_up_workdays: frozenset[date]


def _names(region: str, year: int, language: str | None) -> holidays.HolidayBase | None:
    try:
        return holidays.country_holidays(region, years=[year - 1, year], language=language)
    except NotImplementedError:
        return None


def _plain(names: Mapping[date, str]) -> dict[date, str]:
    return {day: ESTIMATED.sub("", str(name)) for day, name in names.items()}


@lru_cache(maxsize=64)
def _calendar(region: str, year: int) -> _Calendar | None:
    """None for a country the library does not know."""
    default = _names(region, year, None)
    if default is None:
        return None
    languages = set(default.supported_languages)
    english = _names(region, year, ENGLISH_NAMES) if ENGLISH_NAMES in languages else default
    chinese = _names(region, year, CHINESE_NAMES) if CHINESE_NAMES in languages else None
    return _Calendar(
        english=_plain(english or {}),
        chinese=_plain(chinese or {}),
        make_up_workdays=frozenset(default.weekend_workdays),
    )


@lru_cache(maxsize=16)
def _chinese_by_english(year: int) -> Mapping[str, str]:
    """English name → Chinese name, as the Chinese-speaking regions' own calendars pair them."""
    pairs: dict[str, str] = {}
    for region in reversed(CHINESE_NAMING_REGIONS):
        found = _calendar(region, year)
        if found is not None:
            named = found.english.items()
            pairs.update({name: found.chinese[day] for day, name in named if day in found.chinese})
    return pairs


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:MAX_KEY]


def _kind(region: str, name_en: str) -> Kind:
    if region == CHINA and name_en == SPRING_FESTIVAL_NAME:
        return Kind.SPRING_FESTIVAL
    if region == CHINA and name_en == MID_AUTUMN_NAME:
        return Kind.MID_AUTUMN
    return Kind.HOLIDAY


def _starting(region: str, day: date) -> list[Holiday]:
    found = _calendar(region, day.year)
    if found is None or day in found.make_up_workdays:
        return []
    name_en = found.english.get(day)
    if name_en is None or found.english.get(day - timedelta(days=1)) == name_en:
        return []
    if DERIVED.search(name_en) or SOMBRE.search(name_en):
        return []
    name_zh = _chinese_by_english(day.year).get(name_en) or found.chinese.get(day)
    kind = _kind(region, name_en)
    key = kind.value if kind is not Kind.HOLIDAY else _key(name_en)
    return [Holiday(key, kind, name_en, name_zh)]


def holidays_on(day: date, region: str | None) -> list[Holiday]:
    """Holidays to greet for that start on `day`: the team's country's, and China's two big festivals.

    On a festival's first day the festival is the day's one greeting: a team abroad often has the
    same day as a holiday of its own (Hong Kong's or Singapore's Chinese New Year, Korea's Chuseok).
    """
    team_region = (region or CHINA).upper()
    china = _starting(CHINA, day)
    if team_region == CHINA:
        return china
    festivals = [h for h in china if h.kind is not Kind.HOLIDAY]
    return festivals or _starting(team_region, day)
