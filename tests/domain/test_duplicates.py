"""Scoring possible duplicates (撞单) and typo-tolerant search, on plain keys."""

from __future__ import annotations

from bot.domain.duplicates import Keys, MatchReason, best_matches, match, search_similarity
from bot.domain.names import key, pinyin


def keys(name: str, company: str | None = None, phone: str | None = None) -> Keys:
    return Keys(
        name_key=key(name), pinyin=pinyin(name), company_key=key(company) if company else None, e164=phone
    )


def test_same_phone_is_a_duplicate_whatever_the_name() -> None:
    found = match(keys("A", phone="+8613812345678"), keys("B", phone="+8613812345678"))
    assert found is not None
    assert found.reason is MatchReason.PHONE


def test_homophone_chinese_names_match_by_pinyin() -> None:
    found = match(keys("章三丰"), keys("张三丰"))
    assert found is not None
    assert found.reason is MatchReason.NAME


def test_latin_name_case_and_spacing() -> None:
    assert match(keys("john  smith"), keys("John Smith")) is not None


def test_same_name_at_clearly_different_companies_is_not_a_duplicate() -> None:
    assert match(keys("张伟", "华联超市"), keys("张伟", "北京建材")) is None


def test_same_company_is_a_duplicate() -> None:
    found = match(keys("王经理", "上海华联超市有限公司"), keys("王总", "上海华联超市有限公司"))
    assert found is not None
    assert found.reason is MatchReason.COMPANY


def test_different_people_do_not_match() -> None:
    assert match(keys("李四"), keys("张三")) is None
    assert match(keys("Mary Brown"), keys("John Smith")) is None


def test_best_matches_orders_by_score() -> None:
    new = keys("张三", phone="+8613800000000")
    ranked = best_matches(
        new, [(1, keys("张山")), (2, keys("李四", phone="+8613800000000")), (3, keys("王五"))]
    )
    assert [cid for cid, _ in ranked] == [2, 1]


def test_search_similarity_tolerates_typos() -> None:
    assert search_similarity("acmetradng", keys("John", "Acme Trading")) >= 75
    assert search_similarity("zhangsna", keys("张三")) >= 75
    assert search_similarity("qqqxyz", keys("张三", "Acme")) < 75
