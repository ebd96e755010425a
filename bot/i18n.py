"""Translations and Babel formatting in the reader's locale and time zone.

Every user-facing string goes through a `Translator`; handlers never pick a language themselves.
"""

from __future__ import annotations

import datetime as dt
import gettext as stdlib_gettext
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import (
    format_datetime,
    format_interval,
    format_timedelta,
    get_timezone_location,
)
from babel.numbers import format_currency, format_decimal
from babel.support import Translations

import locales
from bot.domain import date_display
from bot.domain.dates import shows_year
from bot.domain.money import format_total
from bot.domain.timezones import fixed_offset, utc_offset_label

LOCALES: Final = ("en", "zh_Hans")
LOCALES_DIR: Final = Path(locales.__file__).resolve().parent
DOMAIN: Final = "messages"


def N_(message: str) -> str:
    """Mark a string for extraction where it is defined; translate it later where it is shown."""
    return message


def locale_for_language_code(language_code: str | None, default: str) -> str:
    """First guess of a new user's locale from Telegram's `language_code`: zh* reads Chinese."""
    if language_code and language_code.lower().startswith("zh"):
        return "zh_Hans"
    return default


def language_name(locale: str) -> str:
    """A language's own name for itself, for the language picker."""
    return "简体中文" if locale == "zh_Hans" else "English"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Translator:
    """gettext plus Babel formatting for one reader.

    `clock` is the time the reader lives in (the jobs' clock, frozen in tests): a short date
    outside its current year is shown with the year, so "Dec 1" never stands for another December.
    """

    locale: str
    tz: ZoneInfo
    translations: stdlib_gettext.NullTranslations = field(repr=False)
    clock: Callable[[], dt.datetime] = field(default=_utcnow, repr=False, compare=False)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def datetime(self, value: dt.datetime, format: str = "medium") -> str:
        return str(format_datetime(value, format=format, tzinfo=self.tz, locale=self.locale))

    def time(self, value: dt.datetime | dt.time) -> str:
        """'09:00' / '17:30' in the reader's zone: 24-hour in both languages."""
        return date_display.clock(value, locale=self.locale, tz=self.tz)

    def day(self, value: dt.date | dt.datetime, *, weekday: bool = False) -> str:
        """'Nov 25' / '11月25日', with `weekday` 'Wed, Nov 25' / '11月25日周三'; other years add the year."""
        return date_display.day(value, locale=self.locale, tz=self.tz, today=self.today(), weekday=weekday)

    def day_time(self, value: dt.datetime) -> str:
        """'Wed, Nov 25, 15:00' / '11月25日周三 15:00' in the reader's zone; other years add the year."""
        return date_display.day_time(value, locale=self.locale, tz=self.tz, today=self.today())

    def days(self, first: dt.date, last: dt.date) -> str:
        """A span of days: 'Nov 18 – 24' / '11月18日至24日'; with years when either end is in another year."""
        today = self.today()
        skeleton = "yMMMd" if shows_year(first, today=today) or shows_year(last, today=today) else "MMMd"
        return str(format_interval(first, last, skeleton, locale=self.locale))

    def today(self) -> dt.date:
        """The reader's current day, by `clock`, in their zone."""
        return self.clock().astimezone(self.tz).date()

    def number(self, value: int | float | Decimal) -> str:
        return str(format_decimal(value, locale=self.locale))

    def money(self, amount: Decimal, currency: str) -> str:
        return str(format_currency(amount, currency, locale=self.locale))

    def total(self, amount: Decimal, currency: str) -> str:
        """A sum shown at a glance: '¥12.5万' in Chinese from 10,000 up, 'CN¥125,000.00' in English."""
        return format_total(amount, currency, locale=self.locale)

    def relative(self, delta: dt.timedelta) -> str:
        """'in 3 days' / '3天后' for a positive delta, '3 days ago' / '3天前' for a negative one."""
        return str(format_timedelta(delta, add_direction=True, locale=self.locale))

    def duration(self, delta: dt.timedelta) -> str:
        """'1 hour 30 minutes' / '1小时30分钟': a length of time, without direction."""
        return date_display.duration(delta, locale=self.locale) or self.gettext("less than a minute")

    def overdue(self, due: dt.datetime) -> str:
        """How late `due` is now: '3 hours' under a day, else calendar days in the reader's zone."""
        late = date_display.overdue(due, now=self.clock(), locale=self.locale, tz=self.tz)
        return late or self.gettext("less than a minute")

    def timezone_name(self, zone: str) -> str:
        """A time zone as a person reads it: 'China (Shanghai) Time' / '中国（上海）时间', or 'UTC-5'.

        A fixed offset is shown as its offset: Babel names `Etc/GMT+5` "GMT+5", the inverted POSIX
        sign, for a zone five hours behind UTC.
        """
        if fixed_offset(zone):
            return utc_offset_label(zone, now=self.clock())
        return str(get_timezone_location(ZoneInfo(zone), locale=self.locale))

    def timezone_with_offset(self, zone: str) -> str:
        """The zone's name and its offset now: 'China (Shanghai) Time (UTC+8)', or just 'UTC-5'."""
        offset = utc_offset_label(zone, now=self.clock())
        if fixed_offset(zone):
            return offset
        return self.gettext("{zone} ({offset})").format(zone=self.timezone_name(zone), offset=offset)


class I18n:
    """The loaded catalogues; hands out a `Translator` per reader."""

    def __init__(self, directory: Path = LOCALES_DIR, default_locale: str = "en") -> None:
        self.default_locale = default_locale
        self.clock: Callable[[], dt.datetime] = _utcnow
        self._catalogues: dict[str, stdlib_gettext.NullTranslations] = {
            locale: Translations.load(str(directory), [locale], DOMAIN) for locale in LOCALES
        }
        for locale in LOCALES:
            Locale.parse(locale)

    def translator(self, locale: str | None, timezone: str) -> Translator:
        chosen = locale if locale in self._catalogues else self.default_locale
        return Translator(
            locale=chosen, tz=ZoneInfo(timezone), translations=self._catalogues[chosen], clock=self._now
        )

    def _now(self) -> dt.datetime:
        """Reads `clock` at each call, so an application can point it at its jobs' clock later."""
        return self.clock()

    def is_compiled(self, locale: str) -> bool:
        """Whether a compiled catalogue was found (Babel silently falls back to untranslated text)."""
        return isinstance(self._catalogues[locale], Translations)
