"""Reading a time zone the way people type one: IANA name, city, Chinese city name or UTC offset."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

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

_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?00)?$", re.IGNORECASE)


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
    match = _OFFSET.match(cleaned.replace("＋", "+").replace("－", "-"))
    if match:
        sign, hours = match.group(1), int(match.group(2))
        if hours > 14:
            return None
        if hours == 0:
            return "UTC"
        return f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
    return _by_lower_name().get(lowered) or _by_lower_name().get(cleaned.lower())


def utc_offset_label(zone: str, *, now: datetime) -> str:
    """'UTC+8' for a zone, under the rules in force at `now`."""
    offset = now.astimezone(ZoneInfo(zone)).utcoffset()
    assert offset is not None
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
