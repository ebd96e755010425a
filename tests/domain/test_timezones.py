from datetime import UTC, datetime

import pytest

from bot.domain.teams import NameProblem, check_team_name
from bot.domain.timezones import COMMON_ZONES, fixed_offset, parse_timezone, utc_offset_label

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
        ("-5", "Etc/GMT+5"),
        ("+8", "Etc/GMT-8"),
        ("GMT-3", "Etc/GMT+3"),
        ("UTC − 5", "Etc/GMT+5"),
        ("+14", "Etc/GMT-14"),
        ("-12", "Etc/GMT+12"),
        ("东八区", "Etc/GMT-8"),
        ("西五区", "Etc/GMT+5"),
        ("UTC+5:30", "Asia/Kolkata"),
        ("+0530", "Asia/Kolkata"),
        ("GMT+5:45", "Asia/Kathmandu"),
        ("UTC-9:30", "Pacific/Marquesas"),
    ],
)
def test_zones_people_type(typed: str, zone: str) -> None:
    assert parse_timezone(typed) == zone


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("-5", "UTC-5"),
        ("+8", "UTC+8"),
        ("UTC+5:30", "UTC+5:30"),
        ("GMT-3", "UTC-3"),
        ("UTC-9:30", "UTC-9:30"),
        ("西五区", "UTC-5"),
        ("UTC+0", "UTC"),
    ],
)
def test_offsets_keep_their_sign(typed: str, label: str) -> None:
    zone = parse_timezone(typed)
    assert zone is not None
    # Summer and winter alike: a typed offset is a fixed one.
    assert utc_offset_label(zone, now=NOW) == label
    assert utc_offset_label(zone, now=datetime(2026, 7, 1, tzinfo=UTC)) == label


@pytest.mark.parametrize(
    "typed", ["", "   ", "Atlantis", "UTC+15", "-13", "UTC+5:15", "+5:60", "东十五区", "x" * 200, "🙂"]
)
def test_nonsense_is_not_a_zone(typed: str) -> None:
    assert parse_timezone(typed) is None


def test_offset_labels() -> None:
    assert utc_offset_label("Asia/Shanghai", now=NOW) == "UTC+8"
    assert utc_offset_label("Asia/Kolkata", now=NOW) == "UTC+5:30"
    assert utc_offset_label("America/New_York", now=NOW) == "UTC-5"
    assert utc_offset_label("America/New_York", now=datetime(2026, 7, 1, tzinfo=UTC)) == "UTC-4"
    assert utc_offset_label("UTC", now=NOW) == "UTC"
    assert all(parse_timezone(zone) == zone for zone in COMMON_ZONES)


def test_fixed_offsets_are_told_from_places() -> None:
    assert fixed_offset("Etc/GMT+5")
    assert fixed_offset("UTC")
    assert not fixed_offset("Asia/Kolkata")
    assert not fixed_offset("America/New_York")


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
