"""/audit arguments, and phone numbers kept out of the audit list."""

from __future__ import annotations

import pytest

from bot.domain.audit import AuditQuery, Scope, mask_phones, parse_args


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", AuditQuery(Scope.ALL)),
        ("   ", AuditQuery(Scope.ALL)),
        ("@mona_chen", AuditQuery(Scope.USER, "@mona_chen")),
        ("user Mona  Chen", AuditQuery(Scope.USER, "Mona Chen")),
        ("customer Lotus Tea", AuditQuery(Scope.CUSTOMER, "Lotus Tea")),
        ("Customer 王五", AuditQuery(Scope.CUSTOMER, "王五")),
        ("客户 王五", AuditQuery(Scope.CUSTOMER, "王五")),
        ("用户 陈美", AuditQuery(Scope.USER, "陈美")),
        ("customer", AuditQuery(Scope.ANY, "customer")),
        ("Lotus", AuditQuery(Scope.ANY, "Lotus")),
        ("@", AuditQuery(Scope.ANY, "@")),
    ],
)
def test_parse_args(text: str, expected: AuditQuery) -> None:
    assert parse_args(text) == expected


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("+86 138 0013 8000", "•••8000"),
        ("Call 13800138000 now", "Call •••8000 now"),
        ("(021) 6234-5678 office", "•••5678 office"),
        ("Shop 12, Unit 2024", "Shop 12, Unit 2024"),
        ("王五 139-0000-1111", "王五 •••1111"),
    ],
)
def test_mask_phones(text: str, shown: str) -> None:
    assert mask_phones(text) == shown
