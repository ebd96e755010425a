"""parse_amount: the formats reps type, and the amounts it refuses."""

from decimal import Decimal

import pytest

from bot.domain.money import AmountProblem, parse_amount


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1,234.50", "1234.50"),
        ("1234.5元", "1234.50"),
        ("¥1234", "1234.00"),
        ("￥ 1234", "1234.00"),
        ("1.2万", "12000.00"),
        ("3万元", "30000.00"),
        ("500块", "500.00"),
        ("RMB 88", "88.00"),
        ("$99.99", "99.99"),
        ("２００", "200.00"),
        ("3k", "3000.00"),
        ("100000000", "100000000.00"),
        ("0.01", "0.01"),
    ],
)
@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_accepted(text: str, amount: str, locale: str) -> None:
    assert parse_amount(text, locale=locale).amount == Decimal(amount)


def test_continental_separators_where_the_locale_uses_them() -> None:
    assert parse_amount("1.234,50", locale="de").amount == Decimal("1234.50")
    assert parse_amount("1.234,50", locale="en").problem is AmountProblem.NOT_A_NUMBER


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("0", AmountProblem.NOT_POSITIVE),
        ("0.00", AmountProblem.NOT_POSITIVE),
        ("-5", AmountProblem.NOT_POSITIVE),
        ("-1,000", AmountProblem.NOT_POSITIVE),
        ("abc", AmountProblem.NOT_A_NUMBER),
        ("", AmountProblem.NOT_A_NUMBER),
        ("一百", AmountProblem.NOT_A_NUMBER),
        ("12 apples", AmountProblem.NOT_A_NUMBER),
        ("1,2345", AmountProblem.NOT_A_NUMBER),
        ("💰", AmountProblem.NOT_A_NUMBER),
        ("100000000.01", AmountProblem.TOO_LARGE),
        ("2亿", AmountProblem.TOO_LARGE),
        ("99999999999999999999", AmountProblem.TOO_LARGE),
        ("1.234", AmountProblem.TOO_PRECISE),
    ],
)
def test_refused(text: str, problem: AmountProblem) -> None:
    parsed = parse_amount(text, locale="en")
    assert parsed.amount is None
    assert parsed.problem is problem
