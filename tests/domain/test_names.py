"""Search keys of names: pinyin, initials, folding."""

from __future__ import annotations

import pytest

from bot.domain.names import clean, has_cjk, initials, key, pinyin


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
