"""Search keys of names: pinyin, initials, folding."""

from __future__ import annotations

import pytest

from bot.domain.names import clean, full_name, has_cjk, initials, key, pinyin


@pytest.mark.parametrize(
    ("name", "full", "short"),
    [
        ("张三", "zhangsan", "zs"),
        ("欧阳娜娜", "ouyangnana", "oynn"),
        ("吕布", "lvbu", "lb"),
        ("John Smith", "johnsmith", "js"),
        ("李Wei", "liwei", "lw"),
        ("🍎 Apple", "apple", "a"),
        ("ＡＣＭＥ", "acme", "a"),
    ],
)
def test_pinyin_and_initials(name: str, full: str, short: str) -> None:
    assert pinyin(name) == full
    assert initials(name) == short


def test_key_folds_case_width_spacing_and_punctuation() -> None:
    assert key("  Acme  Trading, Ltd. ") == "acmetradingltd"
    assert key("上海 华联") == "上海华联"
    assert key("🍎") == ""


def test_clean_and_cjk() -> None:
    assert clean("  a \n b\t c ") == "a b c"
    assert has_cjk("Li 伟")
    assert not has_cjk("Li Wei")


@pytest.mark.parametrize(
    ("first", "last", "full"),
    [
        ("伟", "李", "李伟"),
        ("娜娜", "欧阳", "欧阳娜娜"),
        ("李伟", None, "李伟"),
        (" 伟 ", " 李", "李伟"),
        ("John", "Smith", "John Smith"),
        ("Wei", "Li", "Wei Li"),
        ("Wei", "李", "Wei 李"),
        ("Rita", None, "Rita"),
        (None, "Chen", "Chen"),
        ("", "", ""),
    ],
)
def test_full_name_in_the_order_of_its_language(first: str | None, last: str | None, full: str) -> None:
    assert full_name(first, last) == full
