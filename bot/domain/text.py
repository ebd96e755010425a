"""Shortening text to fit a button, a line or a message, and joining a list the reader's way."""

from __future__ import annotations

from collections.abc import Iterable

from babel import Locale
from babel.lists import format_list

ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else its start and an ellipsis, `limit` long."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def one_line(text: str, limit: int) -> str:
    """Like `clip`, with line breaks and runs of spaces folded first, for one line of a list."""
    return clip(" ".join(text.split()), limit)


def join_list(items: Iterable[str], locale: str, *, conjunction: bool = False) -> str:
    """Items as the reader's language lists them: "a, b, c" / "a、b、c".

    With `conjunction` the last two are joined by "and": "a, b, and c" / "a、b和c", for a list read
    as a sentence. Without it, every pair takes the language's middle separator (CLDR's list pattern).
    """
    parts = list(items)
    if conjunction:
        return str(format_list(parts, style="standard", locale=locale))
    middle = str(Locale.parse(locale).list_patterns["standard"]["middle"])
    return middle.replace("{0}", "").replace("{1}", "").join(parts)
