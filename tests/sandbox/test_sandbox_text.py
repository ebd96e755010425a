"""Parse modes and Telegram's text normalisation, without a server."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.errors import ApiError
from sandbox.html import parse_html, to_html
from sandbox.markdown import parse_markdown, parse_markdown_v2
from sandbox.normalize import normalize
from sandbox.text import FormattedText, from_entities, utf16_len


def html(source: str) -> tuple[str, list[dict[str, Any]]]:
    formatted = normalize(parse_html(source))
    return formatted.text, formatted.to_entities()


def html_error(source: str) -> str:
    with pytest.raises(ApiError) as caught:
        parse_html(source)
    assert caught.value.status == 400
    return caught.value.description.removeprefix("Bad Request: can't parse entities: ")


def test_nested_tags_and_utf16_offsets() -> None:
    assert html("📈 <b>up <i>12%</i></b>") == (
        "📈 up 12%",
        [
            {"offset": 3, "length": 6, "type": "bold"},
            {"offset": 6, "length": 3, "type": "italic"},
        ],
    )


def test_character_references() -> None:
    assert html("&lt;b&gt; &amp; &quot;x&quot; &#128512; &#x41; &nbsp; &copy;")[0] == (
        '<b> & "x" 😀 A &nbsp; &copy;'
    )


def test_tag_names_ignore_case_and_attributes_may_use_single_quotes() -> None:
    assert html("<B>x</B> <A href='https://example.com/p?q=1&amp;r=2'>y</A>") == (
        "x y",
        [
            {"offset": 0, "length": 1, "type": "bold"},
            {"offset": 2, "length": 1, "type": "text_link", "url": "https://example.com/p?q=1&r=2"},
        ],
    )


def test_links_without_href_use_their_text_and_user_links_mention() -> None:
    assert html("<a>example.com</a>")[1] == [
        {"offset": 0, "length": 11, "type": "text_link", "url": "http://example.com/"}
    ]
    assert html('<a href="tg://user?id=42">Ann</a>')[1][0]["type"] == "text_mention"
    assert html('<a href="notaurl">x</a>')[1] == []


def test_block_quotes_spoilers_and_custom_emoji() -> None:
    source = (
        "<blockquote expandable>q</blockquote><tg-spoiler>s</tg-spoiler>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    assert html(source)[1] == [
        {"offset": 0, "length": 1, "type": "expandable_blockquote"},
        {"offset": 1, "length": 1, "type": "spoiler"},
        {"offset": 2, "length": 2, "type": "custom_emoji", "custom_emoji_id": "5368324170671202286"},
    ]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("😀 <br>", 'Unsupported start tag "br" at byte offset 5'),
        ("<b>x</b><i>", 'Can\'t find end tag corresponding to start tag "i"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ('<a href="x" =y>z</a>', 'Empty attribute name in the tag "a" at byte offset 0'),
        (
            "<a href>z</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<b class=x/y>z</b>", "Unexpected end of name token at byte offset 9"),
        ("<tg-emoji>x</tg-emoji>", "Invalid custom emoji identifier specified"),
    ],
)
def test_html_errors_match_telegram(source: str, message: str) -> None:
    assert html_error(source) == message


def test_html_rendering_round_trips() -> None:
    source = (
        '<b>A <i>b</i></b> &lt;c&gt; <a href="https://x.org/">d</a> '
        '<pre><code class="language-sql">e</code></pre>'
    )
    formatted = normalize(parse_html(source))

    assert to_html(formatted) == source
    assert normalize(parse_html(to_html(formatted))) == formatted


def test_markdown_v2() -> None:
    formatted = normalize(parse_markdown_v2(r"*b* _i_ __u__ ~s~ ||p|| `c` [l](https://x.org) 1\.5\!"))

    assert formatted.text == "b i u s p c l 1.5!"
    assert [e["type"] for e in formatted.to_entities()] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "code",
        "text_link",
    ]


def test_markdown_v2_pre_and_block_quote() -> None:
    formatted = normalize(parse_markdown_v2("```python\nx = 1\n```\n>quoted\n>lines"))

    assert formatted.text == "x = 1\n\nquoted\nlines"
    assert formatted.to_entities() == [
        {"offset": 0, "length": 6, "type": "pre", "language": "python"},
        {"offset": 7, "length": 12, "type": "blockquote"},
    ]


def test_markdown_v2_expandable_quote_ends_with_bars() -> None:
    formatted = normalize(parse_markdown_v2("**>first\n>second||\nafter"))

    assert formatted.text == "first\nsecond\nafter"
    assert formatted.to_entities() == [{"offset": 0, "length": 12, "type": "expandable_blockquote"}]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("1.5", "Character '.' is reserved and must be escaped with the preceding '\\'"),
        ("*bold", "Can't find end of Bold entity at byte offset 0"),
        ("[l](https://x.org", "Can't find end of a URL at byte offset 4"),
    ],
)
def test_markdown_v2_errors(source: str, message: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_markdown_v2(source)
    assert caught.value.description == f"Bad Request: can't parse entities: {message}"


def test_legacy_markdown() -> None:
    formatted = normalize(parse_markdown("*b* _i_ `c` [l](https://x.org) 1.5"))

    assert formatted.text == "b i c l 1.5"
    with pytest.raises(ApiError, match="Can't find end of the entity starting at byte offset 0"):
        parse_markdown("*b")


def test_normalisation_cleans_trims_and_drops_whitespace_entities() -> None:
    formatted = normalize(parse_html("\n <b> </b>a\tb\r\n<i> c</i>  "))

    assert formatted.text == "a b\n c"
    assert formatted.to_entities() == [{"offset": 5, "length": 1, "type": "italic"}]


def test_detected_entities() -> None:
    formatted = normalize(
        FormattedText("Mail ann@example.com, see crm.example.com/x #vip @ann_li /help@FieldCrmBot")
    )

    assert [(e["type"], e["offset"], e["length"]) for e in formatted.to_entities()] == [
        ("email", 5, 15),
        ("url", 26, 17),
        ("hashtag", 44, 4),
        ("mention", 49, 7),
        ("bot_command", 57, 17),
    ]


def test_explicit_entities_use_utf16_offsets() -> None:
    formatted = from_entities("😀 hi", [{"type": "bold", "offset": 3, "length": 2}])

    assert formatted.spans[0].start == 2
    assert utf16_len("😀 hi") == 5
    with pytest.raises(ApiError, match="ends after the end of the text"):
        from_entities("hi", [{"type": "bold", "offset": 1, "length": 5}])


def test_empty_text_is_refused() -> None:
    with pytest.raises(ApiError, match="message text is empty"):
        normalize(parse_html("<b> </b>\n"))
    assert normalize(FormattedText(" "), allow_empty=True).text == ""
