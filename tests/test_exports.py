"""/export as managers in both languages, the XLSX/CSV round trip through the import, and refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from bot.domain.birthdays import UNKNOWN_YEAR
from bot.services import exports
from bot.services.errors import NotAllowed
from bot.services.exports import ExportKind, FileFormat
from sandbox.documents import XLSX_MIME, bot_documents, last_document, send_file, table
from sandbox.factories import (
    MANAGER_TG,
    REP_TG,
    SalesTeam,
    count,
    customer,
    fetch,
    person,
    press_forged,
    rep_viewer,
    sales_team,
)
from sandbox.harness import Harness, Person
from storage.db import utcnow
from storage.models import AuditLog, Base, Customer, Feedback, Order, Team, Ticket, Visit, customer_tags

CUSTOMER_HEADERS = [
    "Name",
    "Phone",
    "Company",
    "Address",
    "Birthday",
    "Tier",
    "Tags",
    "Owner",
    "Stage",
    "Health",
    "Last visit",
    "Last order",
    "Added",
]
AT = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 15:00 in Shanghai


async def _add(bot: Harness, *rows: Base) -> None:
    async with bot.app.db.begin() as session:
        session.add_all(rows)


async def _other_team_customer(bot: Harness, owner_id: int) -> int:
    async with bot.app.db.begin() as session:
        other = Team(name="West", created_at=utcnow())
        session.add(other)
        await session.flush()
        other_id = other.id
    return await customer(bot, team_id=other_id, owner_id=owner_id, name="Foreign Ltd")


async def _seed_customers(bot: Harness, team: SalesTeam) -> dict[str, int]:
    ids = {
        "acme": await customer(
            bot,
            team_id=team.team_id,
            owner_id=team.rep_id,
            name="Acme",
            company="Acme Co",
            phone="+8613812345678",
            tags=("wholesale", "north"),
            address="1 Nanjing Road",
            birthday=date(1990, 5, 17),
            tier="A",
            health_score=72,
            created_at=AT,
        ),
        "li": await customer(
            bot,
            team_id=team.team_id,
            owner_id=team.other_rep_id,
            name="李四",
            birthday=date(UNKNOWN_YEAR, 5, 17),
            tier="VIP",
        ),
        "formula": await customer(
            bot, team_id=team.team_id, owner_id=team.manager_id, name="=Shop", company="-x"
        ),
        "gone": await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Gone", erased_at=AT),
    }
    ids["unassigned"] = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Nobody's")
    async with bot.app.db.begin() as session:
        row = await session.get(Customer, ids["unassigned"])
        assert row is not None
        row.owner_id = None
    await _other_team_customer(bot, team.rep_id)
    return ids


async def _export(who: Person, kind_label: str, format_label: str) -> tuple[str, bytes, str]:
    await who.send("/export")
    await who.press(kind_label)
    await who.press(format_label)
    return await last_document(who)


async def test_manager_exports_customers_as_xlsx_and_csv(bot: Harness) -> None:
    team = await sales_team(bot)
    await _seed_customers(bot, team)
    manager = await person(bot, MANAGER_TG)
    assert "What would you like to export?" in (await manager.send("/export")).text
    assert "Customers: in which format?" in (await manager.press("Customers")).text
    await manager.press("Excel (.xlsx)")
    name, data, caption = await last_document(manager)
    assert name.startswith("FieldCRM Customers ")
    assert name.endswith(".xlsx")
    assert caption.startswith("Customers: 4 rows, exported ")
    rows = table(name, data)
    assert rows[0] == CUSTOMER_HEADERS
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"Acme", "李四", "=Shop", "Nobody's"}, "only live customers of the team"
    assert by_name["Acme"][:9] == [
        "Acme",
        "+86 138 1234 5678",
        "Acme Co",
        "1 Nanjing Road",
        "1990-05-17",
        "A",
        "north, wholesale",
        "Rita Wang",
        "potential",
    ]
    assert by_name["Acme"][9] == "72"
    assert by_name["Acme"][12] == "2026-11-24 15:00", "a date cell, in the manager's time zone"
    assert by_name["李四"][4] == "05-17", "a birthday without a year"
    assert by_name["=Shop"][7] == "Mona Chen"
    assert [e.details for e in await fetch(bot, AuditLog, action="export")] == [
        {"kind": "customers", "format": "xlsx", "rows": 4}
    ]

    name, data, _ = await _export(manager, "Customers", "CSV")
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"'=Shop" in data, "a formula-looking cell is neutralised for Excel"
    rows = table(name, data)
    assert rows[0] == CUSTOMER_HEADERS
    added = {row[0]: row[12] for row in rows[1:]}
    assert added["Acme"] == "2026-11-24 15:00", "times in the manager's time zone"
    assert await count(bot, AuditLog, action="export") == 2


@pytest.mark.parametrize(
    ("locale", "file_format"), [("en", "Excel (.xlsx)"), ("zh_Hans", "Excel (.xlsx)"), ("en", "CSV")]
)
async def test_export_then_import_changes_nothing(bot: Harness, locale: str, file_format: str) -> None:
    team = await sales_team(bot, manager_locale=locale)
    await _seed_customers(bot, team)
    before = await _snapshot(bot)
    manager = await person(bot, MANAGER_TG, chinese=locale == "zh_Hans")
    name, data, _ = await _export(manager, "客户" if locale == "zh_Hans" else "Customers", file_format)
    mime = XLSX_MIME if name.endswith(".xlsx") else "text/csv"
    preview = await send_file(manager, data, filename=name, mime_type=mime)
    if locale == "zh_Hans":
        assert table(name, data)[0][:8] == ["名称", "电话", "公司", "地址", "生日", "等级", "标签", "负责人"]
        assert "0位新客户" in preview.text
        assert "4位客户无需更新" in preview.text
        assert "没有需要更改的内容。" in preview.text
    else:
        assert "0 new customers" in preview.text
        assert "0 customers to update" in preview.text
        assert "4 already up to date" in preview.text
        assert "0 rows rejected" in preview.text
        assert "There is nothing to change." in preview.text
        assert "Columns I ignored" not in preview.text
    assert preview.buttons() == []
    assert len(await bot_documents(manager)) == 1, "no rejected rows"
    assert await _snapshot(bot) == before
    assert await count(bot, AuditLog, action="customer.import") == 0


async def _snapshot(bot: Harness) -> list[tuple[Any, ...]]:
    async with bot.app.db() as session:
        rows = await session.execute(
            select(
                Customer.id,
                Customer.name,
                Customer.phone_e164,
                Customer.company,
                Customer.address,
                Customer.birthday,
                Customer.tier,
                Customer.owner_id,
                Customer.updated_at,
            ).order_by(Customer.id)
        )
        tags = await session.execute(select(customer_tags).order_by(customer_tags.c.customer_id))
        return [tuple(row) for row in rows] + [tuple(row) for row in tags]


async def _seed_history(bot: Harness, team: SalesTeam) -> int:
    acme = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Acme")
    foreign = await _other_team_customer(bot, team.rep_id)
    await _add(
        bot,
        Visit(
            team_id=team.team_id,
            customer_id=acme,
            rep_id=team.rep_id,
            kind="on_site",
            outcome="positive",
            notes="Met the buyer",
            visited_at=AT,
        ),
        Order(
            team_id=team.team_id,
            customer_id=acme,
            rep_id=team.rep_id,
            amount=Decimal("1234.50"),
            currency="CNY",
            ordered_at=AT,
            note="Rush",
        ),
        Feedback(
            team_id=team.team_id, customer_id=acme, rep_id=team.rep_id, kind="csat", score=5, created_at=AT
        ),
        Feedback(team_id=team.team_id, kind="text", comment="Love the app", created_at=AT),
        Ticket(
            team_id=team.team_id,
            number=7,
            customer_id=acme,
            assignee_id=team.rep_id,
            category="delivery",
            severity="high",
            description="Late truck",
            created_at=AT,
            updated_at=AT,
        ),
    )
    async with bot.app.db.begin() as session:
        other_team = await session.scalar(select(Customer.team_id).where(Customer.id == foreign))
    assert other_team is not None
    await _add(
        bot,
        Visit(team_id=other_team, customer_id=foreign, rep_id=team.rep_id, kind="phone", visited_at=AT),
        Order(
            team_id=other_team,
            customer_id=foreign,
            amount=Decimal(1),
            currency="CNY",
            ordered_at=AT,
        ),
    )
    return acme


async def test_visits_orders_feedback_and_tickets_as_csv(bot: Harness) -> None:
    team = await sales_team(bot)
    await _seed_history(bot, team)
    manager = await person(bot, MANAGER_TG)
    expected = {
        "Visit log": [
            ["Visited at", "Customer", "Rep", "Kind", "Outcome", "Notes"],
            ["2026-11-24 15:00", "Acme", "Rita Wang", "On-site", "Positive", "Met the buyer"],
        ],
        "Orders": [
            ["Ordered at", "Customer", "Rep", "Amount", "Currency", "Notes"],
            ["2026-11-24 15:00", "Acme", "Rita Wang", "1234.50", "CNY", "Rush"],
        ],
        "Feedback": [
            ["Date", "Customer", "Rep", "Type", "Score", "Comment"],
            ["2026-11-24 15:00", "Acme", "Rita Wang", "CSAT", "5", ""],
            ["2026-11-24 15:00", "", "", "Remark", "", "Love the app"],
        ],
        "Tickets": [
            [
                "Number",
                "Opened at",
                "Customer",
                "Category",
                "Severity",
                "Status",
                "Assignee",
                "Resolve by",
                "Resolved at",
                "Description",
            ],
            [
                "7",
                "2026-11-24 15:00",
                "Acme",
                "Delivery",
                "high",
                "not yet taken",
                "Rita Wang",
                "",
                "",
                "Late truck",
            ],
        ],
    }
    for label, rows in expected.items():
        name, data, caption = await _export(manager, label, "CSV")
        assert table(name, data) == rows, label
        assert caption.startswith(f"{label}: ")
    kinds = [entry.details["kind"] for entry in await fetch(bot, AuditLog, action="export")]
    assert kinds == ["visits", "orders", "feedback", "tickets"]


async def test_chinese_headers_and_caption(bot: Harness) -> None:
    team = await sales_team(bot, manager_locale="zh_Hans")
    await _seed_history(bot, team)
    manager = await person(bot, MANAGER_TG, chinese=True)
    assert "你想导出什么？" in (await manager.send("/export")).text
    assert "订单：导出为哪种格式？" in (await manager.press("订单")).text
    await manager.press("Excel (.xlsx)")
    name, data, caption = await last_document(manager)
    rows = table(name, data)
    assert rows[0] == ["下单时间", "客户", "销售代表", "金额", "币种", "备注"]
    assert rows[1][1:] == ["Acme", "Rita Wang", "1234.5", "CNY", "Rush"]
    assert rows[1][0] == "2026-11-24 15:00", "a date cell, in Shanghai time"
    assert caption.startswith("订单：共1行，导出于")


async def test_nothing_to_export_and_stale_buttons(bot: Harness) -> None:
    await sales_team(bot)
    manager = await person(bot, MANAGER_TG)
    await manager.send("/export")
    await manager.press("Tickets")
    reply = await manager.press("CSV")
    assert reply.text == "Tickets: there is nothing to export yet."
    assert await bot_documents(manager) == []
    for data in ("exp:f:contacts:xlsx", "exp:f:tickets:pdf", "exp:k:contacts"):
        answer = await press_forged(bot, manager, "Old", data)
        assert answer is not None
        assert answer["text"] == "This button is no longer active. Please start again from the menu."
    assert await count(bot, AuditLog, action="export") == 0


async def test_reps_cannot_export(bot: Harness) -> None:
    team = await sales_team(bot)
    await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Mine")
    rep = await person(bot, REP_TG)
    reply = await rep.send("/export")
    assert reply.text == (
        "Exports are for managers and admins: they hold the whole team's customers. "
        "If you need this, ask your manager."
    )
    assert "export" not in await rep.menu()
    answer = await press_forged(bot, rep, "Customers", "exp:f:customers:xlsx")
    assert answer is not None
    assert answer["text"] == "This button is not available to you."
    assert await bot_documents(rep) == []
    async with bot.app.db.begin() as session:
        with pytest.raises(NotAllowed):
            await exports.export(
                session,
                viewer=rep_viewer(team),
                kind=ExportKind.CUSTOMERS,
                file_format=FileFormat.CSV,
                now=AT,
            )
    assert await count(bot, AuditLog, action="export") == 0
