"""Birthdays as people type them, with or without a year."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.birthdays import UNKNOWN_YEAR, Birthday, has_year, parse

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990-05-17", Birthday(5, 17, 1990)),
        ("1990/5/17", Birthday(5, 17, 1990)),
        ("1990年5月17日", Birthday(5, 17, 1990)),
        ("5/17", Birthday(5, 17)),
        ("17/5", Birthday(5, 17)),
        ("5-17", Birthday(5, 17)),
        ("5月17日", Birthday(5, 17)),
        ("5月17号", Birthday(5, 17)),
        ("１２月３日", Birthday(12, 3)),
        ("17 May", Birthday(5, 17)),
        ("May 17", Birthday(5, 17)),
        ("May 17th, 1990", Birthday(5, 17, 1990)),
        ("3 Sept", Birthday(9, 3)),
        ("17.05.1990", Birthday(5, 17, 1990)),
        ("5/17/1990", Birthday(5, 17, 1990)),
        ("2/29", Birthday(2, 29)),
    ],
)
def test_forms(text: str, expected: Birthday) -> None:
    assert parse(text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text", ["", "tomorrow", "2/30", "13/13", "2030-01-01", "1850-01-01", "1990-02-29", "Foo 3", "5月"]
)
def test_rejects(text: str) -> None:
    assert parse(text, today=TODAY) is None


def test_year_unknown_is_stored_in_a_leap_year() -> None:
    leap = Birthday(2, 29).as_date()
    assert leap == date(UNKNOWN_YEAR, 2, 29)
    assert not has_year(leap)
    assert has_year(Birthday(5, 17, 1990).as_date())
