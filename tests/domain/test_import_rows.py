"""Header mapping, row checks and owner names for imports, on plain data."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.birthdays import UNKNOWN_YEAR
from bot.domain.import_owners import Member, Roster
from bot.domain.import_rows import (
    Column,
    HeaderProblem,
    Headers,
    ImportRow,
    Problem,
    Rejected,
    check_row,
    check_rows,
    data_lines,
    find_headers,
    header_key,
)
from bot.domain.spreadsheets import Cell, Line

TODAY = date(2026, 11, 24)
ROSTER = Roster(
    [
        Member(1, "Rita", "Wang", username="rita_w"),
        Member(2, "Li", "Wei"),
        Member(3, "伟", "李"),
        Member(4, "Li", "Na"),
        Member(5, "Old", "Timer", active=False),
    ]
)
ALL = ("name", "phone", "company", "address", "birthday", "tier", "tags", "owner")


def _headers(*names: str) -> Headers:
    found = find_headers([Line(1, names)])
    assert isinstance(found, Headers)
    return found


def _check(**cells: Cell) -> ImportRow | Rejected:
    headers = _headers(*ALL)
    row = tuple(cells.get(name, "") for name in ALL)
    return check_row(Line(2, row), headers, region="CN", today=TODAY, roster=ROSTER)


def test_header_keys_fold_case_width_marks_and_notes() -> None:
    assert header_key("客户名称（必填）") == "客户名称"
    assert header_key(" Phone Number* ") == "phonenumber"
    assert header_key("ＮＡＭＥ") == "name"


def test_chinese_and_english_headers_below_a_title_row() -> None:
    lines = [
        Line(1, ("华东区客户名单",)),
        Line(
            2,
            (
                "客户名称",
                "手机号码",
                "单位",
                "详细地址",
                "出生日期",
                "客户等级",
                "客户标签",
                "业务员",
                "备注",
            ),
        ),
        Line(3, ("张三",)),
    ]
    found = find_headers(lines)
    assert isinstance(found, Headers)
    assert found.row == 2
    assert list(found.columns) == list(Column)
    assert found.ignored == ("备注",)
    assert data_lines(lines, found) == [Line(3, ("张三",))]


def test_aliases_and_known_extra_columns() -> None:
    found = find_headers(
        [Line(1, ("Kundenname", "Gesundheit", "Telefon", "Telefon"))],
        aliases={Column.NAME: ["Kundenname"], Column.PHONE: ["Telefon"]},
        known_extra=["Gesundheit"],
    )
    assert isinstance(found, Headers)
    assert found.columns == {Column.NAME: 0, Column.PHONE: 2}
    assert found.ignored == ("Telefon",), "a second column of the same kind is not read"


def test_no_name_column_reports_what_was_found() -> None:
    found = find_headers([Line(1, ("Telefon", "phone", "公司"))])
    assert found == HeaderProblem(
        found=("Telefon", "phone", "公司"), recognized=(Column.PHONE, Column.COMPANY)
    )


def test_a_full_row() -> None:
    row = _check(
        name="  张三 ",
        phone="138 1234 5678",
        company="华联超市",
        address="上海",
        birthday="5月17日",
        tier="a级",
        tags="#批发、北区, 批发",
        owner="@rita_w",
    )
    assert row == ImportRow(
        line=2,
        name="张三",
        phone="+8613812345678",
        company="华联超市",
        address="上海",
        birthday=date(UNKNOWN_YEAR, 5, 17),
        tier="A",
        tags=("北区", "批发"),
        owners=frozenset({1}),
    )


def test_empty_cells_mean_not_given() -> None:
    assert _check(name="A") == ImportRow(line=2, name="A")


@pytest.mark.parametrize(
    ("cells", "problems"),
    [
        ({"phone": "13812345678"}, (Problem.NAME_MISSING,)),
        ({"name": "x" * 201}, (Problem.NAME_TOO_LONG,)),
        ({"name": "!!!"}, (Problem.NAME_NO_LETTERS,)),
        ({"name": "A", "phone": "12345"}, (Problem.PHONE_INVALID,)),
        ({"name": "A", "phone": "07911 123456"}, (Problem.PHONE_NEEDS_COUNTRY,)),
        ({"name": "A", "company": "c" * 201}, (Problem.COMPANY_TOO_LONG,)),
        ({"name": "A", "address": "a" * 501}, (Problem.ADDRESS_TOO_LONG,)),
        ({"name": "A", "birthday": "2099-01-01"}, (Problem.BIRTHDAY_INVALID,)),
        ({"name": "A", "birthday": date(2099, 1, 1)}, (Problem.BIRTHDAY_INVALID,)),
        ({"name": "A", "birthday": "someday"}, (Problem.BIRTHDAY_INVALID,)),
        ({"name": "A", "tier": "Z"}, (Problem.TIER_INVALID,)),
        ({"name": "A", "tags": ",".join(f"t{i}" for i in range(11))}, (Problem.TAGS_TOO_MANY,)),
        ({"name": "A", "owner": "Nobody"}, (Problem.OWNER_UNKNOWN,)),
        ({"phone": "1", "tier": "Q"}, (Problem.NAME_MISSING, Problem.PHONE_INVALID, Problem.TIER_INVALID)),
    ],
)
def test_every_problem_of_a_row_is_reported(cells: dict[str, Cell], problems: tuple[Problem, ...]) -> None:
    result = _check(**cells)
    assert isinstance(result, Rejected)
    assert result.problems == problems


@pytest.mark.parametrize(
    ("written", "tier"), [("vip", "VIP"), ("ＶＩＰ", "VIP"), ("VIP客户", "VIP"), ("B类", "B"), ("c", "C")]
)
def test_tiers_as_offices_write_them(written: str, tier: str) -> None:
    row = _check(name="A", tier=written)
    assert isinstance(row, ImportRow)
    assert row.tier == tier


def test_a_workbook_date_is_a_birthday() -> None:
    row = _check(name="A", birthday=date(1990, 5, 17))
    assert isinstance(row, ImportRow)
    assert row.birthday == date(1990, 5, 17)


@pytest.mark.parametrize(
    ("written", "ids"),
    [
        ("@RITA_W", {1}),
        ("rita_w", {1}),
        ("Rita Wang", {1}),
        ("wang rita", {1}),
        ("Rita", {1}),
        ("Li Wei", {2}),
        ("李伟", {3}),
        ("李 伟", {3}),
        ("Li", {2, 4}),
        ("Old Timer", {5}),
        ("Mona", set()),
    ],
)
def test_owner_names(written: str, ids: set[int]) -> None:
    assert ROSTER.candidates(written) == frozenset(ids)


def test_check_rows_splits_good_from_rejected() -> None:
    headers = _headers("name", "phone")
    checked = check_rows(
        [Line(2, ("A", "")), Line(3, ("", "1")), Line(4, ("B",))],
        headers,
        region="CN",
        today=TODAY,
        roster=ROSTER,
    )
    assert [row.name for row in checked.rows] == ["A", "B"]
    assert [row.line for row in checked.rejected] == [3]
