"""Every command and every declared button, as every kind of person, new and edited, honest and forged.

Generated from the registry: the commands come from the menu and the buttons from the handlers the
application registered, so a new command or button is covered without a new test. The records the
forged presses name belong to the North team's rep (Rhea); everyone else who presses them must get
an answer, see nothing of hers, and change nothing of North's.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select, update

from bot.domain.enums import InboxStatus
from bot.domain.roles import Role
from bot.runtime import webhook
from handlers.common.buttons import Button, Day, Int, OneOf, Token, button_index
from handlers.registry import COMMANDS
from sandbox import SandboxServer
from sandbox.factories import REP_TG, customer, fetch, plant_button, sales_team
from sandbox.factories import person as rep_person
from sandbox.harness import ADMIN_ID, WEBHOOK_SECRET, Harness, Person, Reply, inbox_processed, webhook_bot
from storage.db import utcnow
from storage.models import (
    AuditLog,
    Base,
    Customer,
    Feedback,
    Handover,
    HandoverCustomer,
    Invite,
    Order,
    Outbox,
    Reminder,
    RiskAlert,
    Survey,
    Team,
    Ticket,
    TransferRequest,
    User,
    Visit,
)

# What only Rhea, her manager and the admin may ever read.
SECRETS = ("Qiao Zhenbao", "Zhenbao Trading", "13912345678", "5521", "cold chain 7731", "Rhea")
GENERIC_FAILURE = "Sorry, something went wrong on our side"
OUT_OF_RANGE = str(2**70)
# A value of a Token field: the first of these its pattern accepts.
TOKEN_SAMPLES = ("abc", "0a1b2c3d", "CNY", "Asia/Shanghai", "1", "a")
# Tables that change with every update whoever sends it (who was seen, what was said, logs).
VOLATILE_TABLES = {
    "inbox",
    "audit_log",
    "persisted_user_data",
    "persisted_chat_data",
    "persisted_conversations",
}
VOLATILE_COLUMNS = {"updated_at", "last_seen_at", "chat_id", "locale", "first_name", "last_name", "username"}


@dataclass
class North:
    """Rhea's book, and the ids a forged press can name, by the field names buttons use."""

    team_id: int = 0
    ids: dict[str, int] = field(default_factory=dict)
    records: set[tuple[str, int]] = field(default_factory=set)
    chats: set[int] = field(default_factory=set)
    # A customer persona's own customer record: the messages they write to their rep are theirs.
    own_customers: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Persona:
    label: str
    telegram_id: int
    role: Role | None
    team: str | None  # "north", "south" or None
    active: bool = True
    authorised: bool = False  # may act on North's records (owner, admin)


PERSONAS = (
    Persona("stranger", 7001, None, None),
    Persona("customer", 7002, Role.CUSTOMER, "north"),
    Persona("colleague rep", 7003, Role.REP, "north"),
    Persona("rep of another team", 7004, Role.REP, "south"),
    Persona("manager of another team", 7005, Role.MANAGER, "south"),
    Persona("deactivated rep", 7006, Role.REP, "north", active=False),
    Persona("owner rep", 7007, Role.REP, "north", authorised=True),
    Persona("admin", ADMIN_ID, Role.ADMIN, None, authorised=True),
)
OWNER_TG, NORTH_MANAGER_TG, CUSTOMER_OF_RHEA_TG = 7007, 7010, 7011
NAMED_RECORDS = (
    "customer_id",
    "ticket_id",
    "visit_id",
    "reminder_id",
    "alert_id",
    "survey_id",
    "feedback_id",
    "handover_id",
    "request_id",
    "invite_id",
    "cursor",
    "ref",
    "user_id",
    "rep_id",
    "from_id",
    "to_id",
    "team_id",
)


async def _user(bot: Harness, persona: Persona, teams: dict[str, int]) -> int:
    async with bot.app.db.begin() as session:
        row = User(
            telegram_id=persona.telegram_id,
            chat_id=persona.telegram_id,
            first_name="Rhea" if persona.telegram_id == OWNER_TG else persona.label.split()[0].title(),
            role=persona.role.value if persona.role else None,
            team_id=teams[persona.team] if persona.team else None,
            locale="en",
            is_active=persona.active,
        )
        session.add(row)
        await session.flush()
        return row.id


async def build_world(bot: Harness) -> North:
    """Two teams; Rhea (North) owns a linked customer with a ticket, reminder, alert, survey and more."""
    now = utcnow()
    north = North()
    async with bot.app.db.begin() as session:
        teams = {}
        for name in ("North", "South"):
            team = Team(name=name, timezone="Asia/Shanghai", currency="CNY", created_at=now)
            session.add(team)
            await session.flush()
            teams[name.lower()] = team.id
    north.team_id = teams["north"]
    users = {persona.telegram_id: await _user(bot, persona, teams) for persona in PERSONAS if persona.role}
    manager = Persona("north manager", NORTH_MANAGER_TG, Role.MANAGER, "north")
    users[NORTH_MANAGER_TG] = await _user(bot, manager, teams)
    rhea = users[OWNER_TG]
    secret = await customer(
        bot,
        team_id=north.team_id,
        owner_id=rhea,
        name="Qiao Zhenbao",
        company="Zhenbao Trading",
        phone="+8613912345678",
        note="contract 5521",
    )
    # The customer persona is another of Rhea's customers, linked to their own Telegram account.
    own = await customer(bot, team_id=north.team_id, owner_id=rhea, name="Walk-in Buyer")
    async with bot.app.db.begin() as session:
        await session.execute(update(Customer).where(Customer.id == own).values(user_id=users[7002]))
        linked = User(
            telegram_id=CUSTOMER_OF_RHEA_TG,
            chat_id=CUSTOMER_OF_RHEA_TG,
            first_name="Qiao",
            role=Role.CUSTOMER.value,
            team_id=north.team_id,
            locale="en",
        )
        session.add(linked)
        await session.flush()
        await session.execute(update(Customer).where(Customer.id == secret).values(user_id=linked.id))
        ticket = Ticket(
            team_id=north.team_id,
            number=1,
            customer_id=secret,
            description="The cold chain 7731 failed",
            status="open",
        )
        visit = Visit(team_id=north.team_id, customer_id=secret, rep_id=rhea, notes="5521", visited_at=now)
        reminder = Reminder(
            team_id=north.team_id,
            user_id=rhea,
            customer_id=secret,
            kind="follow_up",
            due_at=now + timedelta(days=1),
            note="Call about contract 5521",
        )
        alert = RiskAlert(
            team_id=north.team_id,
            customer_id=secret,
            level="high",
            previous_level="low",
            score=20,
            created_at=now,
        )
        survey = Survey(
            team_id=north.team_id, customer_id=secret, kind="csat", status="sent", due_at=now, sent_at=now
        )
        feedback = Feedback(team_id=north.team_id, customer_id=secret, kind="csat", score=2, created_at=now)
        handover = Handover(
            team_id=north.team_id, from_user_id=rhea, actor_id=users[NORTH_MANAGER_TG], via="handover"
        )
        request = TransferRequest(
            team_id=north.team_id, customer_id=secret, requester_id=users[7003], owner_id=rhea
        )
        invite = Invite(
            token_hash="0" * 64,
            team_id=north.team_id,
            role="rep",
            created_by_id=users[NORTH_MANAGER_TG],
            expires_at=now + timedelta(days=7),
        )
        entry = AuditLog(
            action="customer.viewed", actor_id=rhea, team_id=north.team_id, customer_id=secret, at=now
        )
        session.add_all([ticket, visit, reminder, alert, survey, feedback, handover, request, invite, entry])
        await session.flush()
        session.add(
            HandoverCustomer(handover_id=handover.id, customer_id=secret, from_user_id=rhea, to_user_id=rhea)
        )
        north.ids = {
            "customer_id": secret,
            "ticket_id": ticket.id,
            "visit_id": visit.id,
            "reminder_id": reminder.id,
            "alert_id": alert.id,
            "survey_id": survey.id,
            "feedback_id": feedback.id,
            "handover_id": handover.id,
            "request_id": request.id,
            "invite_id": invite.id,
            "cursor": entry.id,
            "ref": secret,
            "user_id": rhea,
            "rep_id": rhea,
            "from_id": rhea,
            "to_id": rhea,
            "team_id": north.team_id,
        }
    assert set(north.ids) == set(NAMED_RECORDS)
    north.records = {
        ("users", rhea),
        ("users", users[NORTH_MANAGER_TG]),
        ("customers", secret),
        ("tickets", ticket.id),
        ("visits", visit.id),
        ("reminders", reminder.id),
        ("risk_alerts", alert.id),
        ("surveys", survey.id),
        ("feedback", feedback.id),
        ("handovers", handover.id),
        ("transfer_requests", request.id),
        ("invites", invite.id),
    }
    north.chats = {OWNER_TG, NORTH_MANAGER_TG, CUSTOMER_OF_RHEA_TG}
    north.own_customers = {7002: own}
    return north


def id_for(name: str, kind: Int, north: North) -> int:
    """The North record a field of this name points at; pages and counts get the smallest value."""
    if kind.high <= 10_000 or name in {"page", "score", "index", "step"}:
        return kind.low
    assert name in north.ids, f"a button field {name!r} names a record this test does not build: add it"
    return north.ids[name]


def honest(button: Button, north: North) -> dict[str, str]:
    """Each field written as the bot would write it, naming North's records."""
    values: dict[str, str] = {}
    for name, kind in button.fields.items():
        match kind:
            case Int():
                values[name] = str(id_for(name, kind, north))
            case OneOf():
                values[name] = sorted(kind.values)[0]
            case Token():
                fits = [x for x in TOKEN_SAMPLES if kind.pattern.fullmatch(x)]
                assert fits, f"no sample fits {kind.pattern.pattern}: add one to TOKEN_SAMPLES"
                values[name] = fits[0]
            case Day():
                values[name] = utcnow().strftime("%Y%m%d")
    return values


def variants(button: Button, north: North) -> Iterator[str]:
    """The honest data with North's ids, then each int field tampered, then a field too many or few."""
    values = honest(button, north)

    def join(fields: dict[str, str]) -> str:
        return ":".join([button.prefix, *fields.values()])

    yield join(values)
    for name, kind in button.fields.items():
        if isinstance(kind, Int):
            for junk in (OUT_OF_RANGE, "0", "-1", "²", "x"):
                yield join({**values, name: junk})
    yield join(values) + ":9"
    if values:
        yield ":".join([button.prefix, *list(values.values())[:-1]])


def in_dialog_presses(bot: Harness, reply: Reply, north: North) -> list[str]:
    """For a reply with buttons, every declared button of the same feature (the first part of its
    prefix), honest and with its first id out of range: what a forged client would press there."""
    markup = reply.message.reply_markup or {}
    shown = [b.get("callback_data") for row in markup.get("inline_keyboard", []) for b in row]
    features = {data.split(":", 1)[0] for data in shown if isinstance(data, str)}
    buttons = [
        b for p, b in sorted(button_index(bot.app).by_prefix.items()) if p.split(":", 1)[0] in features
    ]
    presses = []
    for button in buttons:
        forged = list(variants(button, north))
        presses.append(forged[0])
        if len(forged) > 1 and any(isinstance(kind, Int) for kind in button.fields.values()):
            presses.append(forged[1])
    return presses


async def snapshot(bot: Harness, north: North, *, actor: int) -> dict[str, set[tuple[Any, ...]]]:
    """Rows that are North's or point at North's records (by foreign key), minus the actor's own."""
    rows: dict[str, set[tuple[Any, ...]]] = {}
    async with bot.app.db() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in VOLATILE_TABLES:
                continue
            columns = [c for c in table.columns if c.name not in VOLATILE_COLUMNS]
            kept = set()
            for row in (await session.execute(select(*columns))).all():
                values = dict(zip([c.name for c in columns], row, strict=True))
                if table.name == "users" and values.get("telegram_id") == actor:
                    continue
                if table.name == "feedback" and values.get("customer_id") == north.own_customers.get(actor):
                    continue
                if _is_north(table, values, north):
                    kept.add(tuple(str(v) for v in row))
            rows[table.name] = kept
    return rows


def _is_north(table: Any, values: dict[str, Any], north: North) -> bool:
    if "id" in values and (table.name, values["id"]) in north.records:
        return True
    if table.name == Outbox.__tablename__:
        return values.get("chat_id") in north.chats
    for column in table.columns:
        for key in column.foreign_keys:
            if (key.column.table.name, values.get(column.name)) in north.records:
                return True
    return False


@pytest.fixture
def failures(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.ERROR)
    return caplog


async def walk(bot: Harness, persona: Persona, north: North) -> list[str]:
    """Send everything as this persona; return what went wrong, one line per problem."""
    problems: list[str] = []
    who: Person = await bot.person(persona.telegram_id, persona.label.split()[0].title())
    before = None if persona.authorised else await snapshot(bot, north, actor=persona.telegram_id)
    seen: list[str] = []

    for command in COMMANDS:
        reply = await who.send(f"/{command.name}")
        seen.append(reply.text)
        # Inside the dialog the command opened, every button of that feature, naming North's records.
        for data in in_dialog_presses(bot, reply, north):
            await plant_button(bot, who, "·", "x", message_id=reply.message.message_id)
            answer = await who.press_data(data, message_id=reply.message.message_id)
            if answer is None:
                problems.append(f"/{command.name} then {data}: press not answered")
            else:
                seen.append(str(answer.get("text") or ""))
        # The same command typed into an old message: never acted on, always answered.
        plain = await who.send("hello")
        seen.append(plain.text)
        message_id = max(m.message_id for m in await who.account.messages() if not m.from_bot)
        edited = await who.edit(message_id, f"/{command.name}")
        if edited is None or "Edited messages are not read" not in edited.text:
            problems.append(f"edited /{command.name}: {edited.text if edited else 'no answer'}")
        await who.send("/cancel")

    await who.send("/help")
    keyboard_holder = (await who.account.bot_messages())[-1].message_id
    for button in sorted(button_index(bot.app).by_prefix.values(), key=lambda b: b.prefix):
        for data in variants(button, north):
            # A handled press may have edited the keyboard away: the forged client needs one to press.
            await plant_button(bot, who, "·", "x", message_id=keyboard_holder)
            answer = await who.press_data(data, message_id=keyboard_holder)
            if answer is None:
                problems.append(f"{data}: press not answered")
            else:
                seen.append(str(answer.get("text") or ""))
    # Inline lookups with the customer's name, with offsets a client would never send.
    for offset in ("", "8", "²", OUT_OF_RANGE, "-1", "x"):
        update_id = await who.account.inline_query("Qiao", offset=offset)
        await who._settle(update_id)
        inline = await who.account.inline_answer(update_id)
        if inline is None:
            problems.append(f"inline query at offset {offset!r} not answered")
        else:
            seen.append(json.dumps(inline, ensure_ascii=False))
    seen.extend(m.content for m in await who.account.bot_messages())
    for text in seen:
        if GENERIC_FAILURE in text:
            problems.append(f"generic failure shown: {text[:80]}")
        if not persona.authorised:
            problems.extend(f"leaked {s!r}: {text[:120]}" for s in SECRETS if s in text)
    if before is not None:
        after = await snapshot(bot, north, actor=persona.telegram_id)
        for table, rows in after.items():
            if rows != before[table]:
                problems.append(
                    f"{table} changed: +{sorted(rows - before[table])} -{sorted(before[table] - rows)}"
                )
    return problems


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.label.replace(" ", "-"))
async def test_every_command_and_button(
    bot: Harness, persona: Persona, failures: pytest.LogCaptureFixture
) -> None:
    north = await build_world(bot)
    problems = await walk(bot, persona, north)
    tracebacks = [r.getMessage() for r in failures.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not tracebacks, tracebacks[:5]
    assert not sorted(set(problems)), sorted(set(problems))[:20]


async def test_the_registry_declares_every_button_once(bot: Harness) -> None:
    """Every press handler takes a declared Button with roles, and its data finds it again."""
    index = button_index(bot.app)
    assert len(index.by_prefix) > 40
    sample = North(ids=dict.fromkeys(NAMED_RECORDS, 1))
    for button in index.by_prefix.values():
        assert button.roles, button
        data = ":".join([button.prefix, *honest(button, sample).values()])
        assert index.find(data)[0] is button, data


def _other_kinds(user: dict[str, Any], chat: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Update kinds with no person to answer or nothing to act on, each carrying a staff command."""
    channel = {"id": -100_555, "type": "channel", "title": "News"}
    command = {"text": "/new", "entities": [{"type": "bot_command", "offset": 0, "length": 4}]}
    post = {"message_id": 1, "date": 1_700_000_000, "chat": channel, **command}
    bot_user = {"id": 123456789, "is_bot": True, "first_name": "FieldCRM"}
    return {
        "channel_post": post,
        "edited_channel_post": {**post, "edit_date": 1_700_000_100},
        "business_message": {
            "message_id": 2,
            "date": 1_700_000_000,
            "chat": chat,
            "from": user,
            "business_connection_id": "b1",
            **command,
        },
        "edited_message": {
            "message_id": 3,
            "date": 1_700_000_000,
            "edit_date": 1_700_000_050,
            "chat": chat,
            "from": user,
            "location": {"latitude": 31.2, "longitude": 121.5, "live_period": 900},
        },
        "my_chat_member": {
            "chat": chat,
            "from": user,
            "date": 1_700_000_000,
            "old_chat_member": {"status": "member", "user": bot_user},
            "new_chat_member": {"status": "kicked", "user": bot_user, "until_date": 0},
        },
        "message_reaction": {
            "chat": chat,
            "message_id": 1,
            "user": user,
            "date": 1_700_000_000,
            "old_reaction": [],
            "new_reaction": [{"type": "emoji", "emoji": "👍"}],
        },
        "poll_answer": {"poll_id": "1", "user": user, "option_ids": [0], "option_persistent_ids": ["a"]},
        "chosen_inline_result": {"result_id": "1", "from": user, "query": "Qiao"},
    }


async def test_other_update_kinds_reach_no_handler(
    sandbox: SandboxServer, database_url: str, failures: pytest.LogCaptureFixture
) -> None:
    """Posted straight to the webhook (Telegram sends only the kinds the bot asks for; a forged
    post with the secret could send any): each is stored, processed, answered by nobody."""
    async with webhook_bot(sandbox, database_url) as bot:
        north = await build_world(bot)
        user = {"id": OWNER_TG, "is_bot": False, "first_name": "Rhea", "language_code": "en"}
        chat = {"id": OWNER_TG, "type": "private", "first_name": "Rhea"}
        before = await snapshot(bot, north, actor=0)
        sent_before = len(await bot.client.calls("sendMessage"))
        async with aiohttp.ClientSession() as http:
            for number, (kind, payload) in enumerate(_other_kinds(user, chat).items(), start=900_000):
                body = {"update_id": number, kind: payload}
                headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
                async with http.post(webhook.hook_url(bot.app), json=body, headers=headers) as response:
                    assert response.status == 200, (kind, await response.text())
                row = await inbox_processed(bot.app, number)
                assert row.status == InboxStatus.DONE, kind
        assert len(await bot.client.calls("sendMessage")) == sent_before
        assert await snapshot(bot, north, actor=0) == before
    assert not [r.getMessage() for r in failures.records], failures.records[:3]


@pytest.mark.parametrize(
    ("chinese", "note", "stale"),
    [
        (False, "Edited messages are not read", "This button is no longer active"),
        (True, "修改过的消息不会被处理", "这个按钮已失效"),
    ],
)
async def test_an_edit_inside_a_dialog_changes_nothing_in_either_language(
    bot: Harness, chinese: bool, note: str, stale: str
) -> None:
    """An amount edited after it was answered stays as first typed; a forged 40-digit press on the
    dialog's own keyboard is stale; the order saved is the one the rep walked through."""
    team = await sales_team(bot, rep_locale="zh_Hans" if chinese else "en")
    acme = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Acme")
    rep = await rep_person(bot, REP_TG, chinese=chinese)
    await rep.send("/order")
    await rep.press("Acme")
    asked = await rep.send("88")
    typed = max(m.message_id for m in await rep.account.messages() if not m.from_bot)
    told = await rep.edit(typed, "99999")
    assert told is not None
    assert note in told.text
    forged = await rep.press_data(f"order:pick:{OUT_OF_RANGE}", message_id=asked.message.message_id)
    assert forged is not None
    assert stale in str(forged.get("text"))
    await rep.press("CNY")
    await rep.press("跳过" if chinese else "Skip")
    await rep.press("今天" if chinese else "Today")
    await rep.press("✅ 保存" if chinese else "✅ Save")
    [order] = await fetch(bot, Order)
    assert (order.customer_id, order.amount) == (acme, Decimal("88.00"))
