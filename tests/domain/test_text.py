"""Clipping text, and lists joined the way the reader's language joins them."""

from __future__ import annotations

import pytest

from bot.domain.text import clip, join_list


@pytest.mark.parametrize(
    ("locale", "plain", "with_and"),
    [
        ("en", "茶叶, b2b, VIP", "茶叶, b2b, and VIP"),
        ("zh_Hans", "茶叶、b2b、VIP", "茶叶、b2b和VIP"),
    ],
)
def test_join_list_in_the_readers_language(locale: str, plain: str, with_and: str) -> None:
    items = ["茶叶", "b2b", "VIP"]
    assert join_list(items, locale) == plain
    assert join_list(iter(items), locale, conjunction=True) == with_and


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_join_list_of_one_or_none(locale: str) -> None:
    assert join_list([], locale) == ""
    assert join_list(["李伟"], locale) == "李伟"
    assert join_list(["李伟"], locale, conjunction=True) == "李伟"


def test_clip_keeps_the_limit() -> None:
    assert clip("Acme Trading", 5) == "Acme…"
    assert clip("Acme", 5) == "Acme"
