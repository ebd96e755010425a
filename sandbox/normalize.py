"""What Telegram does to formatted text before storing it, after tdlib's fix_formatted_text:
control characters cleaned, whitespace-only entities dropped, the text trimmed, and
commands, links, mentions and hashtags detected.
"""

from __future__ import annotations

import re
from dataclasses import replace

from sandbox.errors import bad_request
from sandbox.text import BLOCKQUOTE_TYPES, CODE_TYPES, HIDDEN_DATA_TYPES, FormattedText, Span, sort_spans

_REMOVED_CHARS = frozenset("\r\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u0333\u033f\u030a")
_WHITESPACE = " \n"


def normalize(formatted: FormattedText, *, allow_empty: bool = False, detect: bool = True) -> FormattedText:
    """What Telegram does to a message before storing it (tdlib's fix_formatted_text)."""
    text, spans = _clean_characters(formatted.text, formatted.spans)
    spans = _drop_nested_in_code(spans)
    spans = _drop_whitespace_spans(text, spans)
    if not text.strip(_WHITESPACE):
        if allow_empty:
            return FormattedText("", [])
        raise bad_request("message text is empty")
    text, spans = _trim(text, spans)
    result = FormattedText(text, sort_spans(spans))
    if detect:
        result = FormattedText(text, sort_spans(_merge_detected(result.spans, detect_entities(text))))
    return result


def _clean_characters(text: str, spans: list[Span]) -> tuple[str, list[Span]]:
    kept: list[str] = []
    new_index = [0] * (len(text) + 1)
    for index, char in enumerate(text):
        new_index[index] = len(kept)
        if char in _REMOVED_CHARS:
            continue
        if ord(char) < 32 and char != "\n":
            kept.append(" ")
        else:
            kept.append(char)
    new_index[len(text)] = len(kept)
    moved = [replace(s, start=new_index[s.start], end=new_index[s.end]) for s in spans]
    return "".join(kept), [s for s in moved if s.length > 0]


def _drop_nested_in_code(spans: list[Span]) -> list[Span]:
    """Code and pre hold no formatting; of two overlapping code spans the first wins."""
    code: list[Span] = []
    result: list[Span] = []
    for span in sort_spans(spans):
        if span.type not in BLOCKQUOTE_TYPES:
            if any(c.start < span.end and span.start < c.end for c in code):
                continue
            if span.type in CODE_TYPES:
                code.append(span)
        result.append(span)
    return result


def _drop_whitespace_spans(text: str, spans: list[Span]) -> list[Span]:
    result: list[Span] = []
    for span in spans:
        if span.type in HIDDEN_DATA_TYPES:
            result.append(span)
            continue
        start = span.start
        while start < span.end and text[start] in _WHITESPACE:
            start += 1
        if text[start : span.end].strip(_WHITESPACE):
            result.append(replace(span, start=start))
    return result


def _trim(text: str, spans: list[Span]) -> tuple[str, list[Span]]:
    end = len(text.rstrip(_WHITESPACE))
    spans = [replace(s, end=min(s.end, end)) for s in spans if s.start < end]
    first_entity = min((s.start for s in spans), default=end)
    start = 0
    while start < first_entity and text[start] in _WHITESPACE:
        start += 1
    spans = [replace(s, start=s.start - start, end=s.end - start) for s in spans]
    return text[start:end], [s for s in spans if s.length > 0]


_COMMON_TLDS = (
    "com|org|net|io|ru|cn|de|uk|me|dev|app|info|biz|co|ai|us|eu|fr|jp|in|tv|xyz|site|online|"
    "store|tech|cloud|gov|edu"
)
_DETECTORS: list[tuple[str, re.Pattern[str]]] = [
    ("bot_command", re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])")),
    ("email", re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")),
    (
        "url",
        re.compile(
            r"(?<![\w@/.])(?:https?://[^\s<>\"]+|(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
            rf"\.(?:{_COMMON_TLDS})\b(?::\d+)?(?:/[^\s<>\"]*)?)",
            re.IGNORECASE,
        ),
    ),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{2,31}(?![\w@])")),
    ("hashtag", re.compile(r"(?<![\w#])#(?!\d+\b)\w{1,256}")),
    ("cashtag", re.compile(r"(?<![\w$])\$[A-Z]{1,8}(?![\w$])")),
]
_TRAILING_PUNCTUATION = ".,;:!?)]}'\""


def detect_entities(text: str) -> list[Span]:
    """The entities Telegram finds on its own: commands, links, mentions, hashtags."""
    found: list[Span] = []
    for kind, pattern in _DETECTORS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if kind == "url":
                while end > start and text[end - 1] in _TRAILING_PUNCTUATION:
                    end -= 1
            if end <= start or any(s.start < end and start < s.end for s in found):
                continue
            found.append(Span(kind, start, end))
    return found


def _merge_detected(spans: list[Span], detected: list[Span]) -> list[Span]:
    blocking = [
        s
        for s in spans
        if s.type not in {"bold", "italic", "underline", "strikethrough", "spoiler"}
        and s.type not in BLOCKQUOTE_TYPES
    ]
    extra = [d for d in detected if not any(b.start < d.end and d.start < b.end for b in blocking)]
    return spans + extra
