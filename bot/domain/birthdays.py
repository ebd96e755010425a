"""Reading a birthday as people type it: 1990-05-17, 5/17, 5月17日, 17 May, May 17 1990.

The year is optional; a birthday without one is stored with `UNKNOWN_YEAR` (a leap year, so
29 February fits) and shown without a year.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

UNKNOWN_YEAR = 1604
OLDEST_YEAR = 1900

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}
_MONTHS["sept"] = 9

_ISO = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_MONTH_DAY = re.compile(r"^(\d{1,2})[-/.月](\d{1,2})[日号]?$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_WORDS = re.compile(
    r"^(?:(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)|([a-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?)(?:,?\s+(\d{4}))?$"
)


@dataclass(frozen=True, slots=True)
class Birthday:
    month: int
    day: int
    year: int | None = None

    def as_date(self) -> date:
        return date(self.year or UNKNOWN_YEAR, self.month, self.day)


def has_year(value: date) -> bool:
    return value.year != UNKNOWN_YEAR


def _make(year: int | None, month: int, day: int, today: date) -> Birthday | None:
    if year is not None and not OLDEST_YEAR <= year <= today.year:
        return None
    try:
        born = date(year or UNKNOWN_YEAR, month, day)
    except ValueError:
        return None
    if year is not None and born > today:
        return None
    return Birthday(month=month, day=day, year=year)


def parse(text: str, *, today: date) -> Birthday | None:
    """The birthday in `text`, or None; a future date or an impossible day is None too."""
    cleaned = unicodedata.normalize("NFKC", text).strip().lower()
    cleaned = re.sub(r"\s+", " ", cleaned)
    if match := _ISO.match(cleaned):
        return _make(int(match[1]), int(match[2]), int(match[3]), today)
    if match := _MONTH_DAY.match(cleaned):
        first, second = int(match[1]), int(match[2])
        if first > 12 and "月" not in cleaned:
            first, second = second, first
        return _make(None, first, second, today)
    if match := _DAY_MONTH_YEAR.match(cleaned):
        first, second = int(match[1]), int(match[2])
        day, month = (first, second) if first > 12 or "." in cleaned else (second, first)
        return _make(int(match[3]), month, day, today)
    if match := _WORDS.match(cleaned):
        day_text, month_text = (match[1], match[2]) if match[1] else (match[4], match[3])
        named = _MONTHS.get(month_text)
        if named is None:
            return None
        return _make(int(match[5]) if match[5] else None, named, int(day_text), today)
    return None
