"""A team's time zone as people name it: the city and its offset now, 'Shanghai (UTC+8)'."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from babel.dates import get_timezone_location

from bot.domain.timezones import fixed_offset, utc_offset_label
from bot.i18n import Translator


def city_with_offset(t: Translator, zone: str) -> str:
    """'Shanghai (UTC+8)' / '上海（UTC+8）'; a fixed offset is just 'UTC-5'.

    Babel's long name ('China (Shanghai) Time') repeats what "Time zone:" already says.
    """
    offset = utc_offset_label(zone, now=t.clock())
    if fixed_offset(zone):
        return offset
    city = get_timezone_location(ZoneInfo(zone), locale=t.locale, return_city=True)
    return t.gettext("{zone} ({offset})").format(zone=city, offset=offset)
