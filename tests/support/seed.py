"""The smallest graph of rows most storage tests need: a team, a rep and a customer."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import Role
from storage.models import Customer, Team, User

_telegram_ids = count(10_000_001)


@dataclass(frozen=True)
class Seed:
    team_id: int
    rep_id: int
    customer_id: int


async def seed(session: AsyncSession) -> Seed:
    team = Team(name="North")
    session.add(team)
    await session.flush()
    rep = User(
        telegram_id=next(_telegram_ids), first_name="Li", last_name="Wei", role=Role.REP, team_id=team.id
    )
    session.add(rep)
    await session.flush()
    customer = Customer(team_id=team.id, owner_id=rep.id, name="张三商行", name_pinyin="zhang san shang hang")
    session.add(customer)
    await session.flush()
    return Seed(team_id=team.id, rep_id=rep.id, customer_id=customer.id)
