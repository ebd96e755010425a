"""Phone numbers: parsing in the team's region, E.164, masks and full display."""

from __future__ import annotations

import pytest

from bot.domain.phones import PhoneProblem, display, last4, mask, parse, query_digits


@pytest.mark.parametrize(
    ("text", "region", "e164"),
    [
        ("13812345678", "CN", "+8613812345678"),
        ("138 1234 5678", "CN", "+8613812345678"),
        ("+86 138-1234-5678", "CN", "+8613812345678"),
        ("021 6234 5678", "CN", "+862162345678"),
        ("+44 20 7946 0958", "CN", "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("(212) 555-0123", "US", "+12125550123"),
    ],
)
def test_valid_numbers_become_e164(text: str, region: str, e164: str) -> None:
    assert parse(text, region=region).e164 == e164


@pytest.mark.parametrize("text", ["", "   ", "12345", "abc", "+86 138 1234 567", "+86 1", "1" * 50])
def test_invalid_numbers(text: str) -> None:
    result = parse(text, region="CN")
    assert result.e164 is None
    assert result.problem is PhoneProblem.INVALID


@pytest.mark.parametrize("text", ["07911 123456", "1 212 555 0123", "138 1234 567"])
def test_a_foreign_number_without_country_code_asks_for_it(text: str) -> None:
    assert parse(text, region="CN").problem is PhoneProblem.NEEDS_COUNTRY_CODE


def test_mask_display_and_last4() -> None:
    assert mask("+8613812345678") == "+86 138****5678"
    assert mask("+442079460958") == "+44 207***0958"
    assert display("+8613812345678") == "+86 138 1234 5678"
    assert last4("+8613812345678") == "5678"


@pytest.mark.parametrize(
    ("text", "digits"),
    [("5678", "5678"), ("138 1234 5678", "13812345678"), ("+86-138", "86138"), ("12", None), ("zs1", None)],
)
def test_query_digits(text: str, digits: str | None) -> None:
    assert query_digits(text) == digits
