"""What an import preview tells a manager, and the rejected-rows file as the manager opens it.

The owner note appears only when some new customer has no owner in the file; the rejected rows come
back with their cells as typed (an @username included, in CSV as in XLSX) under a sheet and column
titles in the manager's language.
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from sandbox.documents import XLSX_MIME, csv_bytes, last_document, send_file
from sandbox.factories import MANAGER_TG, person, sales_team
from sandbox.harness import Harness

HEADER = ["Name", "Phone", "Owner"]
UNOWNED = {
    "en": "2 new customers have no owner in the file and will be yours; you can reassign them later.",
    "zh_Hans": "2位新客户在文件中没有负责人，将归你所有；之后可以再转给别人。",
}
OWNER_NOTE = {"en": "no owner in the file", "zh_Hans": "没有负责人"}


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_the_owner_note_only_when_some_rows_have_no_owner(bot: Harness, locale: str) -> None:
    await sales_team(bot, manager_locale=locale)
    manager = await person(bot, MANAGER_TG, chinese=locale == "zh_Hans")
    owned = [HEADER, ["Acme", "", "Rita Wang"], ["Bolt", "", "Li Wei"]]
    preview = await send_file(manager, csv_bytes(owned), filename="owned.csv")
    assert ("2 new customers" if locale == "en" else "2位新客户") in preview.text
    assert OWNER_NOTE[locale] not in preview.text

    unowned = [HEADER, ["Cobalt", "", ""], ["Delta", "", ""], ["Echo", "", "Rita Wang"]]
    preview = await send_file(manager, csv_bytes(unowned), filename="unowned.csv")
    assert ("3 new customers" if locale == "en" else "3位新客户") in preview.text
    assert UNOWNED[locale] in preview.text.splitlines()


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_rejected_csv_keeps_an_at_name_as_typed(bot: Harness, locale: str) -> None:
    await sales_team(bot, manager_locale=locale)
    manager = await person(bot, MANAGER_TG, chinese=locale == "zh_Hans")
    rows = [HEADER, ["Acme", "", "@nobody_here"], ["Bolt", "", "=HYPERLINK(1)"], ["Cobalt", "", ""]]
    await send_file(manager, csv_bytes(rows), filename="team.csv")

    name, data, _ = await last_document(manager)
    assert name == ("team-rejected.csv" if locale == "en" else "team-未导入.csv")
    written = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert written[0] == [*HEADER, *(["Row", "Reason"] if locale == "en" else ["行号", "原因"])]
    by_name = {row[0]: row for row in written[1:]}
    assert by_name["Acme"][2] == "@nobody_here", "an @username is written exactly as typed"
    assert by_name["Bolt"][2] == "'=HYPERLINK(1)", "a formula is still neutralised"
    reason = by_name["Acme"][-1]
    assert reason == (
        "The owner is not a member of your team" if locale == "en" else "负责人不是你团队的成员"
    )


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_rejected_xlsx_names_its_sheet_in_the_readers_language(bot: Harness, locale: str) -> None:
    await sales_team(bot, manager_locale=locale)
    manager = await person(bot, MANAGER_TG, chinese=locale == "zh_Hans")
    rows = [HEADER, ["Acme", "", "@nobody_here"], ["Bolt", "12345", ""]]
    await send_file(manager, xlsx_bytes(rows), filename="team.xlsx", mime_type=XLSX_MIME)

    name, data, caption = await last_document(manager)
    assert name == ("team-rejected.xlsx" if locale == "en" else "team-未导入.xlsx")
    assert caption.startswith("Rejected rows" if locale == "en" else "未导入的行")
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    assert workbook.sheetnames == (["Rejected rows"] if locale == "en" else ["未导入的行"])
    sheet = workbook.worksheets[0]
    cells = [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == [*HEADER, *(["Row", "Reason"] if locale == "en" else ["行号", "原因"])]
    assert cells[1][:4] == ["Acme", "", "@nobody_here", 2]
    assert cells[2][:4] == ["Bolt", "12345", "", 3]
    assert cells[2][4] == ("The phone number is not valid" if locale == "en" else "电话号码无效")
