"""Name keys for search: full pinyin and initials for Chinese names, lower-case letters for others.

张三 → ("zhangsan", "zs"); "John Smith" → ("johnsmith", "js"). Keys hold only lower-case letters
and digits, so a prefix lookup on an indexed column finds what a rep types on a Latin keyboard.
"""

from __future__ import annotations

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

MAX_NAME = 200
MAX_PINYIN = 400
MAX_INITIALS = 64

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W_]+")


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def key(text: str) -> str:
    """Case, width and spacing folded away: "  Acme  Trading " → "acmetrading"."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(_WORD.findall(folded))


def _syllables(text: str) -> list[str]:
    """One entry per Chinese character (its pinyin) or per Latin/digit word."""
    parts: list[str] = []
    for piece in lazy_pinyin(unicodedata.normalize("NFKC", text), style=Style.NORMAL, errors=lambda s: s):
        parts.extend(_WORD.findall(piece.casefold().replace("ü", "v")))
    return parts


def pinyin(name: str) -> str:
    """Full pinyin without tones or spaces; a Latin name lower-cased."""
    return "".join(_syllables(name))[:MAX_PINYIN]


def initials(name: str) -> str:
    """The first letter of each syllable or word: 张三 → "zs", "John Smith" → "js"."""
    return "".join(part[0] for part in _syllables(name))[:MAX_INITIALS]


def full_name(first: str | None, last: str | None) -> str:
    """A person's name from its two parts in the order their language writes it.

    A Chinese name is family name first with no space (first 伟, last 李 → 李伟); any other keeps
    "First Last". Telegram's first/last fields, a staff list and an export all compose names here.
    """
    given, family = clean(first or ""), clean(last or "")
    if not family or not given:
        return given or family
    if has_cjk(given) and has_cjk(family):
        return family + given
    return f"{given} {family}"


def clean(text: str) -> str:
    """A name as stored: trimmed, inner whitespace collapsed, invisible control characters dropped."""
    visible = "".join(ch for ch in text if unicodedata.category(ch) != "Cc")
    return " ".join(visible.split())
