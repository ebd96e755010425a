"""Reading customer rows out of a spreadsheet: which column is which, and whether each row holds a
customer we can store. Headers come in Chinese or English, as offices name them; an empty cell
means "not given" (a new customer gets the default, an existing one keeps what it has).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.domain import birthdays, phones
from bot.domain.birthdays import OLDEST_YEAR
from bot.domain.customer_fields import (
    MAX_ADDRESS,
    MAX_COMPANY,
    TextProblem,
    check_name,
    check_text,
    check_tier,
    parse_tags,
)
from bot.domain.import_owners import Roster
from bot.domain.names import key
from bot.domain.spreadsheets import Cell, Line
from bot.i18n import N_

# The header row is looked for among the first rows: offices like a title line above it.
HEADER_SEARCH = 10


class Column(StrEnum):
    NAME = "name"
    PHONE = "phone"
    COMPANY = "company"
    ADDRESS = "address"
    BIRTHDAY = "birthday"
    TIER = "tier"
    TAGS = "tags"
    OWNER = "owner"


COLUMN_LABELS: dict[Column, str] = {
    Column.NAME: N_("Name"),
    Column.PHONE: N_("Phone"),
    Column.COMPANY: N_("Company"),
    Column.ADDRESS: N_("Address"),
    Column.BIRTHDAY: N_("Birthday"),
    Column.TIER: N_("Tier"),
    Column.TAGS: N_("Tags"),
    Column.OWNER: N_("Owner"),
}
"""Untranslated header labels, in the order exports and the template write them."""

SYNONYMS: dict[Column, tuple[str, ...]] = {
    Column.NAME: (
        "name",
        "customer",
        "customername",
        "client",
        "clientname",
        "fullname",
        "客户",
        "客户名称",
        "客户名",
        "客户姓名",
        "姓名",
        "名称",
        "名字",
    ),
    Column.PHONE: (
        "phone",
        "phonenumber",
        "phoneno",
        "mobile",
        "mobilephone",
        "mobilenumber",
        "cell",
        "cellphone",
        "tel",
        "telephone",
        "电话",
        "手机",
        "手机号",
        "手机号码",
        "电话号码",
        "联系电话",
        "联系方式",
        "移动电话",
    ),
    Column.COMPANY: (
        "company",
        "companyname",
        "organization",
        "organisation",
        "business",
        "公司",
        "公司名称",
        "单位",
        "单位名称",
        "企业",
        "企业名称",
        "工作单位",
    ),
    Column.ADDRESS: ("address", "addr", "streetaddress", "地址", "详细地址", "联系地址", "公司地址"),
    Column.BIRTHDAY: ("birthday", "birthdate", "dateofbirth", "dob", "生日", "出生日期", "出生年月日"),
    Column.TIER: ("tier", "level", "grade", "customertier", "等级", "客户等级", "级别", "客户级别", "分级"),
    Column.TAGS: ("tags", "tag", "labels", "label", "标签", "客户标签"),
    Column.OWNER: (
        "owner",
        "rep",
        "salesrep",
        "salesperson",
        "accountmanager",
        "assignedto",
        "负责人",
        "业务员",
        "销售",
        "销售员",
        "跟进人",
        "归属人",
        "客户经理",
        "所属销售",
    ),
}

_BRACKETED = re.compile(r"[(（\[【].*?[)）\]】]")


def header_key(text: str) -> str:
    """A header as compared: "客户名称（必填）" → "客户名称", "Phone Number*" → "phonenumber"."""
    return key(_BRACKETED.sub("", unicodedata.normalize("NFKC", text)))


class Problem(StrEnum):
    """Why a row is rejected; a row can have several."""

    NAME_MISSING = "name_missing"
    NAME_TOO_LONG = "name_too_long"
    NAME_NO_LETTERS = "name_no_letters"
    PHONE_INVALID = "phone_invalid"
    PHONE_NEEDS_COUNTRY = "phone_needs_country"
    COMPANY_TOO_LONG = "company_too_long"
    ADDRESS_TOO_LONG = "address_too_long"
    BIRTHDAY_INVALID = "birthday_invalid"
    TIER_INVALID = "tier_invalid"
    TAGS_TOO_MANY = "tags_too_many"
    OWNER_UNKNOWN = "owner_unknown"
    OWNER_AMBIGUOUS = "owner_ambiguous"
    OWNER_INACTIVE = "owner_inactive"
    NAME_AMBIGUOUS = "name_ambiguous"
    DUPLICATE_IN_FILE = "duplicate_in_file"


@dataclass(frozen=True, slots=True)
class Headers:
    """Where each known column is, which header row it came from, and the headers left unused."""

    row: int
    columns: dict[Column, int]
    ignored: tuple[str, ...]
    width: int


@dataclass(frozen=True, slots=True)
class HeaderProblem:
    """No customer name column: what we found, so the user can compare with what we expect."""

    found: tuple[str, ...]
    recognized: tuple[Column, ...]


@dataclass(frozen=True, slots=True)
class ImportRow:
    """A valid row; None means the cell was empty (keep, or default for a new customer)."""

    line: int
    name: str
    phone: str | None = None
    company: str | None = None
    address: str | None = None
    birthday: date | None = None
    tier: str | None = None
    tags: tuple[str, ...] | None = None
    owners: frozenset[int] | None = None
    """Team members the owner cell may mean (several if their names are alike)."""
    cells: tuple[Cell, ...] = field(default=(), compare=False, repr=False)
    """The row as read, for the file of rejected rows should matching refuse it."""


@dataclass(frozen=True, slots=True)
class Rejected:
    """A row we will not store, its cells as read, and why; `earlier` is the row it repeats."""

    line: int
    cells: tuple[Cell, ...]
    problems: tuple[Problem, ...]
    earlier: int | None = None


@dataclass(slots=True)
class Checked:
    rows: list[ImportRow] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def find_headers(
    lines: Sequence[Line],
    *,
    aliases: Mapping[Column, Iterable[str]] = {},
    known_extra: Iterable[str] = (),
) -> Headers | HeaderProblem:
    """The header row: the first of the top rows naming a customer-name column.

    `aliases` add the app's own translated labels (so an export always reads back); headers in
    `known_extra` (columns an export adds, such as health) are skipped without being reported.
    """
    lookup = {header_key(name): column for column, names in SYNONYMS.items() for name in names}
    for column, names in aliases.items():
        lookup.update((header_key(name), column) for name in names)
    extra = {header_key(name) for name in known_extra}
    for line in lines[:HEADER_SEARCH]:
        columns: dict[Column, int] = {}
        ignored: list[str] = []
        for index, cell in enumerate(line.cells):
            text = str(cell).strip()
            known = lookup.get(header_key(text))
            if known is not None and known not in columns:
                columns[known] = index
            elif text and header_key(text) not in extra:
                ignored.append(text)
        if Column.NAME in columns:
            return Headers(line.number, columns, tuple(ignored), len(line.cells))
    first = lines[0].cells if lines else ()
    found = tuple(str(cell).strip() for cell in first if str(cell).strip())
    recognized = tuple(c for c in Column if any(lookup.get(header_key(f)) is c for f in found))
    return HeaderProblem(found=found, recognized=recognized)


def data_lines(lines: Sequence[Line], headers: Headers) -> list[Line]:
    return [line for line in lines if line.number > headers.row]


def _text(cells: tuple[Cell, ...], headers: Headers, column: Column) -> str:
    index = headers.columns.get(column)
    if index is None or index >= len(cells):
        return ""
    value = cells[index]
    return value.isoformat() if isinstance(value, date) else value


def _birthday(cells: tuple[Cell, ...], headers: Headers, today: date) -> date | Problem | None:
    index = headers.columns.get(Column.BIRTHDAY)
    value = cells[index] if index is not None and index < len(cells) else ""
    if isinstance(value, date):
        return value if value.year >= OLDEST_YEAR and value <= today else Problem.BIRTHDAY_INVALID
    if not value:
        return None
    parsed = birthdays.parse(value, today=today)
    return Problem.BIRTHDAY_INVALID if parsed is None else parsed.as_date()


def _tier(text: str) -> str | None:
    """VIP, A, B, C, also as offices write them: "A级", "vip客户"."""
    return check_tier(re.sub(r"(级|級|类|類|客户|customer)$", "", text.strip(), flags=re.IGNORECASE))


_NAME_PROBLEMS = {
    TextProblem.EMPTY: Problem.NAME_MISSING,
    TextProblem.TOO_LONG: Problem.NAME_TOO_LONG,
    TextProblem.NO_LETTERS: Problem.NAME_NO_LETTERS,
}


def check_row(
    line: Line, headers: Headers, *, region: str, today: date, roster: Roster
) -> ImportRow | Rejected:
    """One data row, every cell checked; all its problems are reported at once."""
    cells = line.cells
    problems: list[Problem] = []
    name, name_problem = check_name(_text(cells, headers, Column.NAME))
    if name_problem is not None:
        problems.append(_NAME_PROBLEMS[name_problem])

    phone: str | None = None
    if raw_phone := _text(cells, headers, Column.PHONE):
        parsed = phones.parse(raw_phone, region=region)
        if parsed.e164 is not None:
            phone = parsed.e164
        elif parsed.problem is phones.PhoneProblem.NEEDS_COUNTRY_CODE:
            problems.append(Problem.PHONE_NEEDS_COUNTRY)
        else:
            problems.append(Problem.PHONE_INVALID)

    texts: dict[Column, str | None] = {}
    for column, limit, too_long in (
        (Column.COMPANY, MAX_COMPANY, Problem.COMPANY_TOO_LONG),
        (Column.ADDRESS, MAX_ADDRESS, Problem.ADDRESS_TOO_LONG),
    ):
        value, text_problem = check_text(_text(cells, headers, column), limit=limit)
        texts[column] = value or None
        if text_problem is TextProblem.TOO_LONG:
            problems.append(too_long)

    birthday = _birthday(cells, headers, today)
    if isinstance(birthday, Problem):
        problems.append(birthday)
        birthday = None

    tier: str | None = None
    if raw_tier := _text(cells, headers, Column.TIER):
        tier = _tier(raw_tier)
        if tier is None:
            problems.append(Problem.TIER_INVALID)

    tags: tuple[str, ...] | None = None
    if raw_tags := _text(cells, headers, Column.TAGS):
        names, trimmed = parse_tags(raw_tags)
        tags = tuple(sorted(names))
        if trimmed:
            problems.append(Problem.TAGS_TOO_MANY)

    owners: frozenset[int] | None = None
    if raw_owner := _text(cells, headers, Column.OWNER):
        owners = roster.candidates(raw_owner)
        if not owners:
            problems.append(Problem.OWNER_UNKNOWN)

    if problems:
        return Rejected(line.number, cells, tuple(problems))
    return ImportRow(
        line=line.number,
        name=name,
        phone=phone,
        company=texts[Column.COMPANY],
        address=texts[Column.ADDRESS],
        birthday=birthday,
        tier=tier,
        tags=tags,
        owners=owners,
        cells=cells,
    )


def check_rows(
    lines: Iterable[Line], headers: Headers, *, region: str, today: date, roster: Roster
) -> Checked:
    checked = Checked()
    for line in lines:
        result = check_row(line, headers, region=region, today=today, roster=roster)
        if isinstance(result, Rejected):
            checked.rejected.append(result)
        else:
            checked.rows.append(result)
    return checked
