"""Shortening text to fit a button, a line or a message."""

from __future__ import annotations

ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else its start and an ellipsis, `limit` long."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def one_line(text: str, limit: int) -> str:
    """Like `clip`, with line breaks and runs of spaces folded first, for one line of a list."""
    return clip(" ".join(text.split()), limit)
