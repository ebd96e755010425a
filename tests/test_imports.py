"""Importing customers from CSV and XLSX files, as managers in both languages, and who may not."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.domain.birthdays import UNKNOWN_YEAR
from handlers.sheets import imports as import_handlers
from sandbox import SandboxServer
from sandbox.documents import XLSX_MIME, bot_documents, csv_bytes, last_document, send_file, table
from sandbox.factories import (
    MANAGER_TG,
    REP_TG,
    SalesTeam,
    count,
    customer,
    fetch,
    person,
    press_forged,
    sales_team,
    tag_names,
)
from sandbox.harness import Harness, Person, running_bot, settings_for
from storage.models import AuditLog, Customer, User


async def _by_name(bot: Harness) -> dict[str, Customer]:
    return {c.name: c for c in await fetch(bot, Customer)}


async def test_gbk_csv_with_chinese_headers_and_bad_rows(bot: Harness) -> None:
    team = await sales_team(bot, manager_locale="zh_Hans")
    await customer(bot, team_id=team.team_id, owner_id=team.other_rep_id, name="王五", phone="+8613900001111")
    manager = await person(bot, MANAGER_TG, chinese=True)
    rows = [
        ["华东区客户名单"],
        ["客户名称", "手机号码", "公司名称", "地址", "生日", "客户等级", "标签", "负责人", "备注"],
        [
            "张三",
            "138 1234 5678",
            "华联超市",
            "上海市南京路1号",
            "1990-05-17",
            "A级",
            "批发、北区",
            "Rita Wang",
            "老客户",
        ],
        ["李四", "12345", "", "", "", "Z", "", "", ""],
        ["王五", "13900001111", "五金店", "", "5月17日", "vip", "", "", ""],
        ["", "13700001111", "", "", "", "", "", "", ""],
        ["赵六", "", "", "", "2099-01-01", "", "", "不认识的人", ""],
        ["张三", "13812345678", "", "", "", "", "", "", ""],
        ["孙七", "", "", "", "", "", "", "", ""],
    ]
    preview = await send_file(manager, csv_bytes(rows, encoding="gbk"), filename="east.csv")
    [message] = [r for r in await manager.replies() if "导入预览" in r.text]
    text = message.text
    assert "导入预览：east.csv" in text
    assert "2位新客户" in text
    assert "1位客户待更新" in text
    assert "4行未导入" in text
    assert "电话号码无效：1" in text
    assert "与前面某行是同一位客户：1" in text
    assert "忽略的列：备注" in text
    assert "1位新客户在文件中没有负责人，将归你所有" in text
    assert message.buttons() == [["确认导入", "取消"]]

    name, data, caption = await last_document(manager)
    assert name == "east-未导入.csv"
    assert "修正" in caption
    rejected = table(name, data)
    assert rejected[0][-2:] == ["行号", "原因"]
    reasons = {row[0] or row[1]: row[-1] for row in rejected[1:]}
    assert reasons["李四"] == "电话号码无效；等级不是 VIP、A、B 或 C"
    assert reasons["13700001111"] == "缺少名称"
    assert reasons["赵六"] == "生日不是可识别的日期；负责人不是你团队的成员"
    assert reasons["张三"] == "与第3行是同一位客户"
    assert preview.message.document is not None  # the rejected rows come last

    done = await manager.press("确认导入")
    assert "east.csv导入完成" in done.text
    saved = await _by_name(bot)
    assert set(saved) == {"张三", "王五", "孙七"}
    zhang = saved["张三"]
    assert (zhang.phone_e164, zhang.company, zhang.address) == (
        "+8613812345678",
        "华联超市",
        "上海市南京路1号",
    )
    assert (zhang.birthday, zhang.tier, zhang.owner_id) == (date(1990, 5, 17), "A", team.rep_id)
    assert (zhang.name_pinyin, zhang.name_initials, zhang.phone_last4) == ("zhangsan", "zs", "5678")
    assert await tag_names(bot, zhang.id) == ["北区", "批发"]
    wang = saved["王五"]
    assert (wang.company, wang.birthday, wang.tier) == ("五金店", date(UNKNOWN_YEAR, 5, 17), "VIP")
    assert wang.owner_id == team.other_rep_id, "an empty owner cell keeps the owner"
    assert saved["孙七"].owner_id == team.manager_id, "new customers without an owner go to the importer"
    [entry] = await fetch(bot, AuditLog, action="customer.import")
    assert entry.details == {"file": "east.csv", "new": 2, "updated": 1, "unchanged": 0, "rejected": 4}
    assert entry.actor_id == team.manager_id


async def test_english_csv_updates_by_phone_and_name(bot: Harness) -> None:
    team = await sales_team(bot)
    acme = await customer(
        bot, team_id=team.team_id, owner_id=team.rep_id, name="Acme", phone="+8613812345678", tags=("old",)
    )
    bolt = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Bolt Ltd", company="Bolt")
    manager = await person(bot, MANAGER_TG)
    rows = [
        ["Customer Name", "Mobile", "Company", "Tier", "Tags", "Owner"],
        ["Acme Trading", "+86 138-1234-5678", "Acme Co", "", "wholesale, north", "@liwei"],
        ["Bolt Ltd", "13911112222", "", "C", "", "li wei"],
        ["Cobalt", "+44 20 7946 0958", "", "", "", ""],
    ]
    await _set_username(bot, team, "liwei")
    await send_file(manager, csv_bytes(rows, bom=True), filename="customers.csv")
    preview = await manager.last_message()
    assert "1 new customer" in preview.text
    assert "2 customers to update" in preview.text
    assert "0 rows rejected" in preview.text
    assert "Updates only change the cells that are filled in" in preview.text
    assert await bot_documents(manager) == [], "no rejected rows, no file"

    confirm_data = preview.message.button_data("Confirm import")
    done = await manager.press("Confirm import")
    assert "Import of customers.csv finished" in done.text
    saved = await _by_name(bot)
    assert saved["Acme Trading"].id == acme
    assert (saved["Acme Trading"].company, saved["Acme Trading"].owner_id) == ("Acme Co", team.other_rep_id)
    assert saved["Acme Trading"].name_pinyin == "acmetrading"
    assert await tag_names(bot, acme) == ["north", "wholesale"]
    assert saved["Bolt Ltd"].id == bolt
    assert (saved["Bolt Ltd"].phone_e164, saved["Bolt Ltd"].phone_last4) == ("+8613911112222", "2222")
    assert (saved["Bolt Ltd"].company, saved["Bolt Ltd"].tier) == ("Bolt", "C")
    assert saved["Bolt Ltd"].owner_id == team.other_rep_id
    assert saved["Cobalt"].phone_e164 == "+442079460958"

    # A second press of the same button (sent before the first was answered) imports nothing.
    again = await press_forged(bot, manager, "Confirm import", confirm_data)
    assert again is not None
    assert again["text"] == "This import has already been applied."
    assert await count(bot, Customer) == 3


async def _set_username(bot: Harness, team: SalesTeam, username: str) -> None:
    async with bot.app.db.begin() as session:
        user = await session.get(User, team.other_rep_id)
        assert user is not None
        user.username = username


async def test_cancel_changes_nothing_and_old_buttons_are_stale(bot: Harness) -> None:
    await sales_team(bot)
    manager = await person(bot, MANAGER_TG)
    await send_file(manager, csv_bytes([["name"], ["First"]]), filename="a.csv")
    await send_file(manager, csv_bytes([["name"], ["Second"]]), filename="b.csv")
    messages = [m for m in await manager.account.bot_messages() if m.buttons()]
    older, newer = messages[-2], messages[-1]
    update_id = await manager.account.press("Confirm import", message_id=older.message_id)
    await manager._settle(update_id)
    answer = await manager.account.callback_answer(update_id)
    assert answer is not None
    assert "no longer current" in str(answer["text"])
    assert await count(bot, Customer) == 0

    cancelled = await manager.press("Cancel")
    assert cancelled.message.message_id == newer.message_id
    assert cancelled.text == "Import cancelled: nothing was changed."
    assert cancelled.buttons() == []
    assert await count(bot, Customer) == 0


async def test_refusals_say_what_to_do(bot: Harness) -> None:
    await sales_team(bot)
    manager = await person(bot, MANAGER_TG)
    reply = await send_file(manager, b"%PDF-1.4 ...", filename="scan.pdf", mime_type="application/pdf")
    assert "I can import customers from .xlsx and .csv files" in reply.text
    reply = await send_file(manager, b"\xd0\xcf\x11\xe0" + b"\0" * 100, filename="old.xls")
    assert "old Excel file (.xls)" in reply.text
    assert "save it as .xlsx" in reply.text
    reply = await send_file(manager, b" \r\n \r\n", filename="empty.csv")
    assert "This file is empty" in reply.text
    reply = await send_file(manager, b"name,phone\r\n", filename="headers.csv")
    assert reply.text == "I found the headers, but no customers under them."
    reply = await send_file(manager, b"name\r\n\x80\x80\xff\xff\r\n", filename="garbled.csv")
    assert "CSV UTF-8" in reply.text
    reply = await send_file(manager, b"PK\x03\x04broken", filename="broken.xlsx", mime_type=XLSX_MIME)
    assert "I couldn't open this file" in reply.text
    reply = await send_file(
        manager, csv_bytes([["Kunde", "Telefon", "Firma"], ["x", "y", "z"]]), filename="de.csv"
    )
    assert "I couldn't find the column with the customers' names" in reply.text
    assert "Columns in your file: Kunde, Telefon, Firma" in reply.text
    assert "Columns I know: Name, Phone, Company, Address, Birthday, Tier, Tags, Owner" in reply.text
    reply = await send_file(manager, csv_bytes([["Phone", "Firma"], ["x", "y"]]), filename="de.csv")
    assert "Columns I recognized: Phone" in reply.text
    reply = await send_file(manager, b"name\r\nBig\r\n", filename="big.csv", file_size=12 * 1024 * 1024)
    assert reply.text == "That file is 12 MB; the limit is 10 MB."
    assert await count(bot, Customer) == 0


async def test_reps_cannot_import(bot: Harness) -> None:
    await sales_team(bot)
    rep = await person(bot, REP_TG)
    reply = await send_file(rep, csv_bytes([["name"], ["Mine"]]), filename="mine.csv")
    assert "Only managers can import customers" in reply.text
    reply = await rep.send("/import")
    assert reply.text == (
        "Imports are for managers: an import adds customers to the whole team. "
        "If you need this, ask your manager."
    )
    answer = await press_forged(bot, rep, "Confirm import", "imp:ok:abc")
    assert answer is not None
    assert answer["text"] == "This button is not available to you."
    reply = await send_file(rep, b"hello", filename="notes.pdf", mime_type="application/pdf")
    assert "I didn't understand that" in reply.text
    assert await count(bot, Customer) == 0


async def test_import_help_sends_a_template_in_the_managers_language(bot: Harness) -> None:
    await sales_team(bot, manager_locale="zh_Hans")
    manager = await person(bot, MANAGER_TG, chinese=True)
    await manager.send("/import")
    assert any("模板" in r.text for r in await manager.replies())
    name, data, _ = await last_document(manager)
    assert name == "FieldCRM导入模板.xlsx"
    assert table(name, data) == [["名称", "电话", "公司", "地址", "生日", "等级", "标签", "负责人"]]


async def test_confirm_after_the_customers_changed_shows_a_fresh_preview(bot: Harness) -> None:
    team = await sales_team(bot)
    manager = await person(bot, MANAGER_TG)
    await send_file(manager, csv_bytes([["name", "phone"], ["Delta", "13812345678"]]), filename="d.csv")
    assert "1 new customer" in (await manager.last_message()).text
    await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Delta", phone="+8613812345678")
    await manager.press("Confirm import")
    texts = [r.text for r in await manager.replies()]
    assert "Your customers changed since the preview" in texts[-1]
    assert "0 new customers" in texts[-2]
    assert "There is nothing to change." in texts[-2]
    assert await count(bot, Customer) == 1


async def test_large_file_edits_one_progress_message(bot: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_handlers, "PROGRESS_EVERY", 0.0)
    await sales_team(bot)
    manager = await person(bot, MANAGER_TG)
    rows = [["name", "phone"]] + [[f"Customer {i}", f"138{i:08d}"] for i in range(12_000)]
    await send_file(manager, csv_bytes(rows), filename="big.csv")
    preview = await manager.last_message()
    assert "12,000 new customers" in preview.text
    edits = [call["params"]["text"] for call in await bot.client.calls("editMessageText")]
    assert "Checking rows: 5,000 of 12,000…" in edits
    assert "Checking rows: 10,000 of 12,000…" in edits
    statuses = {call["params"]["message_id"] for call in await bot.client.calls("editMessageText")}
    assert statuses == {preview.message.message_id}, "one message, edited in place"
    done = await manager.press("Confirm import")
    assert "12,000 new customers" in done.text
    async with bot.app.db() as session:
        names = set(await session.scalars(select(Customer.name)))
    assert len(names) == 12_000


async def test_a_preview_survives_a_restart(sandbox: SandboxServer, database_url: str) -> None:
    """The pending import is a JSON note in the persisted user_data; the file stays with Telegram."""
    settings = settings_for(sandbox, database_url)
    async with running_bot(settings, sandbox) as bot:
        await sales_team(bot)
        manager = await person(bot, MANAGER_TG)
        await send_file(manager, csv_bytes([["name"], ["Echo"]]), filename="e.csv")
        assert "1 new customer" in (await manager.last_message()).text
    async with running_bot(settings, sandbox) as bot:
        manager = Person(bot.app, bot.client, manager.account)
        done = await manager.press("Confirm import")
        assert "Import of e.csv finished" in done.text
        assert [c.name for c in await fetch(bot, Customer)] == ["Echo"]


async def test_files_over_what_a_bot_may_download_are_refused(
    sandbox: SandboxServer, database_url: str
) -> None:
    async with running_bot(settings_for(sandbox, database_url, max_upload_mb=50), sandbox) as bot:
        await sales_team(bot)
        manager = await person(bot, MANAGER_TG)
        reply = await send_file(manager, b"name\r\nBig\r\n", filename="big.csv", file_size=25 * 1024 * 1024)
        assert reply.text.startswith("That file is 25 MB; I can import files of up to 20 MB.")
        assert await count(bot, Customer) == 0
