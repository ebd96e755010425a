"""A health reason's date is the day it was for the reader, not in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bot.domain.health import CustomerFacts, Order, Rating, score
from bot.i18n import I18n, Translator
from bot.present.explain import reason_text

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
LATE_ON_THE_6TH_IN_UTC = datetime(2026, 12, 6, 16, 22, tzinfo=UTC)


def reader(locale: str, zone: str) -> Translator:
    catalogues = I18n()
    catalogues.clock = lambda: NOW
    return catalogues.translator(locale, zone)


@pytest.mark.parametrize(
    ("locale", "zone", "expected"),
    [
        ("en", "Asia/Shanghai", "NPS 2 on Dec 7."),
        ("en", "Europe/London", "NPS 2 on Dec 6."),
        ("zh_Hans", "Asia/Shanghai", "12月7日"),
    ],
)
def test_a_rating_reason_names_the_readers_day(locale: str, zone: str, expected: str) -> None:
    facts = CustomerFacts(
        orders=(Order(at=datetime(2026, 12, 1, tzinfo=UTC), amount=Decimal(100)),),
        nps=Rating(score=2, at=LATE_ON_THE_6TH_IN_UTC),
    )
    (reason,) = [found for found in score(facts, now=NOW).reasons if found.code == "low_nps"]
    text = reason_text(reader(locale, zone), reason.as_json())
    assert text is not None
    assert expected in text


def test_reasons_stored_with_a_date_only_still_read() -> None:
    stored = {"code": "low_csat", "params": {"score": 1, "date": "2026-12-06"}}
    assert reason_text(reader("en", "Asia/Shanghai"), stored) == "CSAT 1/5 on Dec 6."
