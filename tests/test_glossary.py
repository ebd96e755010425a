"""The Chinese catalogue keeps to locales/GLOSSARY.md: one word per core term, no space between a
Chinese character and a placeholder, full-width punctuation after Chinese text.

The glossary table is the single source of the banned variants; this file only reads it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR

GLOSSARY = LOCALES_DIR / "GLOSSARY.md"
ZH_CATALOGUE = LOCALES_DIR / "zh_Hans" / "LC_MESSAGES" / "messages.po"

# Han ideographs and CJK punctuation (、。「」…), plus the full-width forms (，：；？！（）).
CJK = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"
PLACEHOLDER = r"\{[^{}]*\}"
SPACE_BEFORE_PLACEHOLDER = re.compile(rf"{CJK} +{PLACEHOLDER}")
SPACE_AFTER_PLACEHOLDER = re.compile(rf"{PLACEHOLDER} +{CJK}")
ASCII_PUNCTUATION_AFTER_CJK = re.compile(rf"{CJK}[,:;?!()]")
BACKTICKED = re.compile(r"`([^`]+)`")


@dataclass(frozen=True)
class Glossary:
    terms: frozenset[str]
    banned: dict[str, str]  # variant -> the English term it stands for


def read_glossary(text: str) -> Glossary:
    """The table rows: | English | 中文 | banned | note |, terms and variants in backticks."""
    terms: set[str] = set()
    banned: dict[str, str] = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.lstrip().startswith("|") or len(cells) < 3 or set(cells[0]) <= {"-", " "}:
            continue
        english, chinese, variants = cells[0], cells[1], cells[2]
        terms.update(BACKTICKED.findall(chinese))
        for variant in BACKTICKED.findall(variants):
            banned[variant] = english
    return Glossary(terms=frozenset(terms), banned=banned)


def banned_in(text: str, glossary: Glossary) -> list[str]:
    """The banned variants in `text`, except where one is part of a glossary term (简报 in 交接简报)."""
    allowed_spans = [
        (match.start(), match.end())
        for term in glossary.terms
        for match in re.finditer(re.escape(term), text)
    ]
    found = []
    for variant in glossary.banned:
        for match in re.finditer(re.escape(variant), text):
            inside_a_term = any(start <= match.start() and match.end() <= end for start, end in allowed_spans)
            if not inside_a_term:
                found.append(variant)
                break
    return found


def spacing_problems(text: str) -> list[str]:
    matches = [*SPACE_BEFORE_PLACEHOLDER.finditer(text), *SPACE_AFTER_PLACEHOLDER.finditer(text)]
    return [match.group() for match in sorted(matches, key=lambda match: match.start())]


def punctuation_problems(text: str) -> list[str]:
    return [match.group() for match in ASCII_PUNCTUATION_AFTER_CJK.finditer(text)]


def zh_entries() -> list[tuple[str, str]]:
    """(msgid, msgstr) for every translated zh_Hans entry, one pair per plural form."""
    with ZH_CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="zh_Hans")
    pairs = []
    for message in catalogue:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        pairs += [(msgid, str(string)) for string in strings if string]
    return pairs


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return read_glossary(GLOSSARY.read_text(encoding="utf-8"))


def test_the_glossary_table_is_read(glossary: Glossary) -> None:
    assert {"经理", "日报", "交接简报", "预警", "未解决", "健康度", "专属销售"} <= glossary.terms
    assert glossary.banned["主管"] == "manager"
    assert glossary.banned["健康分"] == "health"
    assert "销售代表" not in glossary.banned  # the staff role stays


def test_the_checks_catch_what_they_should(glossary: Glossary) -> None:
    assert banned_in("请找你的主管。", glossary) == ["主管"]
    assert banned_in("📊 每日日报 · 华东", glossary) == ["每日日报"]
    assert banned_in("每位接手人会收到一份交接简报。", glossary) == []
    assert banned_in("团队简报：今日数据", glossary) == ["简报"]
    assert spacing_problems("已签到，距离 {customer} {distance}。") == ["离 {customer}"]
    assert spacing_problems("{date} 的 NPS 为 {score}。") == ["{date} 的", "为 {score}"]
    assert spacing_problems("关于 {ticket} 的内容") == ["于 {ticket}", "{ticket} 的"]
    assert spacing_problems("{customer} · {when}") == []
    assert spacing_problems("发送 /new 可重新开始") == []
    assert punctuation_problems("例如:#批发, 北区(可选)") == ["如:", "发,", "区(", "选)"]
    assert punctuation_problems("明天 15:00 (UTC+8)") == []


def test_no_banned_variant_in_the_chinese_catalogue(glossary: Glossary) -> None:
    problems = [
        f"{msgid!r}: {variant!r} is banned for {glossary.banned[variant]!r} in locales/GLOSSARY.md"
        for msgid, msgstr in zh_entries()
        for variant in banned_in(msgstr, glossary)
    ]
    assert not problems, f"{len(problems)} banned variants in the catalogue:\n" + "\n".join(problems)


def test_no_space_between_chinese_and_a_placeholder() -> None:
    problems = [
        f"{msgid!r}: {' / '.join(map(repr, found))}"
        for msgid, msgstr in zh_entries()
        if (found := spacing_problems(msgstr))
    ]
    assert not problems, f"{len(problems)} entries pad a placeholder with spaces:\n" + "\n".join(problems)


def test_full_width_punctuation_after_chinese() -> None:
    problems = [
        f"{msgid!r}: {' / '.join(map(repr, found))}"
        for msgid, msgstr in zh_entries()
        if (found := punctuation_problems(msgstr))
    ]
    assert not problems, f"{len(problems)} entries use ASCII punctuation after Chinese:\n" + "\n".join(
        problems
    )
