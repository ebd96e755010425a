"""Dates typed in English words and digits ("tomorrow 15:00", "12/25", "Dec 25 2027"), read strictly.

`dateparser` reads English words well but guesses at anything else: "13/13" came back as 13 Nov 2113,
"-5" as a day in May and "tomorrow 25:00" as tomorrow at the current time. So the text must first fit a
small grammar: clock times and numeric dates are read here, every other token must be a known word or a
number where a number belongs, and what `dateparser` returns is checked against the words typed.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import dateparser

DEFAULT_TIME = time(9, 0)

_FIXED_DAYS = {
    "today": 0,
    "tomorrow": 1,
    "tmr": 1,
    "tmrw": 1,
    "yesterday": -1,
    "day after tomorrow": 2,
    "the day after tomorrow": 2,
    "day before yesterday": -2,
    "the day before yesterday": -2,
}
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        )
    )
    for name in names
}
_DAY_UNITS = {"day", "days", "week", "weeks", "month", "months", "year", "years"}
_CLOCK_UNITS = {"hour", "hours", "hr", "hrs", "minute", "minutes", "min", "mins"}
_COUNT_WORDS = {"a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
_LINKS = {"next", "last", "this", "in", "ago", "the", "of"}

_CLOCK = re.compile(r"(?<![\d:/.\-])(\d{1,2}):(\d{2})(?:\s*(am|pm))?(?![\d:])")
_DOT_CLOCK = re.compile(r"(?<![\d:/.\-])(\d{1,2})\.(\d{2})\s*(am|pm)\b")
_HOUR = re.compile(r"(?<![\d:/.\-])(\d{1,2})\s*(am|pm)\b")
_NAMED_TIMES = {
    "noon": time(12, 0),
    "midnight": time(0, 0),
    "morning": time(9, 0),
    "afternoon": time(14, 0),
    "evening": time(19, 0),
    "tonight": time(19, 0),
}
_NAMED_TIME = re.compile(r"\b(" + "|".join(_NAMED_TIMES) + r")\b")
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_SLASH = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?")
_DAY_NUMBER = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?")
_COUNT = re.compile(r"\d{1,3}")
_YEAR = re.compile(r"\d{4}")


class _Unreadable(Exception):
    """The text does not fit the grammar; the caller answers None."""


def parse_english(text: str, *, now: datetime, prefer_past: bool) -> datetime | None:
    """An aware datetime in `now`'s zone for normalised English text, or None.

    A date without a time is 09:00; a time without a date is today, even when it has passed
    (the caller says so rather than guessing tomorrow).
    """
    try:
        return _parse(text, now=now, prefer_past=prefer_past)
    except _Unreadable:
        return None


def _parse(text: str, *, now: datetime, prefer_past: bool) -> datetime | None:
    text = re.sub(r"\b([ap])\.m\.?", r"\1m", text).replace(",", " ")
    clock, rest = _take_clock(text)
    words = [word for word in rest.split() if word not in ("at", "on")]
    rest = " ".join(words)
    today = now.date()
    if not rest:
        if clock is None:
            return None
        return datetime.combine(today, clock, tzinfo=now.tzinfo)
    numeric = _numeric_day(rest, today=today, prefer_past=prefer_past)
    if numeric is not None:
        return datetime.combine(numeric, clock or DEFAULT_TIME, tzinfo=now.tzinfo)
    if rest in _FIXED_DAYS:
        day = today + timedelta(days=_FIXED_DAYS[rest])
        return datetime.combine(day, clock or DEFAULT_TIME, tzinfo=now.tzinfo)
    return _worded(words, clock=clock, now=now, prefer_past=prefer_past)


def english_clock(text: str) -> time | None:
    """A time of day alone in normalised English ("5:30pm", "5.30 pm", "17:30", "noon"), or None."""
    try:
        clock, rest = _take_clock(re.sub(r"\b([ap])\.m\.?", r"\1m", text))
    except _Unreadable:
        return None
    return clock if rest.split() in ([], ["at"]) else None


def _take_clock(text: str) -> tuple[time | None, str]:
    """The one time of day in the text ("15:30", "3pm", "3:30 pm", "noon", "tonight") and the rest."""
    found: list[tuple[re.Match[str], time]] = []
    for match in _CLOCK.finditer(text):
        found.append((match, _clock(int(match[1]), int(match[2]), match[3])))
    for match in _DOT_CLOCK.finditer(text):
        found.append((match, _clock(int(match[1]), int(match[2]), match[3])))
    for match in _HOUR.finditer(text):
        found.append((match, _clock(int(match[1]), 0, match[2])))
    for match in _NAMED_TIME.finditer(text):
        found.append((match, _NAMED_TIMES[match[1]]))
    if len(found) > 1:
        raise _Unreadable
    if not found:
        if ":" in text:
            raise _Unreadable
        return None, text
    match, value = found[0]
    rest = text[: match.start()] + " " + text[match.end() :]
    if ":" in rest:
        raise _Unreadable
    return value, rest


def _clock(hour: int, minute: int, half: str | None) -> time:
    """A clock reading, refused when impossible (25:00, 12:60, 13pm, 0am)."""
    if minute > 59:
        raise _Unreadable
    if half is None:
        if hour > 23:
            raise _Unreadable
        return time(hour, minute)
    if not 1 <= hour <= 12:
        raise _Unreadable
    return time(hour % 12 + (12 if half == "pm" else 0), minute)


def _numeric_day(rest: str, *, today: date, prefer_past: bool) -> date | None:
    """2026-12-25, 2026/12/25, 12/25, 12/25/2027 (month first; 25/12 only when it cannot be a month)."""
    iso = _ISO.fullmatch(rest)
    if iso:
        return _date_or_raise(int(iso[1]), int(iso[2]), int(iso[3]))
    slash = _SLASH.fullmatch(rest)
    if not slash:
        if re.search(r"\d[/.\-]|[/.\-]\d", rest):
            raise _Unreadable
        return None
    first, second = int(slash[1]), int(slash[2])
    month, day = (first, second) if first <= 12 else (second, first)
    if slash[3] is not None:
        year = int(slash[3])
        return _date_or_raise(year + 2000 if year < 100 else year, month, day)
    years = (today.year - 1, today.year, today.year + 1)
    candidates = [found for year in years if (found := _date(year, month, day))]
    if not candidates:
        raise _Unreadable
    return nearest(candidates, today=today, prefer_past=prefer_past)


def _worded(words: list[str], *, clock: time | None, now: datetime, prefer_past: bool) -> datetime:
    """Weekdays, month names and counted units, read by `dateparser` once every word is accounted for."""
    month: int | None = None
    day: int | None = None
    year: int | None = None
    weekday: int | None = None
    counts = 0
    clock_units = day_units = 0
    for word in words:
        if word in _MONTHS:
            if month is not None:
                raise _Unreadable
            month = _MONTHS[word]
        elif word in _WEEKDAYS:
            if weekday is not None:
                raise _Unreadable
            weekday = _WEEKDAYS[word]
        elif word in _DAY_UNITS:
            day_units += 1
        elif word in _CLOCK_UNITS:
            clock_units += 1
        elif word in _COUNT_WORDS:
            counts += 1
        elif _YEAR.fullmatch(word):
            if year is not None:
                raise _Unreadable
            year = int(word)
        elif _DAY_NUMBER.fullmatch(word) and not _COUNT.fullmatch(word):
            if day is not None:
                raise _Unreadable
            day = int(word[:-2])
        elif _COUNT.fullmatch(word):
            if month is not None or any(w in _MONTHS for w in words):
                if day is not None:
                    raise _Unreadable
                day = int(word)
            else:
                counts += 1
        elif word not in _LINKS:
            raise _Unreadable
    units = day_units + clock_units
    if month is not None:
        if day is None or units or counts or weekday is not None:
            raise _Unreadable
    elif day is not None or year is not None:
        raise _Unreadable
    if units > 1 or (counts and not units) or (units and counts and not ({"in", "ago"} & set(words))):
        raise _Unreadable
    if clock_units and clock is not None:
        raise _Unreadable
    parsed = dateparser.parse(
        " ".join(words),
        languages=["en"],
        settings={
            "RELATIVE_BASE": now.replace(tzinfo=None),
            "PREFER_DATES_FROM": "past" if prefer_past else "future",
            "DATE_ORDER": "MDY",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    if parsed is None:
        raise _Unreadable
    if month is not None and (parsed.month, parsed.day) != (month, day):
        raise _Unreadable
    if year is not None and parsed.year != year:
        raise _Unreadable
    if weekday is not None and parsed.weekday() != weekday:
        raise _Unreadable
    if clock_units:
        return parsed.replace(second=0, microsecond=0, tzinfo=now.tzinfo)
    return datetime.combine(parsed.date(), clock or DEFAULT_TIME, tzinfo=now.tzinfo)


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _date_or_raise(year: int, month: int, day: int) -> date:
    found = _date(year, month, day)
    if found is None:
        raise _Unreadable
    return found


def nearest(candidates: list[date], *, today: date, prefer_past: bool) -> date:
    """Of the days a year-less date could be, the nearest one ahead (or behind, for past events)."""
    if prefer_past:
        past = [d for d in candidates if d <= today]
        return max(past) if past else min(candidates)
    future = [d for d in candidates if d >= today]
    return min(future) if future else max(candidates)
