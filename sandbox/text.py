"""Formatted text as Telegram stores it: plain text plus entities.

Internally spans use code-point indices into a Python string; the Bot API speaks UTF-16
code units, so conversion happens only at the edges (`to_entities`, `from_entities`).
The normalisation mirrors tdlib's `fix_formatted_text`: control characters cleaned,
whitespace-only entities dropped, the text trimmed, and links/commands detected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from sandbox.errors import bad_request

Entity = dict[str, Any]

HIDDEN_DATA_TYPES = frozenset({"text_link", "text_mention", "custom_emoji"})
CODE_TYPES = frozenset({"code", "pre"})
BLOCKQUOTE_TYPES = frozenset({"blockquote", "expandable_blockquote"})
KNOWN_TYPES = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
    }
)
_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 10,
    "code": 20,
    "text_link": 49,
    "text_mention": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}
_REMOVED_CHARS = frozenset("\r\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u0333\u033f\u030a")
_WHITESPACE = " \n"


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Span:
    """One entity over code-point indices [start, end)."""

    type: str
    start: int
    end: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class FormattedText:
    text: str
    spans: list[Span] = field(default_factory=list)

    def to_entities(self) -> list[Entity]:
        """Bot API entities with UTF-16 offsets, in tdlib's order."""
        prefix = _utf16_prefix(self.text)
        entities: list[Entity] = []
        for span in sort_spans(self.spans):
            offset = prefix[span.start]
            entity: Entity = {"offset": offset, "length": prefix[span.end] - offset, "type": span.type}
            entity.update(span.extra)
            entities.append(entity)
        return entities

    @property
    def utf16_length(self) -> int:
        return utf16_len(self.text)


def _utf16_prefix(text: str) -> list[int]:
    prefix = [0]
    total = 0
    for char in text:
        total += 2 if ord(char) > 0xFFFF else 1
        prefix.append(total)
    return prefix


def sort_spans(spans: list[Span]) -> list[Span]:
    return sorted(spans, key=lambda s: (s.start, -s.length, _PRIORITY.get(s.type, 50)))


def from_entities(text: str, entities: list[Any]) -> FormattedText:
    """Explicit `entities` from a bot request, validated and converted to spans."""
    prefix = _utf16_prefix(text)
    index_of = {units: index for index, units in enumerate(prefix)}
    total = prefix[-1]
    spans: list[Span] = []
    for entity in entities:
        if not isinstance(entity, dict):
            raise bad_request("can't parse MessageEntity: MessageEntity must be an Object")
        kind = entity.get("type")
        offset = entity.get("offset")
        length = entity.get("length")
        if not isinstance(kind, str):
            raise bad_request('can\'t parse MessageEntity: Field "type" must be of type String')
        if not isinstance(offset, int) or not isinstance(length, int):
            raise bad_request('can\'t parse MessageEntity: Field "offset" must be of type Number')
        if kind not in KNOWN_TYPES:
            continue
        if offset < 0 or length < 0:
            raise bad_request(f"can't parse entities: Receive an entity with incorrect offset {offset}")
        if offset + length > total:
            raise bad_request(
                f"can't parse entities: Entity beginning at UTF-16 offset {offset} ends after the end "
                f"of the text at UTF-16 offset {offset + length}"
            )
        start = _nearest_index(index_of, offset, total)
        end = _nearest_index(index_of, offset + length, total)
        extra = _entity_extra(kind, entity)
        spans.append(Span(kind, start, end, extra))
    return FormattedText(text, spans)


def _nearest_index(index_of: dict[int, int], units: int, total: int) -> int:
    while units not in index_of and units < total:
        units += 1
    return index_of[units]


def _entity_extra(kind: str, entity: dict[str, Any]) -> dict[str, Any]:
    if kind == "text_link":
        url = entity.get("url")
        checked = check_link(url) if isinstance(url, str) else ""
        if not checked:
            raise bad_request(f"entity URL '{url}' is invalid: Wrong HTTP URL")
        return {"url": checked}
    if kind == "text_mention":
        user = entity.get("user")
        if not isinstance(user, dict) or not isinstance(user.get("id"), int):
            raise bad_request("can't parse entities: Invalid user specified")
        return {"user": user}
    if kind == "pre" and isinstance(entity.get("language"), str) and entity["language"]:
        return {"language": entity["language"]}
    if kind == "custom_emoji":
        return {"custom_emoji_id": str(entity.get("custom_emoji_id", ""))}
    return {}


_SCHEMES = ("http://", "https://", "tg://", "ton://")


def check_link(url: str) -> str:
    """Telegram's link normalisation: a scheme and a path are added; junk yields ''."""
    url = url.strip()
    lowered = url.lower()
    if lowered.startswith(("tg://", "ton://")):
        return url
    if not url or ("://" in url and not lowered.startswith(_SCHEMES)):
        return ""
    if not lowered.startswith(_SCHEMES):
        url = "http://" + url
    scheme, _, rest = url.partition("://")
    match = re.match(r"([^/?#]*)(.*)", rest, re.DOTALL)
    authority, tail = (match.group(1), match.group(2)) if match else ("", "")
    host = authority.rsplit("@", 1)[-1].split(":", 1)[0]
    if not _valid_host(host):
        return ""
    if not tail.startswith("/"):
        tail = "/" + tail
    return f"{scheme}://{authority}{tail}"


def _valid_host(host: str) -> bool:
    if host == "localhost" or re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", host):
        return True
    return re.fullmatch(r"[\w-]+(?:\.[\w-]+)+", host) is not None


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
