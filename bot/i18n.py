"""Translations and Babel formatting in the reader's locale and time zone.

Every user-facing string goes through a `Translator`; handlers never pick a language themselves.
"""

from __future__ import annotations

import datetime as dt
import gettext as stdlib_gettext
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, format_timedelta, get_timezone_location
from babel.numbers import format_currency, format_decimal
from babel.support import Translations

import locales

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


@dataclass(frozen=True)
class Translator:
    """gettext plus Babel formatting for one reader."""

    locale: str
    tz: ZoneInfo
    translations: stdlib_gettext.NullTranslations = field(repr=False)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def date(self, value: dt.date | dt.datetime, format: str = "medium") -> str:
        if isinstance(value, dt.datetime):
            value = value.astimezone(self.tz).date()
        return str(format_date(value, format=format, locale=self.locale))

    def datetime(self, value: dt.datetime, format: str = "medium") -> str:
        return str(format_datetime(value, format=format, tzinfo=self.tz, locale=self.locale))

    def time(self, value: dt.datetime, format: str = "short") -> str:
        return str(format_time(value, format=format, tzinfo=self.tz, locale=self.locale))

    def number(self, value: int | float | Decimal) -> str:
        return str(format_decimal(value, locale=self.locale))

    def money(self, amount: Decimal, currency: str) -> str:
        return str(format_currency(amount, currency, locale=self.locale))

    def relative(self, delta: dt.timedelta) -> str:
        """'in 3 days' / '3天后' for a positive delta, '3 days ago' / '3天前' for a negative one."""
        return str(format_timedelta(delta, add_direction=True, locale=self.locale))

    def duration(self, delta: dt.timedelta) -> str:
        """'2 hours' / '2小时': a length of time, without direction."""
        return str(format_timedelta(delta, threshold=1, locale=self.locale))

    def timezone_name(self, zone: str) -> str:
        """A time zone as a person reads it: 'China (Shanghai) Time' / '中国（上海）时间'."""
        return str(get_timezone_location(ZoneInfo(zone), locale=self.locale))


class I18n:
    """The loaded catalogues; hands out a `Translator` per reader."""

    def __init__(self, directory: Path = LOCALES_DIR, default_locale: str = "en") -> None:
        self.default_locale = default_locale
        self._catalogues: dict[str, stdlib_gettext.NullTranslations] = {
            locale: Translations.load(str(directory), [locale], DOMAIN) for locale in LOCALES
        }
        for locale in LOCALES:
            Locale.parse(locale)

    def translator(self, locale: str | None, timezone: str) -> Translator:
        chosen = locale if locale in self._catalogues else self.default_locale
        return Translator(locale=chosen, tz=ZoneInfo(timezone), translations=self._catalogues[chosen])

    def is_compiled(self, locale: str) -> bool:
        """Whether a compiled catalogue was found (Babel silently falls back to untranslated text)."""
        return isinstance(self._catalogues[locale], Translations)
