"""Telegram's HTML parse mode, following tdlib's `parse_html` closely.

Errors carry tdlib's wording and byte offsets, so a bot sees the same 400 it would get
from Telegram ("Unsupported start tag ..." and friends).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from sandbox.errors import bad_request
from sandbox.text import FormattedText, Span, check_link, sort_spans

_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
}
_SPACES = " \t\r\n\0\v\f"
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_USER_LINK = re.compile(r"tg://user\?id=(\d+)$", re.IGNORECASE)


class HtmlError(Exception):
    """A parse failure with tdlib's message."""


@dataclass
class _Open:
    tag: str
    argument: str
    start: int


def parse_html(source: str, *, users: dict[int, dict[str, object]] | None = None) -> FormattedText:
    """Plain text and entity spans, or ApiError 400 "can't parse entities: ..."."""
    try:
        return _Parser(source, users or {}).parse()
    except HtmlError as exc:
        raise bad_request(f"can't parse entities: {exc}") from None


class _Parser:
    def __init__(self, source: str, users: dict[int, dict[str, object]]) -> None:
        self.src = source
        self.users = users
        self.out: list[str] = []
        self.spans: list[Span] = []
        self.stack: list[_Open] = []

    def at(self, index: int) -> str:
        return self.src[index] if index < len(self.src) else "\0"

    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def parse(self) -> FormattedText:
        i = 0
        while i < len(self.src):
            char = self.src[i]
            if char == "&":
                decoded, after = decode_entity(self.src, i)
                if decoded is not None:
                    self.out.append(decoded)
                    i = after
                    continue
            if char != "<":
                self.out.append(char)
                i += 1
                continue
            i = self.close_tag(i) if self.at(i + 1) == "/" else self.open_tag(i)
        if self.stack:
            raise HtmlError(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"')
        for span in self.spans:
            if span.type == "code":
                span.extra.pop("language", None)
        text = "".join(self.out)
        if any("\ud800" <= char <= "\udfff" for char in text):
            raise HtmlError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        return FormattedText(text, self.spans)

    def open_tag(self, begin: int) -> int:
        i = begin + 1
        while self.at(i) not in _SPACES and self.at(i) != ">":
            i += 1
        if i >= len(self.src):
            raise HtmlError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        tag = self.src[begin + 1 : i].lower()
        if tag not in _TAGS:
            raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {self.byte_offset(begin)}')
        argument = ""
        while self.at(i) != ">":
            while i < len(self.src) and self.at(i) in _SPACES:
                i += 1
            if self.at(i) == ">":
                break
            name_start = i
            while self.at(i) not in _SPACES and self.at(i) != "=" and self.at(i) != ">":
                i += 1
            name = self.src[name_start:i]
            if not name:
                raise HtmlError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {self.byte_offset(begin)}'
                )
            while i < len(self.src) and self.at(i) in _SPACES:
                i += 1
            if self.at(i) != "=":
                if tag == "blockquote" and name.lower() == "expandable":
                    argument = "expandable"
                    continue
                raise HtmlError(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {self.byte_offset(begin)}"
                )
            i += 1
            while i < len(self.src) and self.at(i) in _SPACES:
                i += 1
            if i >= len(self.src):
                raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {self.byte_offset(begin)}')
            value, i = self.attribute_value(i)
            if i >= len(self.src):
                raise HtmlError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            argument = _tag_argument(tag, name, value, argument)
        if tag == "span" and argument != "spoiler":
            raise HtmlError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}'
            )
        self.stack.append(_Open(tag, argument, len(self.out)))
        return i + 1

    def attribute_value(self, i: int) -> tuple[str, int]:
        quote = self.at(i)
        if quote not in "'\"":
            start = i
            while (self.at(i).isascii() and self.at(i).isalnum()) or self.at(i) in ".-":
                i += 1
            if self.at(i) not in _SPACES and self.at(i) != ">":
                raise HtmlError(f"Unexpected end of name token at byte offset {self.byte_offset(start)}")
            return self.src[start:i].lower(), i
        i += 1
        value: list[str] = []
        while i < len(self.src) and self.src[i] != quote:
            if self.src[i] == "&":
                decoded, after = decode_entity(self.src, i)
                if decoded is not None:
                    value.append(decoded)
                    i = after
                    continue
            value.append(self.src[i])
            i += 1
        if self.at(i) == quote:
            i += 1
        return "".join(value), i

    def close_tag(self, begin: int) -> int:
        if not self.stack:
            raise HtmlError(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        i = begin + 2
        while self.at(i) not in _SPACES and self.at(i) != ">":
            i += 1
        end_name = self.src[begin + 2 : i].lower()
        while i < len(self.src) and self.at(i) in _SPACES:
            i += 1
        if self.at(i) != ">":
            raise HtmlError(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        opened = self.stack[-1]
        if end_name and end_name != opened.tag:
            raise HtmlError(
                f'Unmatched end tag at byte offset {self.byte_offset(begin)}, expected "</{opened.tag}>", '
                f'found "</{end_name}>"'
            )
        if len(self.out) > opened.start:
            self.emit(opened)
        self.stack.pop()
        return i + 1

    def emit(self, opened: _Open) -> None:
        start, end, tag = opened.start, len(self.out), opened.tag
        last = self.spans[-1] if self.spans else None
        same_range = last is not None and (last.start, last.end) == (start, end)
        if tag in _SIMPLE or tag == "span":
            self.spans.append(Span(_SIMPLE.get(tag, "spoiler"), start, end))
        elif tag == "blockquote":
            kind = "expandable_blockquote" if opened.argument == "expandable" else "blockquote"
            self.spans.append(Span(kind, start, end))
        elif tag == "tg-emoji":
            if not opened.argument.isdigit() or int(opened.argument) == 0:
                raise HtmlError("Invalid custom emoji identifier specified")
            self.spans.append(Span("custom_emoji", start, end, {"custom_emoji_id": opened.argument}))
        elif tag == "a":
            self.emit_link(opened, start, end)
        elif tag == "pre":
            if last is not None and same_range and last.type == "code" and last.extra.get("language"):
                last.type = "pre"
            else:
                self.spans.append(Span("pre", start, end))
        elif tag == "code":
            if last is not None and same_range and last.type == "pre" and opened.argument:
                last.extra["language"] = opened.argument
            else:
                extra = {"language": opened.argument} if opened.argument else {}
                self.spans.append(Span("code", start, end, extra))

    def emit_link(self, opened: _Open, start: int, end: int) -> None:
        url = opened.argument or "".join(self.out[opened.start :])
        user_match = _USER_LINK.match(url)
        if user_match:
            user_id = int(user_match.group(1))
            user = self.users.get(user_id) or {"id": user_id, "is_bot": False, "first_name": ""}
            self.spans.append(Span("text_mention", start, end, {"user": user}))
            return
        checked = check_link(url)
        if checked:
            self.spans.append(Span("text_link", start, end, {"url": checked}))


def _tag_argument(tag: str, name: str, value: str, current: str) -> str:
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    return current


def decode_entity(text: str, pos: int) -> tuple[str | None, int]:
    """One character reference at `pos`: (character, index after it) or (None, pos)."""
    end = pos + 1
    code = 0
    if end < len(text) and text[end] == "#":
        end += 1
        hexadecimal = end < len(text) and text[end] == "x"
        if hexadecimal:
            end += 1
        digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        while end < len(text) and text[end] in digits:
            code = code * (16 if hexadecimal else 10) + int(text[end], 16)
            end += 1
            if code >= 0x10FFFF:
                break
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None, pos
        char = chr(code)
    else:
        while end < len(text) and text[end].isascii() and text[end].isalpha():
            end += 1
        named = _NAMED.get(text[pos + 1 : end])
        if named is None:
            return None, pos
        char = named
    if end < len(text) and text[end] == ";":
        end += 1
    return char, end


_OPEN_TAGS = {
    "bold": "b",
    "italic": "i",
    "underline": "u",
    "strikethrough": "s",
    "spoiler": "tg-spoiler",
    "code": "code",
    "blockquote": "blockquote",
    "expandable_blockquote": "blockquote",
}


def escape(text: str, *, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


def to_html(formatted: FormattedText) -> str:
    """The formatted text as Telegram HTML (detected entities such as URLs need no tags)."""
    spans = [s for s in sort_spans(formatted.spans) if _tags(s)]
    text = formatted.text
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    out: list[str] = []
    stack: list[Span] = []
    for begin, end in itertools.pairwise(cuts):
        active = [s for s in spans if s.start <= begin < s.end]
        keep = 0
        while keep < min(len(stack), len(active)) and stack[keep] is active[keep]:
            keep += 1
        for span in reversed(stack[keep:]):
            out.append(_tags(span)[1])
        for span in active[keep:]:
            out.append(_tags(span)[0])
        stack = active
        out.append(escape(text[begin:end]))
    for span in reversed(stack):
        out.append(_tags(span)[1])
    return "".join(out)


def _tags(span: Span) -> tuple[str, str]:
    if span.type in _OPEN_TAGS:
        name = _OPEN_TAGS[span.type]
        attribute = " expandable" if span.type == "expandable_blockquote" else ""
        return f"<{name}{attribute}>", f"</{name}>"
    if span.type == "pre":
        language = span.extra.get("language")
        if language:
            return f'<pre><code class="language-{escape(str(language), quote=True)}">', "</code></pre>"
        return "<pre>", "</pre>"
    if span.type == "text_link":
        return f'<a href="{escape(str(span.extra["url"]), quote=True)}">', "</a>"
    if span.type == "text_mention":
        return f'<a href="tg://user?id={span.extra["user"]["id"]}">', "</a>"
    if span.type == "custom_emoji":
        return (
            f'<tg-emoji emoji-id="{escape(str(span.extra["custom_emoji_id"]), quote=True)}">',
            "</tg-emoji>",
        )
    return "", ""
