"""Restarts keep everything a person has begun: dialog drafts, pending imports, erase codes and
conversation steps.

Each walk stops the bot after every step and goes on in a new application on the same database
and sandbox, so every step runs in a process that loaded the person's state at its start and
then changes it: the case that once lost every change made after a restart. Stopping the
application is what `fieldcrm run` does on SIGTERM; tests/test_restart_kill.py does the same
with real processes and kill -9.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AsyncExitStack
from decimal import Decimal

import pytest

from bot.runtime.leader import LEADERSHIP_KEY
from sandbox import SandboxServer, SandboxUser
from sandbox.factories import MANAGER_TG, REP_TG, customer, fetch, person, plant_button, sales_team
from sandbox.harness import Harness, Person, running_bot, settings_for, webhook_bot
from storage.models import Customer, Order, Visit
from tests.support.restarts import ORDER, Step, press, rep_with_acme, send, stored, upload

VISIT = [
    send("/visit", "Which customer did you visit?"),
    press("Acme", "How did you meet?"),
    press("On-site", "How did it go?"),
    press("Positive", "Any notes?"),
    send("Signed the renewal", "Check in"),
    send("Skip check-in", "When is the next follow-up?"),
    press("No follow-up", "Visit to Acme"),
    press("✅ Save", "Visit to Acme saved."),
]

IMPORT = [
    upload("first.csv", [["name"], ["Echo"]], "1 new customer"),
    upload("second.csv", [["name"], ["Foxtrot"], ["Golf"]], "2 new customers"),
    press("Confirm import", "Import of second.csv finished"),
]

ERASE = [
    press("Open", "Lotus"),
    press("🗑 Erase data", "Erase the personal data of Lotus?"),
    press("Continue ▶", "Last check: erase the personal data of Lotus for good?"),
    press("🗑 Erase Lotus for good", "Personal data erased on"),
]


async def walk_with_restarts(
    sandbox: SandboxServer, database_url: str, telegram_id: int, steps: Sequence[Step]
) -> None:
    """Each step in a new application on the same database, the previous one stopped as on SIGTERM."""
    settings = settings_for(sandbox, database_url)
    for number, step in enumerate(steps, 1):
        async with running_bot(settings, sandbox) as bot:
            who = Person(bot.app, bot.client, SandboxUser(bot.client, telegram_id))
            reply = await step.by(who)
        assert step.expect in reply.text, f"step {number} ({step}) after a restart: {reply.text!r}"


async def test_an_order_goes_on_after_a_restart_at_every_step(
    sandbox: SandboxServer, database_url: str
) -> None:
    team, acme = await rep_with_acme(sandbox, database_url)

    await walk_with_restarts(sandbox, database_url, REP_TG, ORDER)

    [order] = await stored(sandbox, database_url, Order)
    assert (order.customer_id, order.rep_id, order.amount, order.currency, order.note) == (
        acme,
        team.rep_id,
        Decimal("750.00"),
        "USD",
        "Widgets × 10",
    )


async def test_a_visit_goes_on_after_a_restart_at_every_step(
    sandbox: SandboxServer, database_url: str
) -> None:
    _, acme = await rep_with_acme(sandbox, database_url)

    await walk_with_restarts(sandbox, database_url, REP_TG, VISIT)

    [visit] = await stored(sandbox, database_url, Visit)
    assert (visit.customer_id, visit.kind, visit.outcome, visit.notes) == (
        acme,
        "on_site",
        "positive",
        "Signed the renewal",
    )


async def test_the_latest_pending_import_is_confirmed_after_restarts(
    sandbox: SandboxServer, database_url: str
) -> None:
    async with running_bot(settings_for(sandbox, database_url), sandbox) as bot:
        await sales_team(bot)
        await person(bot, MANAGER_TG)

    await walk_with_restarts(sandbox, database_url, MANAGER_TG, IMPORT)

    names = sorted(c.name for c in await stored(sandbox, database_url, Customer))
    assert names == ["Foxtrot", "Golf"]


async def test_the_erase_code_holds_across_restarts(sandbox: SandboxServer, database_url: str) -> None:
    async with running_bot(settings_for(sandbox, database_url), sandbox) as bot:
        team = await sales_team(bot)
        lotus = await customer(
            bot, team_id=team.team_id, owner_id=team.rep_id, name="Lotus", phone="+8613800138000"
        )
        manager = await person(bot, MANAGER_TG)
        await plant_button(bot, manager, "Open", f"cust:open:{lotus}")

    await walk_with_restarts(sandbox, database_url, MANAGER_TG, ERASE)

    [row] = await stored(sandbox, database_url, Customer, id=lotus)
    assert (row.name, row.phone_e164) == (f"#{lotus}", None)
    assert row.erased_at is not None


async def test_a_stopped_dialog_is_not_brought_back(sandbox: SandboxServer, database_url: str) -> None:
    """What a restarted process ends (here /cancel) stays ended after the next restart."""
    await rep_with_acme(sandbox, database_url)

    steps = [
        *ORDER[:4],
        send("/cancel", "Cancelled. No order was saved."),
        send("750", "No customer matches"),
    ]
    await walk_with_restarts(sandbox, database_url, REP_TG, steps)

    assert await stored(sandbox, database_url, Order) == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_an_order_goes_on_across_two_failovers(sandbox: SandboxServer, database_url: str) -> None:
    """Replicas in webhook mode: each new leader loads the state its predecessor wrote
    (`reload_into`), changes it, and the next leader goes on from there."""

    def rep_on(bot: Harness) -> Person:
        return bot.person_type(bot.app, bot.client, SandboxUser(bot.client, REP_TG))

    async def walk(bot: Harness, steps: Sequence[Step]) -> None:
        who = rep_on(bot)
        for step in steps:
            reply = await step.by(who)
            assert step.expect in reply.text, f"{step} on the new leader: {reply.text!r}"
            assert bot.app.bot_data[LEADERSHIP_KEY].is_leader

    async with AsyncExitStack() as first_stack, AsyncExitStack() as second_stack, AsyncExitStack() as third:
        first = await first_stack.enter_async_context(
            webhook_bot(sandbox, database_url, leader_poll_seconds=1)
        )
        # The replica started last registered its URL last: Telegram posts to it.
        second = await second_stack.enter_async_context(
            webhook_bot(sandbox, database_url, leader_poll_seconds=1)
        )
        team = await sales_team(second)
        acme = await customer(second, team_id=team.team_id, owner_id=team.rep_id, name="Acme")
        await person(second, REP_TG)
        await walk(first, ORDER[:3])

        await first_stack.aclose()
        await walk(second, ORDER[3:6])

        last = await third.enter_async_context(webhook_bot(sandbox, database_url, leader_poll_seconds=1))
        await second_stack.aclose()
        await walk(last, ORDER[6:])

        [order] = await fetch(last, Order)
    assert (order.customer_id, order.amount, order.currency) == (acme, Decimal("750.00"), "USD")
