from datetime import UTC, datetime

import pytest

from bot.domain.teams import NameProblem, check_team_name
from bot.domain.timezones import COMMON_ZONES, parse_timezone, utc_offset_label

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Asia/Shanghai", "Asia/Shanghai"),
        ("asia/shanghai", "Asia/Shanghai"),
        ("Shanghai", "Asia/Shanghai"),
        ("上海", "Asia/Shanghai"),
        ("北京", "Asia/Shanghai"),
        ("beijing", "Asia/Shanghai"),
        ("New York", "America/New_York"),
        ("london", "Europe/London"),
        ("UTC+8", "Etc/GMT-8"),
        ("utc-5", "Etc/GMT+5"),
        ("GMT+5:00", "Etc/GMT-5"),
        ("＋8", "Etc/GMT-8"),
        ("UTC", "UTC"),
        ("UTC+0", "UTC"),
    ],
)
def test_zones_people_type(typed: str, zone: str) -> None:
    assert parse_timezone(typed) == zone


@pytest.mark.parametrize("typed", ["", "   ", "Atlantis", "UTC+15", "x" * 200, "🙂"])
def test_nonsense_is_not_a_zone(typed: str) -> None:
    assert parse_timezone(typed) is None


def test_offset_labels() -> None:
    assert utc_offset_label("Asia/Shanghai", now=NOW) == "UTC+8"
    assert utc_offset_label("Asia/Kolkata", now=NOW) == "UTC+5:30"
    assert utc_offset_label("America/New_York", now=NOW) == "UTC-5"
    assert utc_offset_label("America/New_York", now=datetime(2026, 7, 1, tzinfo=UTC)) == "UTC-4"
    assert all(parse_timezone(zone) == zone for zone in COMMON_ZONES)


@pytest.mark.parametrize(
    ("text", "name", "problem"),
    [
        ("  East   China ", "East China", None),
        ("华东销售部 🚀", "华东销售部 🚀", None),
        ("", "", NameProblem.EMPTY),
        ("   ", "", NameProblem.EMPTY),
        ("a\nb", "a\nb", NameProblem.MULTILINE),
        ("x" * 101, "x" * 101, NameProblem.TOO_LONG),
    ],
)
def test_team_names(text: str, name: str, problem: NameProblem | None) -> None:
    assert check_team_name(text) == (name, problem)
