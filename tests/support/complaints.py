"""A complaint desk: a team, a linked customer in the chat, and the jobs' clock frozen at 10:00 in
Shanghai; helpers to file a complaint and let the sender drain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from bot.runtime.jobs import Background, background
from sandbox.factories import MANAGER_TG, REP_TG, SalesTeam, customer, person, sales_team
from sandbox.harness import HandClock, Harness, Person
from storage.models import Customer, User

NOW = datetime(2027, 5, 12, 2, 0, tzinfo=UTC)
CUSTOMER_TG, OTHER_CUSTOMER_TG = 9401, 9402


@dataclass
class Desk:
    """A team, its rep and manager, and a linked customer (Lotus Tea House, Rita's) in the chat."""

    team: SalesTeam
    rep: Person
    manager: Person
    guest: Person
    customer_id: int
    clock: HandClock
    jobs: Background


async def link_account(
    bot: Harness, *, team_id: int, customer_id: int, telegram_id: int, locale: str
) -> None:
    async with bot.app.db.begin() as session:
        account = User(
            telegram_id=telegram_id,
            chat_id=telegram_id,
            first_name="Lin",
            role="customer",
            team_id=team_id,
            locale=locale,
        )
        session.add(account)
        await session.flush()
        await session.execute(
            update(Customer).where(Customer.id == customer_id).values(user_id=account.id, linked_at=NOW)
        )


async def desk(bot: Harness, *, chinese: bool = False, chinese_manager: bool = False) -> Desk:
    clock = HandClock(NOW)
    jobs = background(bot.app)
    jobs.clock = clock
    team = await sales_team(bot, manager_locale="zh_Hans" if chinese_manager else "en")
    lotus = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Lotus Tea House")
    await link_account(
        bot,
        team_id=team.team_id,
        customer_id=lotus,
        telegram_id=CUSTOMER_TG,
        locale="zh_Hans" if chinese else "en",
    )
    rep = await person(bot, REP_TG)
    manager = await person(bot, MANAGER_TG, chinese=chinese_manager)
    guest = await bot.person(CUSTOMER_TG, "Lin", language_code="zh-hans" if chinese else "en")
    return Desk(team, rep, manager, guest, lotus, clock, jobs)


async def send_out(desk: Desk) -> None:
    """Let the sender drain for a few paced seconds, then put the clock back."""
    start = desk.clock.at
    for step in range(4):
        desk.clock.at = start + timedelta(seconds=2 * step)
        await desk.jobs.deliver()
    desk.clock.at = start


async def file_complaint(
    desk: Desk, *, category: str = "Delivery", text: str = "The tea arrived broken.", skip: str = "Skip"
) -> str:
    """File a complaint with Skip for the photo; the confirmation the customer reads."""
    await desk.guest.send("/complaint")
    await desk.guest.press(category)
    await desk.guest.send(text)
    return (await desk.guest.press(skip)).text
