"""Formatted text as Telegram stores it: plain text plus entities.

Internally spans use code-point indices into a Python string; the Bot API speaks UTF-16
code units, so conversion happens only at the edges (`to_entities`, `from_entities`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sandbox.errors import bad_request

Entity = dict[str, Any]

HIDDEN_DATA_TYPES = frozenset({"text_link", "text_mention", "custom_emoji"})
CODE_TYPES = frozenset({"code", "pre"})
BLOCKQUOTE_TYPES = frozenset({"blockquote", "expandable_blockquote"})
KNOWN_TYPES = frozenset(
    [
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
    ]
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
