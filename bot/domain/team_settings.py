"""A team's tunables as a manager types them on a phone: parsed, validated, turned into settings.

Each parser takes the typed text and returns the value to store, or raises `Invalid` with the
field, so the handler can say what is expected. Chinese forms are read as well as English ones
("2小时", "紧急 1 24", "22:00到08:00", "关闭"). The stored shapes are the ones the rest of the bot
already reads (`cadence_days`, `sla_hours`, `survey_delay_minutes`, `survey_window`, `digest_time`),
plus `quiet_hours`, read by `quiet_until`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import is_currency

from bot.domain.cadence import DEFAULT_CADENCE_DAYS, MAX_CADENCE_DAYS
from bot.domain.dates import parse_clock
from bot.domain.enums import TicketSeverity
from bot.domain.sla import MAX_HOURS
from bot.domain.surveys import MAX_DELAY_MINUTES
from bot.domain.timezones import parse_timezone


class Field(StrEnum):
    TIMEZONE = "timezone"
    CURRENCY = "currency"
    DIGEST_TIME = "digest_time"
    CADENCE = "cadence"
    SURVEY_DELAY = "survey_delay"
    SURVEY_WINDOW = "survey_window"
    SLA = "sla"
    QUIET_HOURS = "quiet_hours"


# Where each field lives in `Team.settings` (time zone and currency are columns of their own).
SETTING_KEYS = {
    Field.DIGEST_TIME: "digest_time",
    Field.CADENCE: "cadence_days",
    Field.SURVEY_DELAY: "survey_delay_minutes",
    Field.SURVEY_WINDOW: "survey_window",
    Field.SLA: "sla_hours",
    Field.QUIET_HOURS: "quiet_hours",
}


class Invalid(ValueError):
    """The typed text cannot be this field's value."""

    def __init__(self, field: Field) -> None:
        super().__init__(field.value)
        self.field = field


@dataclass(frozen=True, slots=True)
class Window:
    """A daily span of local time; `end` before `start` runs past midnight (22:00–08:00)."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def as_setting(self) -> dict[str, str]:
        return {"start": self.start.strftime("%H:%M"), "end": self.end.strftime("%H:%M")}


_DASH = re.compile(r"\s*(?:-|–|—|~|～|到|至|to)\s*", re.IGNORECASE)
_OFF = {"off", "none", "no", "关闭", "关", "无", "不要", "0"}
_CURRENCY_WORDS = {
    "RMB": "CNY",
    "人民币": "CNY",
    "元": "CNY",
    "¥": "CNY",
    "港币": "HKD",
    "港元": "HKD",
    "美元": "USD",
    "$": "USD",
    "欧元": "EUR",
    "€": "EUR",
    "日元": "JPY",
    "英镑": "GBP",
}
_SEVERITY_WORDS = {
    "low": TicketSeverity.LOW,
    "低": TicketSeverity.LOW,
    "normal": TicketSeverity.NORMAL,
    "普通": TicketSeverity.NORMAL,
    "一般": TicketSeverity.NORMAL,
    "high": TicketSeverity.HIGH,
    "高": TicketSeverity.HIGH,
    "urgent": TicketSeverity.URGENT,
    "紧急": TicketSeverity.URGENT,
}
_DURATION = re.compile(
    r"^(\d{1,4})\s*(m|min|mins|minutes?|分钟|分|h|hr|hrs|hours?|小时|个小时|d|days?|天)?$", re.IGNORECASE
)
_PAIR = re.compile(r"(vip|[abc])\s*[:=：]?\s*(\d{1,3})", re.IGNORECASE)


def _clock(text: str, field: Field) -> time:
    found = parse_clock(text)
    if found is None:
        raise Invalid(field)
    return found


def parse_window(text: str, field: Field) -> Window:
    parts = _DASH.split(text.strip())
    if len(parts) != 2:
        raise Invalid(field)
    window = Window(_clock(parts[0], field), _clock(parts[1], field))
    if window.start == window.end:
        raise Invalid(field)
    return window


def parse(field: Field, text: str) -> Any:
    """The value to store for `field` from what was typed (`None` clears quiet hours)."""
    text = text.strip()
    if field is Field.TIMEZONE:
        zone = parse_timezone(text)
        if zone is None:
            raise Invalid(field)
        return zone
    if field is Field.CURRENCY:
        return _currency(text)
    if field is Field.DIGEST_TIME:
        return _clock(text, field).strftime("%H:%M")
    if field is Field.CADENCE:
        return _cadence(text)
    if field is Field.SURVEY_DELAY:
        return _minutes(text)
    if field is Field.SURVEY_WINDOW:
        return parse_window(text, field).as_setting()
    if field is Field.SLA:
        return _sla(text)
    if text.lower() in _OFF:
        return None
    return parse_window(text, field).as_setting()


def _currency(text: str) -> str:
    code = _CURRENCY_WORDS.get(text, _CURRENCY_WORDS.get(text.upper(), text.upper()))
    if not re.fullmatch(r"[A-Z]{3}", code) or not is_currency(code):
        raise Invalid(Field.CURRENCY)
    return code


def _cadence(text: str) -> dict[str, int]:
    """ "A 21" or "VIP 10, A 20, B 45": the tiers named, each 1–365 days."""
    leftover = _PAIR.sub("", text)
    pairs = _PAIR.findall(text)
    if not pairs or re.sub(r"[\s,，;；、天days]", "", leftover, flags=re.IGNORECASE):
        raise Invalid(Field.CADENCE)
    found: dict[str, int] = {}
    for tier, days in pairs:
        name = tier.upper()
        if name not in DEFAULT_CADENCE_DAYS or not 1 <= int(days) <= MAX_CADENCE_DAYS:
            raise Invalid(Field.CADENCE)
        found[name] = int(days)
    return found


def _minutes(text: str) -> int:
    match = _DURATION.match(text)
    if match is None:
        raise Invalid(Field.SURVEY_DELAY)
    amount, unit = int(match[1]), (match[2] or "m").lower()
    if unit.startswith("h") or unit in ("小时", "个小时"):
        amount *= 60
    elif unit.startswith("d") or unit == "天":
        amount *= 24 * 60
    if amount > MAX_DELAY_MINUTES:
        raise Invalid(Field.SURVEY_DELAY)
    return amount


def _sla(text: str) -> dict[str, dict[str, int]]:
    """ "urgent 1 24": that severity's hours to first response and to resolution."""
    words = text.replace(",", " ").replace("，", " ").replace("/", " ").split()
    if len(words) != 3 or words[0].lower() not in _SEVERITY_WORDS:
        raise Invalid(Field.SLA)
    try:
        response, resolve = int(words[1].rstrip("hH小时")), int(words[2].rstrip("hH小时"))
    except ValueError as exc:
        raise Invalid(Field.SLA) from exc
    if not (1 <= response <= resolve <= MAX_HOURS):
        raise Invalid(Field.SLA)
    return {_SEVERITY_WORDS[words[0].lower()].value: {"response": response, "resolve": resolve}}


def merged(settings: Mapping[str, Any], field: Field, value: Any) -> dict[str, Any]:
    """The team's settings with `value` applied: per-tier and per-severity values join the others."""
    result = dict(settings)
    key = SETTING_KEYS[field]
    if field in (Field.CADENCE, Field.SLA):
        result[key] = {**dict(result.get(key) or {}), **value}
    elif value is None:
        result.pop(key, None)
    else:
        result[key] = value
    return result


def quiet_hours(settings: Mapping[str, Any] | None) -> Window | None:
    """The team's quiet hours, if set and readable."""
    raw = (settings or {}).get("quiet_hours")
    if not isinstance(raw, Mapping):
        return None
    try:
        return parse_window(f"{raw.get('start')}-{raw.get('end')}", Field.QUIET_HOURS)
    except Invalid:
        return None


def quiet_until(at: datetime, *, zone: str, window: Window | None) -> datetime | None:
    """When quiet hours that cover `at` (local time in `zone`) end; None outside them."""
    if window is None:
        return None
    local = at.astimezone(ZoneInfo(zone))
    if not window.contains(local.time().replace(tzinfo=None)):
        return None
    end = local.replace(hour=window.end.hour, minute=window.end.minute, second=0, microsecond=0)
    if end <= local:
        end += timedelta(days=1)
    return end.astimezone(UTC)
