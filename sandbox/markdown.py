"""Telegram's MarkdownV2 and legacy Markdown parse modes, after tdlib's parsers.

Block quotes in MarkdownV2 are recognised at line starts, as in tdlib; a quote opened with
'**>' is expandable and may end with '||'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sandbox.errors import bad_request
from sandbox.text import FormattedText, Span, check_link

_RESERVED = "_*[]()~`>#+-=|{}.!"
_TYPE_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}
_EMOJI_LINK = re.compile(r"tg://emoji\?id=(\d+)$")
_USER_LINK = re.compile(r"tg://user\?id=(\d+)$", re.IGNORECASE)


class MarkdownError(Exception):
    """A parse failure with tdlib's message."""


@dataclass
class _Open:
    type: str
    byte_offset: int
    start: int
    language: str = ""


@dataclass
class _Quote:
    start: int
    expandable: bool


def parse_markdown_v2(source: str) -> FormattedText:
    try:
        return _MarkdownV2(source).parse()
    except MarkdownError as exc:
        raise bad_request(f"can't parse entities: {exc}") from None


def parse_markdown(source: str) -> FormattedText:
    try:
        return _parse_legacy(source)
    except MarkdownError as exc:
        raise bad_request(f"can't parse entities: {exc}") from None


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


class _MarkdownV2:
    def __init__(self, source: str) -> None:
        self.src = source
        self.out: list[str] = []
        self.spans: list[Span] = []
        self.stack: list[_Open] = []
        self.quote: _Quote | None = None

    def at(self, index: int) -> str:
        return self.src[index] if index < len(self.src) else "\0"

    def reserved_error(self, char: str) -> MarkdownError:
        return MarkdownError(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")

    def parse(self) -> FormattedText:
        i = 0
        while i < len(self.src):
            in_code = bool(self.stack) and self.stack[-1].type in ("code", "pre")
            if not in_code and (i == 0 or self.src[i - 1] == "\n"):
                i = self.line_start(i)
                if i >= len(self.src):
                    break
            if self.ends_expandable_quote(i):
                i += 2
                continue
            char = self.src[i]
            if char == "\\" and 0 < ord(self.at(i + 1)) <= 126:
                self.out.append(self.src[i + 1])
                i += 2
                continue
            reserved = "`" if in_code else _RESERVED
            if char not in reserved:
                self.out.append(char)
                i += 1
                continue
            i = self.close(i) if self.ends_entity(i) else self.open(i)
        if self.stack:
            top = self.stack[-1]
            raise MarkdownError(
                f"Can't find end of {_TYPE_NAMES[top.type]} entity at byte offset {top.byte_offset}"
            )
        self.end_quote(len(self.out))
        for span in self.spans:
            if span.type == "code":
                span.extra.clear()
        return FormattedText("".join(self.out), self.spans)

    def line_start(self, i: int) -> int:
        """'>' opens or continues a block quote ('**>' an expandable one); other lines end it."""
        expandable = self.src.startswith("**>", i)
        if not expandable and self.at(i) != ">":
            self.end_quote(len(self.out) - 1 if self.out else 0)
            return i
        if self.quote is None:
            self.quote = _Quote(len(self.out), expandable)
        return i + (3 if expandable else 1)

    def ends_expandable_quote(self, i: int) -> bool:
        """'||' closing the last line of an expandable quote is markup, not a spoiler."""
        if self.quote is None or not self.quote.expandable or not self.src.startswith("||", i):
            return False
        return i + 2 == len(self.src) or self.src[i + 2] == "\n"

    def end_quote(self, end: int) -> None:
        if self.quote is not None:
            kind = "expandable_blockquote" if self.quote.expandable else "blockquote"
            if end > self.quote.start:
                self.spans.append(Span(kind, self.quote.start, end))
            self.quote = None

    def ends_entity(self, i: int) -> bool:
        if not self.stack:
            return False
        char, kind = self.src[i], self.stack[-1].type
        ends = {
            "bold": char == "*",
            "italic": char == "_" and self.at(i + 1) != "_",
            "code": char == "`",
            "pre": self.src.startswith("```", i),
            "text_link": char == "]",
            "custom_emoji": char == "]",
            "underline": self.src.startswith("__", i),
            "strikethrough": char == "~",
            "spoiler": self.src.startswith("||", i),
        }
        return ends[kind]

    def open(self, i: int) -> int:
        char = self.src[i]
        byte_offset = _byte_offset(self.src, i)
        language = ""
        if char == "_":
            kind = "underline" if self.at(i + 1) == "_" else "italic"
            i += 2 if kind == "underline" else 1
        elif char == "*":
            kind, i = "bold", i + 1
        elif char == "~":
            kind, i = "strikethrough", i + 1
        elif char == "|" and self.at(i + 1) == "|":
            kind, i = "spoiler", i + 2
        elif char == "[":
            kind, i = "text_link", i + 1
        elif char == "!" and self.at(i + 1) == "[":
            kind, i = "custom_emoji", i + 2
        elif char == "`" and self.src.startswith("```", i):
            kind, i = "pre", i + 3
            end = i
            while self.at(end) not in " \t\r\n\0" and self.at(end) != "`":
                end += 1
            if end != i and end < len(self.src) and self.at(end) != "`":
                language, i = self.src[i:end], end
            i = _skip_first_newline(self.src, i)
        elif char == "`":
            kind, i = "code", i + 1
        else:
            raise self.reserved_error(char)
        self.stack.append(_Open(kind, byte_offset, len(self.out), language))
        return i

    def close(self, i: int) -> int:
        opened = self.stack.pop()
        start, end = opened.start, len(self.out)
        kind = opened.type
        extra: dict[str, object] = {}
        skip = start == end
        if kind in ("underline", "spoiler"):
            i += 2
        elif kind == "pre":
            i += 3
            if opened.language:
                extra["language"] = opened.language
        elif kind == "text_link":
            url, i = self.link_target(i, "".join(self.out[start:]))
            user = _USER_LINK.match(url)
            if user:
                kind, extra = (
                    "text_mention",
                    {"user": {"id": int(user.group(1)), "is_bot": False, "first_name": ""}},
                )
            else:
                checked = check_link(url)
                skip = skip or not checked
                extra["url"] = checked
        elif kind == "custom_emoji":
            if self.at(i + 1) != "(":
                raise MarkdownError("Custom emoji entity must contain a tg://emoji URL")
            url, i = self.link_target(i, "")
            match = _EMOJI_LINK.match(url)
            if not match:
                raise MarkdownError("Custom emoji URL must have an emoji identifier")
            extra["custom_emoji_id"] = match.group(1)
        else:
            i += 1
        if not skip:
            self.spans.append(Span(kind, start, end, dict(extra)))
        return i

    def link_target(self, i: int, fallback: str) -> tuple[str, int]:
        if self.at(i + 1) != "(":
            return fallback, i + 1
        i += 2
        begin = i
        url: list[str] = []
        while i < len(self.src) and self.src[i] != ")":
            if self.src[i] == "\\" and 0 < ord(self.at(i + 1)) <= 126:
                url.append(self.src[i + 1])
                i += 2
                continue
            url.append(self.src[i])
            i += 1
        if i >= len(self.src):
            raise MarkdownError(f"Can't find end of a URL at byte offset {_byte_offset(self.src, begin)}")
        return "".join(url), i + 1


def _skip_first_newline(text: str, i: int) -> int:
    if i < len(text) and text[i] in "\r\n":
        if i + 1 < len(text) and text[i + 1] in "\r\n" and text[i] != text[i + 1]:
            return i + 2
        return i + 1
    return i


def _parse_legacy(source: str) -> FormattedText:
    out: list[str] = []
    spans: list[Span] = []
    i = 0
    size = len(source)
    while i < size:
        char = source[i]
        if char == "\\" and i + 1 < size and source[i + 1] in "_*`[":
            out.append(source[i + 1])
            i += 2
            continue
        if char not in "_*`[":
            out.append(char)
            i += 1
            continue
        begin = i
        end_char = "]" if char == "[" else char
        i += 1
        is_pre = False
        language = ""
        if char == "`" and source.startswith("``", i):
            i += 2
            is_pre = True
            end = i
            while end < size and source[end] not in " \t\r\n`":
                end += 1
            if end != i and end < size and source[end] != "`":
                language, i = source[i:end], end
            i = _skip_first_newline(source, i)
        start = len(out)
        while i < size and (source[i] != end_char or (is_pre and not source.startswith("``", i + 1))):
            out.append(source[i])
            i += 1
        if i >= size:
            raise MarkdownError(
                f"Can't find end of the entity starting at byte offset {_byte_offset(source, begin)}"
            )
        end_index = len(out)
        if char == "[":
            url = "".join(out[start:])
            if i + 1 < size and source[i + 1] == "(":
                i += 2
                target: list[str] = []
                while i < size and source[i] != ")":
                    target.append(source[i])
                    i += 1
                url = "".join(target)
            checked = check_link(url)
            if checked and end_index > start:
                spans.append(Span("text_link", start, end_index, {"url": checked}))
        elif end_index > start:
            kind = {"_": "italic", "*": "bold", "`": "pre" if is_pre else "code"}[char]
            extra = {"language": language} if is_pre and language else {}
            spans.append(Span(kind, start, end_index, extra))
        i += 3 if is_pre else 1
    return FormattedText("".join(out), spans)
