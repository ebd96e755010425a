"""Amounts: reading one as a rep types it ("1,234.50", "1234.5元", "¥1234", "1.2万", "1.234,50" in de),
and showing a total the way its reader counts (¥12.5万 in Chinese, CN¥125,000.00 in English)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from babel.numbers import NumberFormatError, format_compact_currency, format_currency, parse_decimal

MAX_AMOUNT = Decimal(100_000_000)
CURRENCIES = ("CNY", "USD", "EUR", "HKD")

_MULTIPLIERS = {"万": Decimal(10_000), "萬": Decimal(10_000), "亿": Decimal(100_000_000), "k": Decimal(1000)}
_SYMBOLS = re.compile(
    r"(hk\$|us\$|rmb|cny|usd|eur|hkd|人民币|港币|港元|美元|欧元|块钱|元|块|圆|[¥￥$€])", re.IGNORECASE
)
TEN_THOUSAND = Decimal(10_000)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９，．", "0123456789,.")


class AmountProblem(StrEnum):
    NOT_A_NUMBER = "not_a_number"
    NOT_POSITIVE = "not_positive"
    TOO_LARGE = "too_large"
    TOO_PRECISE = "too_precise"


@dataclass(frozen=True)
class ParsedAmount:
    amount: Decimal | None
    problem: AmountProblem | None = None


def parse_amount(text: str, *, locale: str) -> ParsedAmount:
    """The amount in `text` read with the locale's separators; a problem instead when it won't do."""
    cleaned = _SYMBOLS.sub("", text.strip().translate(_FULL_WIDTH)).replace(" ", "").replace("\u00a0", "")
    multiplier = Decimal(1)
    if cleaned and cleaned[-1].lower() in _MULTIPLIERS:
        multiplier = _MULTIPLIERS[cleaned[-1].lower()]
        cleaned = cleaned[:-1]
    negative = cleaned.startswith("-")
    cleaned = cleaned.lstrip("+-")
    if not cleaned or not re.fullmatch(r"[0-9.,']+", cleaned):
        return ParsedAmount(None, AmountProblem.NOT_A_NUMBER)
    try:
        value = parse_decimal(cleaned, locale=locale, strict=True) * multiplier
    except (NumberFormatError, InvalidOperation):
        return ParsedAmount(None, AmountProblem.NOT_A_NUMBER)
    if negative or value <= 0:
        return ParsedAmount(None, AmountProblem.NOT_POSITIVE)
    if value > MAX_AMOUNT:
        return ParsedAmount(None, AmountProblem.TOO_LARGE)
    if value != value.quantize(Decimal("0.01")):
        return ParsedAmount(None, AmountProblem.TOO_PRECISE)
    return ParsedAmount(value.quantize(Decimal("0.01")))


def format_total(amount: Decimal, currency: str, *, locale: str) -> str:
    """A total at a glance: in Chinese from 10,000 up in 万 and 亿 (¥12.5万, ¥1.25亿), otherwise exact.

    Chinese readers count large sums in ten-thousands; English keeps Babel's full grouping. Exports
    and single orders are not totals and stay exact.
    """
    if locale.startswith("zh") and abs(amount) >= TEN_THOUSAND:
        return str(format_compact_currency(amount, currency, locale=locale, fraction_digits=2))
    return str(format_currency(amount, currency, locale=locale))
