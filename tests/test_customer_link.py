"""A customer's personal link: the rep's QR code and link, opening it, re-linking, and refusals."""

from __future__ import annotations

import re

from bot.runtime.jobs import background
from handlers.customer.link import qr_png
from sandbox.factories import MANAGER_TG, REP_TG, SalesTeam, customer, fetch, person, press_forged, sales_team
from sandbox.harness import Harness, Person
from storage.models import AuditLog, Customer, User

LINK = re.compile(r"https://t\.me/FieldCrmBot\?start=(c_[A-Za-z0-9_-]+)")
CUSTOMER_TG, NEW_PHONE_TG = 9301, 9302


async def rep_with_customer(bot: Harness) -> tuple[SalesTeam, Person, int]:
    team = await sales_team(bot)
    lotus = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Lotus Tea House")
    rep = await person(bot, REP_TG)
    return team, rep, lotus


async def fresh_link(rep: Person, name: str = "Lotus Tea House") -> tuple[str, bytes]:
    """Open the card by search and press the link button; the /start payload and the QR image."""
    await rep.send(name)
    await rep.press(name)
    shown = await rep.press("🔗 Customer's link to the bot")
    assert shown.message.photo
    found = LINK.search(shown.text)
    assert found is not None, shown.text
    png = await rep.account.download(shown.message.photo[-1]["file_id"])
    return found.group(1), png


async def test_the_rep_gets_a_qr_code_and_the_customer_connects_with_it(bot: Harness) -> None:
    team, rep, lotus = await rep_with_customer(bot)

    payload, png = await fresh_link(rep)

    assert png == qr_png(f"https://t.me/FieldCrmBot?start={payload}")
    caption = (await rep.last_message()).text
    assert caption.startswith("🔗 Personal link for Lotus Tea House\n")
    assert "It works once" in caption
    stored = (await fetch(bot, Customer, id=lotus))[0]
    assert stored.link_token_hash is not None
    assert payload.removeprefix("c_") not in stored.link_token_hash

    guest = await bot.person(CUSTOMER_TG, "Lin", language_code="en")
    welcome = await guest.send(f"/start {payload}")

    assert welcome.text.startswith("Welcome, Lotus Tea House! You are now connected with East.")
    (account,) = await fetch(bot, User, telegram_id=CUSTOMER_TG)
    assert (account.role, account.team_id) == ("customer", team.team_id)
    assert (await fetch(bot, Customer, id=lotus))[0].user_id == account.id
    assert [entry.action for entry in await fetch(bot, AuditLog, customer_id=lotus)][-1] == "customer.linked"

    await background(bot.app).deliver()
    told = (await rep.replies())[-1]
    assert told.text.startswith("🔗 Lotus Tea House is now connected on Telegram")
    card = await rep.press("Open card")
    assert "📱 Connected on Telegram" in card.text

    again = await guest.send(f"/start {payload}")
    assert again.text.startswith("This link is not valid any more: it was used already or replaced")


async def test_a_chinese_customer_is_greeted_in_chinese(bot: Harness) -> None:
    _, rep, _ = await rep_with_customer(bot)
    payload, _ = await fresh_link(rep)

    guest = await bot.person(CUSTOMER_TG, "林", language_code="zh-hans")
    welcome = await guest.send(f"/start {payload}")

    assert welcome.text.startswith("欢迎您，Lotus Tea House！您已与East建立联系。")


async def test_a_new_link_replaces_the_old_and_moves_the_customer_to_a_new_phone(bot: Harness) -> None:
    _, rep, lotus = await rep_with_customer(bot)
    first, _ = await fresh_link(rep)
    old_phone = await bot.person(CUSTOMER_TG, "Lin")
    await old_phone.send(f"/start {first}")
    unused, _ = await fresh_link(rep)
    second, _ = await fresh_link(rep)
    assert unused != second

    new_phone = await bot.person(NEW_PHONE_TG, "Lin")
    stale = await new_phone.send(f"/start {unused}")
    assert stale.text.startswith("This link is not valid any more")
    moved = await new_phone.send(f"/start {second}")
    assert moved.text.startswith("Welcome, Lotus Tea House!")

    (old_account,) = await fetch(bot, User, telegram_id=CUSTOMER_TG)
    (new_account,) = await fetch(bot, User, telegram_id=NEW_PHONE_TG)
    assert (await fetch(bot, Customer, id=lotus))[0].user_id == new_account.id
    assert (old_account.role, old_account.team_id) == (None, None)
    assert new_account.role == "customer"


async def test_staff_cannot_use_a_customer_link_and_it_stays_valid(bot: Harness) -> None:
    _, rep, lotus = await rep_with_customer(bot)
    payload, _ = await fresh_link(rep)
    manager = await person(bot, MANAGER_TG)

    refused = await manager.send(f"/start {payload}")

    assert refused.text.startswith("This is a customer's personal link, and you use FieldCRM as staff")
    assert (await fetch(bot, Customer, id=lotus))[0].user_id is None
    guest = await bot.person(CUSTOMER_TG, "Lin")
    assert (await guest.send(f"/start {payload}")).text.startswith("Welcome, Lotus Tea House!")


async def test_a_made_up_link_and_another_reps_customer_are_refused(bot: Harness) -> None:
    team, rep, _ = await rep_with_customer(bot)
    guest = await bot.person(CUSTOMER_TG, "Lin")
    for payload in ("c_" + "x" * 22, "c_short", "c_💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥"):
        reply = await guest.send(f"/start {payload}")
        assert reply.text.startswith("This link is not valid any more"), payload
    (account,) = await fetch(bot, User, telegram_id=CUSTOMER_TG)
    assert account.role is None

    theirs = await customer(bot, team_id=team.team_id, owner_id=team.other_rep_id, name="Otto's Shop")
    answer = await press_forged(bot, rep, "Link", f"cust:link:{theirs}")
    assert answer is not None
    assert answer["text"] == "This customer is not in your list. /find searches the customers you can see."
    assert (await fetch(bot, Customer, id=theirs))[0].link_token_hash is None
