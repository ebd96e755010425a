"""Reading `/audit` arguments, and keeping phone numbers out of what the audit list shows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

CUSTOMER_WORDS = ("customer", "客户")
USER_WORDS = ("user", "用户")
# Seven or more digits, possibly split by spaces, dots, dashes or brackets, after an optional "+" or "(".
PHONE_LIKE = re.compile(r"[+(]?\d(?:[\s.()\-]*\d){6,}")


class Scope(StrEnum):
    """What an audit list is about; the values go into button data."""

    ALL = "a"
    USER = "u"
    CUSTOMER = "c"
    # Bare text: a person if one matches, else a customer.
    ANY = "?"


@dataclass(frozen=True, slots=True)
class AuditQuery:
    scope: Scope
    text: str = ""


def parse_args(text: str) -> AuditQuery:
    """`/audit`, `/audit @username`, `/audit user <name>`, `/audit customer <name>` (or 客户 / 用户),
    and anything else as a name to look for."""
    text = " ".join(text.split())
    if not text:
        return AuditQuery(Scope.ALL)
    if text.startswith("@") and len(text) > 1:
        return AuditQuery(Scope.USER, text)
    word, _, rest = text.partition(" ")
    if word.lower() in CUSTOMER_WORDS and rest:
        return AuditQuery(Scope.CUSTOMER, rest)
    if word.lower() in USER_WORDS and rest:
        return AuditQuery(Scope.USER, rest)
    return AuditQuery(Scope.ANY, text)


def mask_phones(text: str) -> str:
    """Any phone-like run of digits shown only by its last four: "+86 138 0013 8000" → "•••8000"."""

    def masked(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        return "•••" + digits[-4:]

    return PHONE_LIKE.sub(masked, text)
