"""People around a handover: reps added to a team, a customer's linked account, and a second team
with its own manager and rep."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.roles import Role
from sandbox.harness import Harness, Person
from storage.models import Customer, Team, User

NOW = datetime(2027, 5, 12, 2, 0, tzinfo=UTC)
ELSEWHERE_TG, ELSEWHERE_REP_TG = 8203, 8204


async def add_rep(
    bot: Harness, team_id: int, telegram_id: int, first: str, last: str, *, locale: str = "en"
) -> int:
    async with bot.app.db.begin() as session:
        user = User(
            telegram_id=telegram_id,
            chat_id=telegram_id,
            first_name=first,
            last_name=last,
            role=Role.REP.value,
            team_id=team_id,
            locale=locale,
            timezone="Asia/Shanghai",
        )
        session.add(user)
        await session.flush()
        return user.id


async def link_account(bot: Harness, customer_id: int, telegram_id: int, locale: str) -> Person:
    async with bot.app.db.begin() as session:
        team_id = (await session.get(Customer, customer_id)).team_id  # type: ignore[union-attr]
        account = User(
            telegram_id=telegram_id,
            chat_id=telegram_id,
            first_name="Lin",
            role=Role.CUSTOMER.value,
            team_id=team_id,
            locale=locale,
        )
        session.add(account)
        await session.flush()
        row = await session.get(Customer, customer_id)
        assert row is not None
        row.user_id = account.id
        row.linked_at = NOW
    guest = await bot.person(telegram_id, "Lin", language_code="zh-hans" if locale == "zh_Hans" else "en")
    await guest.send("/start")
    return guest


async def other_team(bot: Harness) -> tuple[Person, int]:
    """A second team with its own manager (Ola) and rep (Ben)."""
    async with bot.app.db.begin() as session:
        team = Team(name="West", timezone="Asia/Shanghai")
        session.add(team)
        await session.flush()
        boss = User(
            telegram_id=ELSEWHERE_TG,
            chat_id=ELSEWHERE_TG,
            first_name="Ola",
            role="manager",
            team_id=team.id,
            locale="en",
        )
        session.add(boss)
        team_id = team.id
    ben = await add_rep(bot, team_id, ELSEWHERE_REP_TG, "Ben", "Hu")
    ola = await bot.person(ELSEWHERE_TG, "Ola")
    await ola.send("/help")
    return ola, ben
