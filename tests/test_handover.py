"""/handover end to end: a leaving rep's 500 customers spread over three successors in a few
statements, one briefing each, customers told in their language, the rep switched off at once;
the card's Transfer; the duplicate guard's requests approved and refused; every refusal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import event, func, insert, select

from bot.runtime.jobs import background
from bot.services.customers import search_columns
from sandbox.factories import (
    MANAGER_TG,
    OTHER_REP_TG,
    REP_TG,
    SalesTeam,
    customer,
    fetch,
    person,
    plant_button,
    press_forged,
    sales_team,
)
from sandbox.harness import Harness, Person, Reply
from storage.models import AuditLog, Customer, Reminder, Ticket, TicketEvent, TransferRequest, User
from tests.support.handover import NOW, add_rep, link_account, other_team

ZHAO_TG, WU_TG = 8201, 8202
GUEST_TG = 9501


async def deliver(bot: Harness) -> None:
    """Run the sender a few paced seconds on, so every queued push goes out."""
    jobs = background(bot.app)
    for step in range(4):
        jobs.clock = lambda step=step: NOW + timedelta(seconds=2 * step)  # type: ignore[misc]
        await jobs.deliver()
    jobs.clock = lambda: NOW


async def bulk_customers(bot: Harness, team: SalesTeam, owner_id: int, n: int, *, prefix: str) -> list[int]:
    """`n` customers in one insert; every tenth at high risk with a reason, tiers mixed."""
    rows = []
    for i in range(1, n + 1):
        name = f"{prefix} {i:03d}"
        risky = i % 10 == 0
        rows.append(
            {
                "team_id": team.team_id,
                "owner_id": owner_id,
                "name": name,
                "tier": ("VIP", "A", "B", "C")[i % 4],
                "stage": "at_risk" if risky else ("active", "loyal", "new", "potential")[i % 4],
                "health_score": 20 + i % 7 if risky else 70 + i % 20,
                "risk_level": "high" if risky else "low",
                "health_reasons": (
                    [{"code": "no_order", "params": {"days": 60 + i, "usual": 20}}] if risky else []
                ),
                "last_visit_at": NOW - timedelta(days=i % 40) if i % 3 else None,
                **search_columns(name=name, company=None, e164=None),
            }
        )
    async with bot.app.db.begin() as session:
        await session.execute(insert(Customer), rows)
        ids = await session.scalars(
            select(Customer.id).where(Customer.owner_id == owner_id, Customer.name.startswith(prefix))
        )
        return sorted(ids)


async def open_items(bot: Harness, team: SalesTeam, ids: list[int], stray: int) -> None:
    """Rita's reminders on five customers, open tickets on three, and one ticket of Li Wei's
    customer that is assigned to her (a stray that must not stay with her)."""
    async with bot.app.db.begin() as session:
        for customer_id in ids[:5]:
            session.add(
                Reminder(
                    team_id=team.team_id,
                    user_id=team.rep_id,
                    customer_id=customer_id,
                    kind="follow_up",
                    due_at=NOW + timedelta(days=1),
                )
            )
        session.add(
            Reminder(
                team_id=team.team_id,
                user_id=team.rep_id,
                customer_id=ids[5],
                kind="custom",
                due_at=NOW,
                status="done",
            )
        )
        for number, customer_id in enumerate([*ids[10:13], stray], start=1):
            session.add(
                Ticket(
                    team_id=team.team_id,
                    number=number,
                    customer_id=customer_id,
                    assignee_id=team.rep_id,
                    description="Broken shelf",
                )
            )


async def count_statements(bot: Harness) -> tuple[list[str], Any]:
    statements: list[str] = []

    def counted(*args: Any) -> None:
        statements.append(args[2])

    engine = bot.app.engine.sync_engine
    event.listen(engine, "before_cursor_execute", counted)
    return statements, lambda: event.remove(engine, "before_cursor_execute", counted)


async def chat(bot: Harness, telegram_id: int, first: str, last: str, *, chinese: bool = False) -> Person:
    """A staff member made with `add_rep`, with the chat opened."""
    account = await bot.client.user(
        telegram_id, first_name=first, last_name=last, language_code="zh-hans" if chinese else "en"
    )
    who = Person(bot.app, bot.client, account)
    await who.send("/help")
    return who


def flat(reply: Reply) -> list[str]:
    return [label for row in reply.buttons() for label in row]


async def owners(bot: Harness, ids: list[int]) -> dict[int, int]:
    async with bot.app.db() as session:
        rows = await session.execute(
            select(Customer.owner_id, func.count()).where(Customer.id.in_(ids)).group_by(Customer.owner_id)
        )
        return {owner: int(n) for owner, n in rows if owner is not None}


async def test_handover_of_500_customers_to_three_successors(bot: Harness) -> None:
    team = await sales_team(bot)
    zhao = await add_rep(bot, team.team_id, ZHAO_TG, "Zhao", "Lei")
    wu = await add_rep(bot, team.team_id, WU_TG, "Wu", "Fang", locale="zh_Hans")
    rita_ids = await bulk_customers(bot, team, team.rep_id, 500, prefix="Rita Shop")
    await bulk_customers(bot, team, team.other_rep_id, 20, prefix="Li Shop")
    stray = await customer(bot, team_id=team.team_id, owner_id=team.other_rep_id, name="Stray Ltd")
    await open_items(bot, team, rita_ids, stray)
    english = await link_account(bot, rita_ids[0], GUEST_TG, "en")
    chinese = await link_account(bot, rita_ids[1], GUEST_TG + 1, "zh_Hans")
    rita = await person(bot, REP_TG)
    li = await person(bot, OTHER_REP_TG)
    zhao_chat = await chat(bot, ZHAO_TG, "Zhao", "Lei")
    wu_chat = await chat(bot, WU_TG, "Wu", "Fang", chinese=True)
    manager = await person(bot, MANAGER_TG)

    start = await manager.send("/handover")
    assert start.text.startswith("Whose customers are you handing over?")
    assert flat(start) == ["Li Wei · 21", "Rita Wang · 500", "Wu Fang · 0", "Zhao Lei · 0", "Cancel"]
    pick = await manager.press("Rita Wang · 500")
    assert pick.text.startswith("Who should take over Rita Wang's 500 customers?")
    assert flat(pick) == ["Li Wei · 21", "Wu Fang · 0", "Zhao Lei · 0", "Continue ▶", "Cancel"]
    refused = await manager.press_for_answer("Continue ▶")
    assert refused is not None
    assert refused["text"] == "Pick at least one rep to hand the customers to."
    for label in ("Li Wei · 21", "Zhao Lei · 0", "Wu Fang · 0"):
        await manager.press(label)
    chosen = await manager.last_message()
    assert flat(chosen)[:3] == ["✅ Li Wei · 21", "✅ Wu Fang · 0", "✅ Zhao Lei · 0"]
    plan = await manager.press("Continue ▶")
    assert plan.text.splitlines()[:3] == [
        "Handover of Rita Wang's customers",
        "Customers: 500 → Li Wei (153), Zhao Lei (174), Wu Fang (173)",
        "Open reminders: 5 · Open tickets: 4",
    ]
    assert flat(plan) == [
        "☑ Tell customers who their new contact is",
        "☐ Switch off Rita Wang's access",
        "✅ Hand over",
        "Cancel",
    ]
    plan = await manager.press("☐ Switch off Rita Wang's access")
    assert "☑ Switch off Rita Wang's access" in flat(plan)

    statements, stop = await count_statements(bot)
    try:
        done = await manager.press("✅ Hand over")
    finally:
        stop()
    assert done.text.splitlines() == [
        "✅ Handover done: 500 customers of Rita Wang moved to Li Wei (153), Zhao Lei (174), Wu Fang (173).",
        "Open reminders moved: 5 · Open tickets moved: 4",
        "2 customers on Telegram are told who their new contact is.",
        "Rita Wang's access is switched off as of now.",
        "Each successor gets a briefing on the customers they take over.",
    ]
    # Set-based: a fixed handful of statements for the whole book, not one per customer.
    assert len(statements) < 80, len(statements)

    assert await owners(bot, rita_ids) == {team.other_rep_id: 153, zhao: 174, wu: 173}
    reminders = await fetch(bot, Reminder, team_id=team.team_id)
    assert {r.user_id for r in reminders if r.status == "pending"} <= {team.other_rep_id, zhao, wu}
    assert [r.user_id for r in reminders if r.status == "done"] == [team.rep_id]
    async with bot.app.db() as session:
        for reminder in (r for r in reminders if r.status == "pending"):
            owner = await session.scalar(select(Customer.owner_id).where(Customer.id == reminder.customer_id))
            assert reminder.user_id == owner
    tickets = await fetch(bot, Ticket, team_id=team.team_id)
    assert team.rep_id not in {ticket.assignee_id for ticket in tickets}
    assert len([e for e in await fetch(bot, TicketEvent) if e.kind == "assigned"]) == 4
    assert len(await fetch(bot, AuditLog, action="customer.reassigned")) == 500
    [summary] = await fetch(bot, AuditLog, action="handover")
    assert (summary.actor_id, summary.target_user_id, summary.details["customers"]) == (
        team.manager_id,
        team.rep_id,
        500,
    )
    [off] = await fetch(bot, AuditLog, action="user.deactivated")
    assert off.target_user_id == team.rep_id
    (rita_row,) = await fetch(bot, User, id=team.rep_id)
    assert rita_row.is_active is False

    # Rita lost access with her very next update, and her command menu went with it.
    assert "has been switched off" in (await rita.send("/today")).text
    assert await rita.menu() == ["start", "feedback", "lang", "help"]

    await deliver(bot)
    for who, n in ((li, 153), (zhao_chat, 174)):
        briefings = [r for r in await who.replies() if r.text.startswith("🤝")]
        assert len(briefings) == 1
        (briefing,) = briefings
        assert briefing.text.startswith(f"🤝 {n} customers of Rita Wang are now yours.\n")
        assert len(briefing.text) < 4096
        assert "Needs attention first" in briefing.text
        assert "No order for" in briefing.text
        assert flat(briefing)[-1] == f"📋 All {n} customers"
        assert 1 <= len(flat(briefing)) <= 7
    (wu_briefing,) = [r for r in await wu_chat.replies() if r.text.startswith("🤝")]
    assert wu_briefing.text.startswith("🤝 Rita Wang的173位客户已交给你。")
    assert [r.text for r in await rita.replies() if r.text.startswith(("🤝", "🔁"))] == []
    told = (await english.replies())[-1].text
    assert told.startswith("Hello! From now on ")
    assert "is your contact at East." in told
    assert "East" in (await chinese.replies())[-1].text
    assert "从现在起" in (await chinese.replies())[-1].text

    listing = await li.press("📋 All 153 customers")
    assert listing.text.startswith("Customers handed to you · page 1 of 20")
    assert len(flat(listing)) == 9
    second = await li.press("Next ▶")
    assert second.text.startswith("Customers handed to you · page 2 of 20")
    assert "◀ Back" in flat(second)
    card = await li.press(flat(second)[0])
    assert card.text.startswith("Rita Shop")
    assert "Owner: Li" in card.text


async def test_handover_in_chinese_to_one_successor_without_telling_customers(bot: Harness) -> None:
    team = await sales_team(bot, manager_locale="zh_Hans")
    lotus = await customer(
        bot,
        team_id=team.team_id,
        owner_id=team.rep_id,
        name="莲花茶馆",
        stage="at_risk",
        health_score=23,
        risk_level="high",
        health_reasons=[{"code": "no_order", "params": {"days": 200, "usual": 18}}],
    )
    guest = await link_account(bot, lotus, GUEST_TG, "zh_Hans")
    rita = await person(bot, REP_TG)
    li = await person(bot, OTHER_REP_TG, chinese=True)
    await li.send("/lang")
    await li.press("简体中文")
    manager = await person(bot, MANAGER_TG, chinese=True)

    start = await manager.send("/handover")
    assert start.text.startswith("要交接谁的客户？")
    await manager.press("Rita Wang · 1")
    await manager.press("Li Wei · 0")
    plan = await manager.press("继续 ▶")
    assert plan.text.splitlines()[:2] == ["Rita Wang的客户交接", "客户：1 → Li Wei（1）"]
    await manager.press("☑ 告诉客户谁是他们的新专属销售")
    done = await manager.press("✅ 交接")
    assert done.text.splitlines()[0] == "✅ 交接完成：Rita Wang的1位客户已转给Li Wei（1）。"

    await deliver(bot)
    (briefing,) = [r for r in await li.replies() if r.text.startswith("🤝")]
    assert briefing.text.startswith("🤝 莲花茶馆现在是你的客户，由Rita Wang交接。")
    assert "已有200天没有下单，平时每18天一单。" in briefing.text
    assert flat(briefing) == ["打开客户卡片"]
    (told,) = [r for r in await rita.replies() if r.text.startswith("🔁")]
    assert told.text == "🔁 Your 1 customer was handed over to Li Wei."
    assert not [r for r in await guest.replies() if "从现在起" in r.text]
    assert "has been switched off" not in (await rita.send("/help")).text


async def test_a_single_customer_moves_from_the_card(bot: Harness) -> None:
    team = await sales_team(bot)
    lotus = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Lotus Tea House", tier="A")
    async with bot.app.db.begin() as session:
        session.add(
            Reminder(team_id=team.team_id, user_id=team.rep_id, customer_id=lotus, kind="custom", due_at=NOW)
        )
    rita = await person(bot, REP_TG)
    li = await person(bot, OTHER_REP_TG)
    manager = await person(bot, MANAGER_TG)
    await plant_button(bot, manager, "Open", f"cust:open:{lotus}")
    card = await manager.press("Open")
    assert ["🔁 Transfer", "🗑 Erase data"] in card.buttons()
    choices = await manager.press("🔁 Transfer")
    assert choices.text == "Who should take over Lotus Tea House?"
    assert flat(choices) == ["Li Wei · 0"]
    done = await manager.press("Li Wei · 0")
    assert done.text == "🔁 Lotus Tea House now belongs to Li Wei; they have been told."
    assert await owners(bot, [lotus]) == {team.other_rep_id: 1}
    assert [r.user_id for r in await fetch(bot, Reminder, customer_id=lotus)] == [team.other_rep_id]
    [entry] = await fetch(bot, AuditLog, action="customer.reassigned")
    assert entry.details["via"] == "card"

    await deliver(bot)
    (briefing,) = [r for r in await li.replies() if r.text.startswith("🤝")]
    assert briefing.text.splitlines()[:2] == [
        "🤝 Lotus Tea House is now your customer, handed over from Rita Wang.",
        "Stage: potential · Tier A",
    ]
    assert "1 open reminder" in briefing.text
    (told,) = [r for r in await rita.replies() if r.text.startswith("🔁")]
    assert told.text == "🔁 Lotus Tea House has been handed over to Li Wei."

    rep_card = await li.press("Open card")
    assert "🔁 Transfer" not in flat(rep_card)


async def ask_for(rep: Person, name: str) -> Reply:
    """/new with a name the team already has, which the guard answers at once, then "Request transfer"."""
    await rep.send("/new")
    guard = await rep.send(name)
    assert flat(guard) == ["Request transfer", "Continue creating", "Cancel"], guard.text
    return await rep.press("Request transfer")


async def test_a_manager_approves_a_transfer_request_and_a_second_press_is_refused(bot: Harness) -> None:
    team = await sales_team(bot)
    theirs = await customer(bot, team_id=team.team_id, owner_id=team.other_rep_id, name="Otto's Shop")
    rita = await person(bot, REP_TG)
    li = await person(bot, OTHER_REP_TG)
    manager = await person(bot, MANAGER_TG)
    asked = await ask_for(rita, "Otto's Shop")
    assert "your manager has been asked to transfer Otto's Shop to you" in asked.text
    await deliver(bot)
    notice = (await manager.replies())[-1]
    assert notice.buttons() == [["Open card"], ["✅ Approve", "✖ Refuse"]]

    done = await manager.press("✅ Approve")
    assert done.text.startswith("Rita Wang asks to take over Otto's Shop")
    assert done.text.endswith(
        "✅ Approved: Otto's Shop now belongs to Rita Wang; they and the previous owner have been told."
    )
    assert done.buttons() == [["Open card"]]
    assert await owners(bot, [theirs]) == {team.rep_id: 1}
    [approved] = await fetch(bot, AuditLog, action="transfer.approved")
    assert (approved.actor_id, approved.customer_id, approved.target_user_id) == (
        team.manager_id,
        theirs,
        team.rep_id,
    )
    await deliver(bot)
    (briefing,) = [
        r for r in await rita.replies() if r.text.startswith("✅ Mona Chen approved your request.")
    ]
    assert "🤝 Otto's Shop is now your customer, handed over from Li Wei." in briefing.text
    (told,) = [r for r in await li.replies() if r.text.startswith("🔁")]
    assert told.text == "🔁 Otto's Shop has been handed over to Rita Wang."

    [row] = await fetch(bot, TransferRequest)
    assert (row.status, row.decided_by_id) == ("approved", team.manager_id)
    again = await press_forged(bot, manager, "Refuse late", f"xfer:no:{row.id}")
    assert again is not None
    assert again["text"] == "Mona Chen already approved this request."
    assert (await fetch(bot, TransferRequest))[0].status == "approved"


async def test_a_refused_request_in_chinese_tells_the_rep_and_moves_nothing(bot: Harness) -> None:
    team = await sales_team(bot, rep_locale="zh_Hans", manager_locale="zh_Hans")
    theirs = await customer(bot, team_id=team.team_id, owner_id=team.other_rep_id, name="王五")
    rita = await person(bot, REP_TG, chinese=True)
    manager = await person(bot, MANAGER_TG, chinese=True)
    await rita.send("/new")
    guard = await rita.send("王五")
    await rita.press(flat(guard)[0])
    await deliver(bot)
    notice = (await manager.replies())[-1]
    assert notice.buttons() == [["打开客户卡片"], ["✅ 同意", "✖ 拒绝"]]

    done = await manager.press("✖ 拒绝")
    assert done.text.endswith("✖ 已拒绝：王五保持原负责人不变；已通知Rita Wang。")
    assert await owners(bot, [theirs]) == {team.other_rep_id: 1}
    assert len(await fetch(bot, AuditLog, action="transfer.refused")) == 1
    await deliver(bot)
    assert (await rita.replies())[-1].text == "✖ Mona Chen拒绝了你接手王五的申请。"


async def test_a_request_overtaken_by_events_lapses(bot: Harness) -> None:
    team = await sales_team(bot)
    theirs = await customer(bot, team_id=team.team_id, owner_id=team.other_rep_id, name="Otto's Shop")
    rita = await person(bot, REP_TG)
    manager = await person(bot, MANAGER_TG)
    await ask_for(rita, "Otto's Shop")
    await deliver(bot)
    async with bot.app.db.begin() as session:
        row = await session.get(User, team.rep_id)
        assert row is not None
        row.is_active = False
    done = await manager.press("✅ Approve")
    assert done.text.endswith(
        "This request no longer applies: the customer or the rep has changed since. Nothing was done."
    )
    assert await owners(bot, [theirs]) == {team.other_rep_id: 1}
    assert (await fetch(bot, TransferRequest))[0].status == "void"


async def test_refusals_for_reps_other_teams_and_stale_buttons(bot: Harness) -> None:
    team = await sales_team(bot)
    lotus = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Lotus Tea House")
    theirs = await customer(bot, team_id=team.team_id, owner_id=team.other_rep_id, name="Otto's Shop")
    rita = await person(bot, REP_TG)
    manager = await person(bot, MANAGER_TG)
    ola, ben = await other_team(bot)

    for command in ("/handover", "/audit"):
        reply = await rita.send(command)
        assert reply.text.startswith("Only a"), reply.text
        assert reply.text.endswith("If you need this, ask your manager.")
    for data in (f"hov:from:{team.rep_id}", f"xfer:pick:{lotus}", "xfer:ok:1"):
        answer = await press_forged(bot, rita, "Forged", data)
        assert answer is not None
        assert answer["text"] == "This button is not available to you."

    # A manager of another team can neither hand over nor move this team's customers.
    answer = await press_forged(bot, ola, "Theirs", f"hov:from:{team.rep_id}")
    assert answer is not None
    assert answer["text"] == (
        "That rep is no longer an active rep in your team. Send /handover to start again."
    )
    answer = await press_forged(bot, ola, "Move", f"xfer:to:{lotus}:{ben}")
    assert answer is not None
    assert answer["text"] == "This customer is not in your list. /find searches the customers you can see."
    await ask_for(rita, "Otto's Shop")
    [row] = await fetch(bot, TransferRequest)
    answer = await press_forged(bot, ola, "Approve", f"xfer:ok:{row.id}")
    assert answer is not None
    assert answer["text"] == "This request belongs to another team; only its managers can decide it."
    assert await owners(bot, [theirs]) == {team.other_rep_id: 1}

    # A rep of another team is no successor, even through a forged button.
    await manager.send("/handover")
    await manager.press("Rita Wang · 1")
    await plant_button(bot, manager, "Ben", f"hov:to:{team.rep_id}:{ben}")
    await manager.press("Ben")
    answer = await manager.press_for_answer("Continue ▶")
    assert answer is not None
    assert answer["text"] == (
        "That rep is no longer an active rep in your team. Send /handover to start again."
    )
    assert await owners(bot, [lotus]) == {team.rep_id: 1}

    # Buttons of a finished (or cancelled) wizard do nothing.
    await manager.send("/handover")
    await manager.press("Rita Wang · 1")
    await manager.press("Li Wei · 1")
    await manager.press("Continue ▶")
    await manager.press("✅ Hand over")
    answer = await press_forged(bot, manager, "Again", f"hov:go:{team.rep_id}")
    assert answer is not None
    assert answer["text"] == "This handover was finished or cancelled. Send /handover to start again."
    assert len(await fetch(bot, AuditLog, action="handover")) == 1
    await manager.send("/handover")
    cancelled = await manager.press("Cancel")
    assert cancelled.text == "Handover cancelled. Nothing was moved."
    answer = await press_forged(bot, manager, "Old", f"hov:go:{team.rep_id}")
    assert answer is not None
    assert answer["text"] == "This handover was finished or cancelled. Send /handover to start again."
