"""Reading a time zone the way people type one: IANA name, city, Chinese city name or UTC offset.

A whole-hour offset is stored as an `Etc/GMT` zone, whose POSIX name has the inverted sign:
"UTC-5" and "-5" are `Etc/GMT+5`. Shown, such a zone is always its offset ("UTC-5"), never its name.
Half- and quarter-hour offsets have no `Etc` zone; they map to a zone that keeps that offset all year.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.domain.dates import chinese_number

COMMON_ZONES: tuple[str, ...] = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
)

CHINESE_CITY_ZONES: dict[str, str] = {
    "北京": "Asia/Shanghai",
    "上海": "Asia/Shanghai",
    "广州": "Asia/Shanghai",
    "深圳": "Asia/Shanghai",
    "成都": "Asia/Shanghai",
    "杭州": "Asia/Shanghai",
    "武汉": "Asia/Shanghai",
    "中国": "Asia/Shanghai",
    "乌鲁木齐": "Asia/Urumqi",
    "香港": "Asia/Hong_Kong",
    "澳门": "Asia/Macau",
    "台北": "Asia/Taipei",
    "新加坡": "Asia/Singapore",
    "东京": "Asia/Tokyo",
    "首尔": "Asia/Seoul",
    "伦敦": "Europe/London",
    "巴黎": "Europe/Paris",
    "柏林": "Europe/Berlin",
    "纽约": "America/New_York",
    "洛杉矶": "America/Los_Angeles",
    "悉尼": "Australia/Sydney",
}

ALIASES: dict[str, str] = {"beijing": "Asia/Shanghai", "china": "Asia/Shanghai", "utc": "UTC", "gmt": "UTC"}

_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_CHINESE_OFFSET = re.compile(r"^([东西])([一二三四五六七八九十]{1,3}|\d{1,2})区$")
_PLUS_MINUS = str.maketrans("＋－−–：０１２３４５６７８９", "+---:0123456789")
# Offsets that are not whole hours, each to a zone that keeps it all year (no summer time).
_PART_HOUR_ZONES: dict[int, str] = {
    3 * 60 + 30: "Asia/Tehran",
    4 * 60 + 30: "Asia/Kabul",
    5 * 60 + 30: "Asia/Kolkata",
    5 * 60 + 45: "Asia/Kathmandu",
    6 * 60 + 30: "Asia/Yangon",
    8 * 60 + 45: "Australia/Eucla",
    9 * 60 + 30: "Australia/Darwin",
    -(9 * 60 + 30): "Pacific/Marquesas",
}
MAX_EAST_HOURS = 14
MAX_WEST_HOURS = 12


@cache
def _by_lower_name() -> dict[str, str]:
    zones: dict[str, str] = {}
    for zone in sorted(available_timezones()):
        if "/" not in zone or zone.startswith(("Etc/", "SystemV/", "US/")):
            continue
        zones.setdefault(zone.lower(), zone)
        zones.setdefault(zone.rsplit("/", 1)[1].replace("_", " ").lower(), zone)
    return zones


def parse_timezone(text: str) -> str | None:
    """The IANA zone a person meant, or None if we cannot tell."""
    cleaned = text.strip()
    if not cleaned or len(cleaned) > 64:
        return None
    if cleaned in CHINESE_CITY_ZONES:
        return CHINESE_CITY_ZONES[cleaned]
    lowered = cleaned.lower().replace("_", " ")
    if lowered in ALIASES:
        return ALIASES[lowered]
    match = _OFFSET.match(cleaned.translate(_PLUS_MINUS).replace(" ", ""))
    if match:
        sign = 1 if match.group(1) == "+" else -1
        return offset_zone(sign * int(match.group(2)), sign * int(match.group(3) or 0))
    chinese = _CHINESE_OFFSET.match(cleaned)
    if chinese:
        hours = chinese_number(chinese.group(2))
        if hours is None:
            return None
        return offset_zone(hours if chinese.group(1) == "东" else -hours, 0)
    return _by_lower_name().get(lowered) or _by_lower_name().get(cleaned.lower())


def offset_zone(hours: int, minutes: int) -> str | None:
    """The zone for a UTC offset (hours and minutes carry the same sign), or None if none exists."""
    if not -MAX_WEST_HOURS <= hours <= MAX_EAST_HOURS or abs(minutes) > 59:
        return None
    if minutes:
        return _PART_HOUR_ZONES.get(hours * 60 + minutes)
    if hours == 0:
        return "UTC"
    # POSIX names count the other way: Etc/GMT-8 is eight hours ahead of UTC.
    return f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"


def fixed_offset(zone: str) -> bool:
    """Whether a zone is a bare offset (UTC, Etc/GMT±N) rather than a place with a name."""
    return zone in ("UTC", "Etc/UTC") or zone.startswith("Etc/")


def utc_offset_label(zone: str, *, now: datetime) -> str:
    """'UTC+8', 'UTC-5', 'UTC+5:30' or 'UTC' for a zone, under the rules in force at `now`."""
    offset = now.astimezone(ZoneInfo(zone)).utcoffset()
    assert offset is not None
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
