"""Erasing a customer's personal data: two confirmations naming the customer, everything personal
gone wherever it was kept (a scan of every text column of every table proves it, polling and by
webhook), counts and amounts kept, the Telegram account gone, an audit entry; and every way the
erasure is refused."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import JSON, Column, String, Table, func, select

from bot.domain.enums import OutboxStatus
from bot.runtime.jobs import background
from sandbox import SandboxServer
from sandbox.factories import (
    MANAGER_TG,
    REP_TG,
    SalesTeam,
    customer,
    fetch,
    person,
    plant_button,
    press_forged,
    sales_team,
)
from sandbox.harness import Harness, Person, Reply, webhook_bot
from storage.models import (
    AuditLog,
    Base,
    Contact,
    Customer,
    Feedback,
    Inbox,
    Order,
    Outbox,
    Reminder,
    Survey,
    Ticket,
    TicketEvent,
    User,
    Visit,
)
from storage.queries import erase as erase_queries
from tests.support.handover import link_account, other_team

NOW = datetime(2027, 5, 12, 2, 0, tzinfo=UTC)
GUEST_TG = 9601


async def rich_customer(bot: Harness, team: SalesTeam, name: str = "Lotus Tea House") -> int:
    """A customer with something personal in every place the erasure has to reach; the clock at NOW."""
    background(bot.app).clock = lambda: NOW
    lotus = await customer(
        bot,
        team_id=team.team_id,
        owner_id=team.rep_id,
        name=name,
        company="Lotus Trading",
        phone="+8613800138000",
        address="9 Secret Street",
        birthday=date(1980, 5, 17),
        note="Gate code 4711",
        latitude=31.2,
        longitude=121.4,
        tier="A",
        stage="active",
        tags=("wholesale",),
    )
    async with bot.app.db.begin() as session:
        session.add(Contact(customer_id=lotus, name="Lin Mei", phone_e164="+8613900139000"))
        for days, amount in ((3, "1000"), (40, "234.50")):
            session.add(
                Visit(
                    team_id=team.team_id,
                    customer_id=lotus,
                    rep_id=team.rep_id,
                    notes="Talked about her divorce",
                    photo_file_id="photo-1",
                    latitude=31.2,
                    longitude=121.4,
                    visited_at=NOW - timedelta(days=days),
                )
            )
            session.add(
                Order(
                    team_id=team.team_id,
                    customer_id=lotus,
                    rep_id=team.rep_id,
                    amount=Decimal(amount),
                    currency="CNY",
                    ordered_at=NOW - timedelta(days=days),
                    note="Deliver to her flat",
                )
            )
        session.add(Feedback(team_id=team.team_id, customer_id=lotus, kind="csat", score=4))
        session.add(
            Feedback(team_id=team.team_id, customer_id=lotus, kind="text", comment="Call me on my cell")
        )
        ticket = Ticket(
            team_id=team.team_id, number=1, customer_id=lotus, description="My address is 9 Secret Street"
        )
        session.add(ticket)
        await session.flush()
        session.add(TicketEvent(ticket_id=ticket.id, kind="reply_in", body="My husband will pay"))
        session.add(
            Reminder(
                team_id=team.team_id,
                user_id=team.rep_id,
                customer_id=lotus,
                kind="birthday",
                due_at=NOW + timedelta(days=5),
                note="Flowers for Lin",
            )
        )
        session.add(
            Survey(team_id=team.team_id, customer_id=lotus, kind="nps", due_at=NOW + timedelta(days=1))
        )
        session.add(
            AuditLog(
                action="customer.edited",
                actor_id=team.rep_id,
                team_id=team.team_id,
                customer_id=lotus,
                details={"field": "phone", "before": "+8613700137000", "after": "+8613800138000"},
            )
        )
    return lotus


async def open_card(bot: Harness, who: Person, customer_id: int) -> Reply:
    await plant_button(bot, who, "Open", f"cust:open:{customer_id}")
    return await who.press("Open")


async def test_a_manager_erases_a_customer_after_two_confirmations(bot: Harness) -> None:
    team = await sales_team(bot)
    lotus = await rich_customer(bot, team)
    guest = await link_account(bot, lotus, GUEST_TG, "en")
    async with bot.app.db.begin() as session:
        account = await session.scalar(select(User).where(User.telegram_id == GUEST_TG))
        assert account is not None
        session.add(
            Outbox(dedupe_key="survey:x", chat_id=GUEST_TG, user_id=account.id, kind="survey", payload={})
        )
    rep = await person(bot, REP_TG)
    manager = await person(bot, MANAGER_TG)

    card = await open_card(bot, manager, lotus)
    step_one = await manager.press("🗑 Erase data")
    assert step_one.text.startswith("🗑 Erase the personal data of Lotus Tea House?")
    assert step_one.text.endswith("This cannot be undone.")
    assert step_one.buttons() == [["Continue ▶"], ["Cancel"]]
    step_two = await manager.press("Continue ▶")
    assert step_two.text == (
        "⚠️ Last check: erase the personal data of Lotus Tea House for good? There is no way back."
    )
    assert step_two.buttons() == [["🗑 Erase Lotus Tea House for good"], ["Cancel"]]
    await manager.press("🗑 Erase Lotus Tea House for good")
    replies = await manager.replies()
    assert replies[-2].text == "✅ The customer's personal data is erased. This is what remains:"
    erased = replies[-1].text
    assert erased.splitlines() == [
        f"Erased customer #{lotus}",
        "Personal data erased on May 12 at the customer's request. The record is kept for statistics only.",
        "Owner: Rita Wang · Tier A · active",
        "Visits: 2 · Orders: 2 · Tickets: 1 · Scores: 1",
        "Orders in total: CN¥1,234.50",
    ]
    assert card.text.startswith("Lotus Tea House")

    (row,) = await fetch(bot, Customer, id=lotus)
    assert row.name == f"#{lotus}"
    assert (row.company, row.phone_e164, row.phone_last4, row.address, row.birthday, row.note) == (None,) * 6
    assert (row.name_pinyin, row.company_key, row.latitude, row.user_id, row.erased_at) == (
        None,
        None,
        None,
        None,
        NOW,
    )
    assert (row.tier, row.stage, row.owner_id) == ("A", "active", team.rep_id)
    assert await fetch(bot, Contact, customer_id=lotus) == []
    visits = await fetch(bot, Visit, customer_id=lotus)
    assert [(v.notes, v.photo_file_id, v.latitude) for v in visits] == [(None, None, None)] * 2
    orders = await fetch(bot, Order, customer_id=lotus)
    assert sorted(o.amount for o in orders) == [Decimal("234.50"), Decimal("1000.00")]
    assert {o.note for o in orders} == {None}
    feedback = await fetch(bot, Feedback, customer_id=lotus)
    assert sorted((f.kind, f.score, f.comment) for f in feedback) == [("csat", 4, None), ("text", None, None)]
    (ticket,) = await fetch(bot, Ticket, customer_id=lotus)
    assert (ticket.description, ticket.status) == ("", "closed")
    assert [e.body for e in await fetch(bot, TicketEvent, ticket_id=ticket.id)] == [None]
    (reminder,) = await fetch(bot, Reminder, customer_id=lotus)
    assert (reminder.status, reminder.note) == ("cancelled", None)
    assert [s.status for s in await fetch(bot, Survey, customer_id=lotus)] == ["cancelled"]
    assert await fetch(bot, Outbox, dedupe_key="survey:x") == []
    assert await fetch(bot, User, telegram_id=GUEST_TG) == []
    (edit,) = await fetch(bot, AuditLog, action="customer.edited")
    assert edit.details == {"field": "phone", "erased": True}
    (entry,) = await fetch(bot, AuditLog, action="erase")
    assert (entry.actor_id, entry.customer_id, entry.details) == (
        team.manager_id,
        lotus,
        {"visits": 2, "orders": 2},
    )

    # The card now shows the neutral label to the manager, and nothing to the rep.
    again = await open_card(bot, manager, lotus)
    assert again.text.startswith(f"Erased customer #{lotus}\n")
    answer = await press_forged(bot, rep, "Open", f"cust:open:{lotus}")
    assert answer is not None
    assert answer["text"] == "This customer is not in your list. /find searches the customers you can see."
    assert "No customer matches" in (await rep.send("/find Lotus")).text
    # The person's Telegram is no longer a customer account.
    assert "don't know you yet" in (await guest.send("/help")).text
    # A late press on the first step is refused.
    late = await press_forged(bot, manager, "Continue", f"ers:sure:{lotus}")
    assert late is not None
    assert late["text"] == "This customer's personal data has already been erased."


async def test_erasing_in_chinese(bot: Harness) -> None:
    team = await sales_team(bot, manager_locale="zh_Hans")
    lotus = await rich_customer(bot, team, name="莲花茶馆")
    manager = await person(bot, MANAGER_TG, chinese=True)
    card = await open_card(bot, manager, lotus)
    assert ["🔁 转给他人", "🗑 删除数据"] in card.buttons()
    step_one = await manager.press("🗑 删除数据")
    assert step_one.text.startswith("🗑 删除莲花茶馆的个人数据？")
    step_two = await manager.press("继续 ▶")
    assert step_two.text == "⚠️ 最后确认：永久删除莲花茶馆的个人数据？删除后无法恢复。"
    await manager.press("🗑 永久删除莲花茶馆")
    erased = (await manager.replies())[-1].text
    assert erased.splitlines()[0] == f"已删除的客户 #{lotus}"
    assert "拜访：2 · 订单：2 · 工单：1 · 评分：1" in erased
    assert "订单总额：¥1,234.50" in erased
    assert (await fetch(bot, Customer, id=lotus))[0].erased_at == NOW


async def test_erasure_refusals(bot: Harness) -> None:
    team = await sales_team(bot)
    lotus = await rich_customer(bot, team)
    rep = await person(bot, REP_TG)
    manager = await person(bot, MANAGER_TG)
    ola, _ = await other_team(bot)

    rep_card = await open_card(bot, rep, lotus)
    assert "🗑 Erase data" not in [label for row in rep_card.buttons() for label in row]
    for data in (f"ers:ask:{lotus}", f"ers:sure:{lotus}", f"ers:do:{lotus}:0123abcd"):
        answer = await press_forged(bot, rep, "Erase", data)
        assert answer is not None
        assert answer["text"] == "This button is not available to you."
    answer = await press_forged(bot, ola, "Erase", f"ers:ask:{lotus}")
    assert answer is not None
    assert answer["text"] == "This customer is not in your list. /find searches the customers you can see."

    # Skipping the second confirmation with a made-up code erases nothing.
    answer = await press_forged(bot, manager, "Erase now", f"ers:do:{lotus}:0123abcd")
    assert answer is not None
    assert answer["text"] == "This confirmation is no longer valid. Open the card and start again."
    await open_card(bot, manager, lotus)
    await manager.press("🗑 Erase data")
    await manager.press("Continue ▶")
    cancelled = await manager.press("Cancel")
    assert cancelled.text == "Cancelled. Nothing was erased."
    await open_card(bot, manager, lotus)
    await manager.press("🗑 Erase data")
    step_two = await manager.press("Continue ▶")
    data = step_two.message.button_data("🗑 Erase Lotus Tea House for good")
    other_code = "0" * 8 if not data.endswith("0" * 8) else "1" * 8
    answer = await press_forged(bot, manager, "Other code", data[:-8] + other_code)
    assert answer is not None
    assert answer["text"] == "This confirmation is no longer valid. Open the card and start again."
    assert (await fetch(bot, Customer, id=lotus))[0].erased_at is None
    assert await fetch(bot, AuditLog, action="erase") == []


# --- Nothing of the person is left anywhere: every text and JSON column of every table. ---

PERSON_TG = 9602
NAME = "乔希梅"
COMPANY = "Ximena Blooms"
TELEGRAM_NAME = "Qiaoqiao"
PHONE_TYPED = "138 1234 5678"
PHONE_DIGITS = "13812345678"
FEEDBACK = "Please call me back on 138-1234-5678 after six, the orchids came late."
COMPLAINT = "The jasmine tea arrived crushed; ring (138) 1234 5678 before you come."
ADDRESS = "17 Wisteria Lane, Hangzhou"
DIGIT_RUN = re.compile(r"\d[\d\s().+/-]*\d")


def stored_text(value: object) -> str:
    """A cell as the words a reader would find in it: JSON decoded, HTML entities resolved."""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return html.unescape(str(value))


def traces_in(text: str, words: list[str], phone_digits: str) -> list[str]:
    found = [word for word in words if word.casefold() in text.casefold()]
    runs = ("".join(ch for ch in run if ch.isdigit()) for run in DIGIT_RUN.findall(text))
    if any(phone_digits in run for run in runs):
        found.append(f"phone {phone_digits}")
    return found


def text_columns(table: Table) -> list[Column[Any]]:
    def holds_text(column: Column[Any]) -> bool:
        kind = column.type
        return isinstance(getattr(kind, "impl_instance", kind), String | JSON)

    return [column for column in table.columns if holds_text(column)]


async def leftovers(bot: Harness, words: list[str], phone_digits: str) -> list[str]:
    """Every text and JSON column of every table (from the models, so new ones are covered),
    as `table.column: what was found`."""
    found: list[str] = []
    async with bot.app.db() as session:
        for table in Base.metadata.sorted_tables:
            columns = text_columns(table)
            if not columns:
                continue
            for row in await session.execute(select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    if value is not None:
                        hits = traces_in(stored_text(value), words, phone_digits)
                        found += [f"{table.name}.{column.name}: {hit}" for hit in hits]
    return found


def test_the_scan_reads_every_kind_of_column_and_formatting() -> None:
    """The scan itself: it must see the traces in the shapes they are stored in."""
    assert "outbox" in {table.name for table in Base.metadata.sorted_tables}
    assert {column.name for column in text_columns(Base.metadata.tables["outbox"])} >= {
        "payload",
        "dedupe_key",
    }
    assert {column.name for column in text_columns(Base.metadata.tables["persistence_user_data"])} == {"data"}
    assert {column.name for column in text_columns(Base.metadata.tables["persistence_conversations"])} == {
        "name",
        "key",
        "state",
    }
    words = [NAME, FEEDBACK[:30]]
    assert traces_in(stored_text({"t": f"<b>{NAME}</b>"}), words, PHONE_DIGITS) == [NAME]
    assert traces_in(json.loads(json.dumps({"t": NAME}))["t"], words, PHONE_DIGITS) == [NAME]
    for phone in ("+86 138 1234 5678", "138-1234-5678", "(138) 1234 5678", "8613812345678"):
        assert traces_in(stored_text({"contact": {"phone_number": phone}}), [], PHONE_DIGITS) == [
            f"phone {PHONE_DIGITS}"
        ]
    assert traces_in("Feedback #138, 1234 5678 ids", [], PHONE_DIGITS) == []


async def erase_through_the_bot(bot: Harness) -> tuple[int, list[str]]:
    """A rep adds the customer with /new and links their Telegram; the customer shares their
    contact, writes feedback (delivered to the rep) and complains (still queued); then the manager
    erases them through the card. Returns the customer id and the words to look for."""
    jobs = background(bot.app)
    await jobs.stop_duties()  # the test sends the queue itself, so a push can still be queued
    jobs.clock = lambda: NOW
    await sales_team(bot)
    rep = await person(bot, REP_TG)
    manager = await person(bot, MANAGER_TG)
    await rep.send("/new")
    for answer in (NAME, COMPANY, PHONE_TYPED, ADDRESS, "5/17"):
        await rep.send(answer)
    await rep.press("A")
    assert "Saved" in (await rep.send("#florist")).text
    await rep.press("Open card")
    shown = await rep.press("🔗 Customer's link to the bot")
    link = re.search(r"start=(c_[A-Za-z0-9_-]+)", shown.text)
    assert link is not None, shown.text

    guest = await bot.person(PERSON_TG, TELEGRAM_NAME, language_code="en")
    assert f"Welcome, {NAME}!" in (await guest.send(f"/start {link.group(1)}")).text
    await guest._settle(await guest.account.send_contact("+86 138 1234 5678", first_name=TELEGRAM_NAME))
    await guest.send("/feedback")
    await guest.send(FEEDBACK)
    await guest.press("✅ Send")
    await jobs.deliver()
    assert any(FEEDBACK[:30] in reply.text for reply in await rep.replies())
    await guest.send("/complaint")
    await guest.press("Delivery")
    await guest.send(COMPLAINT)
    assert "number" in (await guest.press("Skip")).text
    async with bot.app.db() as session:
        (customer_id,) = (await session.scalars(select(Customer.id))).all()
        queued = await session.scalar(
            select(func.count()).select_from(Outbox).where(Outbox.status == OutboxStatus.PENDING)
        )
    assert queued, "the complaint's pushes to staff should still be queued"
    seen_by_rep = len(await rep.replies())

    await manager.send(NAME)
    await manager.press(f"{NAME} · {COMPANY} · +86 138****5678")
    await manager.press("🗑 Erase data")
    await manager.press("Continue ▶")
    await manager.press(f"🗑 Erase {NAME} for good")
    assert (await manager.replies())[-1].text.startswith(f"Erased customer #{customer_id}")

    jobs.clock = lambda: NOW + timedelta(minutes=5)
    await jobs.deliver()
    assert all(COMPLAINT[:20] not in reply.text for reply in (await rep.replies())[seen_by_rep:])
    await bot.app.update_persistence()
    return customer_id, [NAME, COMPANY, TELEGRAM_NAME, ADDRESS, FEEDBACK[:30], COMPLAINT[:30]]


async def test_after_an_erasure_no_table_holds_anything_of_the_person(bot: Harness) -> None:
    customer_id, words = await erase_through_the_bot(bot)
    assert await leftovers(bot, words, PHONE_DIGITS) == []
    # What stays: the record under its label, its counts, and an audit entry without personal data.
    (row,) = await fetch(bot, Customer, id=customer_id)
    assert (row.name, row.erased_at) == (f"#{customer_id}", NOW)
    assert len(await fetch(bot, Ticket, customer_id=customer_id)) == 1
    assert await fetch(bot, User, telegram_id=PERSON_TG) == []
    (entry,) = await fetch(bot, AuditLog, action="erase")
    assert entry.customer_id == customer_id


async def test_after_an_erasure_by_webhook_the_inbox_holds_nothing_of_the_person(
    sandbox: SandboxServer, database_url: str
) -> None:
    async with webhook_bot(sandbox, database_url) as bot:
        _, words = await erase_through_the_bot(bot)
        async with bot.app.db() as session:
            kept = await session.scalar(select(func.count()).select_from(Inbox))
        assert kept, "the staff's other updates stay in the inbox until their retention ends"
        assert await leftovers(bot, words, PHONE_DIGITS) == []


async def test_an_erasure_that_fails_half_way_changes_nothing(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One unit of work: a failure at its last step leaves every row as it was."""
    team = await sales_team(bot)
    lotus = await rich_customer(bot, team)
    await link_account(bot, lotus, GUEST_TG, "en")
    manager = await person(bot, MANAGER_TG)

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(erase_queries, "forget_in_saved_data", broken)
    await open_card(bot, manager, lotus)
    await manager.press("🗑 Erase data")
    await manager.press("Continue ▶")
    await manager.press("🗑 Erase Lotus Tea House for good")

    (row,) = await fetch(bot, Customer, id=lotus)
    assert (row.name, row.phone_e164, row.erased_at) == ("Lotus Tea House", "+8613800138000", None)
    assert len(await fetch(bot, Contact, customer_id=lotus)) == 1
    assert [f.comment for f in await fetch(bot, Feedback, customer_id=lotus, kind="text")] == [
        "Call me on my cell"
    ]
    assert len(await fetch(bot, User, telegram_id=GUEST_TG)) == 1
    assert await fetch(bot, AuditLog, action="erase") == []
