"""Checking what a rep types for each customer field, the same way when creating and editing."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from bot.domain.names import MAX_NAME, clean, key

MAX_COMPANY = 200
MAX_ADDRESS = 500
MAX_TAG = 50
MAX_TAGS = 10
TIERS = ("VIP", "A", "B", "C")
DEFAULT_TIER = "B"

_TAG_SEPARATORS = re.compile(r"[\s,，、;；]+")


class Field(StrEnum):
    NAME = "name"
    COMPANY = "company"
    PHONE = "phone"
    ADDRESS = "address"
    BIRTHDAY = "birthday"
    TIER = "tier"
    TAGS = "tags"


class TextProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    NO_LETTERS = "no_letters"


def check_text(text: str, *, limit: int, needs_letters: bool = False) -> tuple[str, TextProblem | None]:
    """A one-line value, trimmed; emoji are fine, but a name must hold something to search by."""
    value = clean(text)
    if not value:
        return value, TextProblem.EMPTY
    if len(value) > limit:
        return value, TextProblem.TOO_LONG
    if needs_letters and not key(value) and not any(unicodedata.category(ch).startswith("S") for ch in value):
        return value, TextProblem.NO_LETTERS
    return value, None


def check_name(text: str) -> tuple[str, TextProblem | None]:
    return check_text(text, limit=MAX_NAME, needs_letters=True)


def check_tier(text: str) -> str | None:
    """VIP, A, B or C, whatever the case or width ("ａ", "vip")."""
    value = unicodedata.normalize("NFKC", text).strip().upper()
    return value if value in TIERS else None


def tag_name(raw: str) -> str:
    """A tag as stored and looked up: "#Wholesale " → "wholesale"."""
    return unicodedata.normalize("NFKC", raw).strip().lstrip("#＃").strip().casefold()[:MAX_TAG]


def parse_tags(text: str) -> tuple[list[str], bool]:
    """Tags separated by commas, spaces or 、, `#` optional; True if some were too long or too many."""
    pieces = [p for p in _TAG_SEPARATORS.split(unicodedata.normalize("NFKC", text)) if p.strip("#＃ ")]
    names = list(dict.fromkeys(tag_name(p) for p in pieces))
    trimmed = any(len(p.strip().lstrip("#＃")) > MAX_TAG for p in pieces) or len(names) > MAX_TAGS
    return [n for n in names if n][:MAX_TAGS], trimmed
