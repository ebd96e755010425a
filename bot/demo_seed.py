"""A small demo team so `fieldcrm demo` can be tried as a manager or a rep straight away.

Idempotent: a second run finds the team by name and adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import Role
from bot.services.customers import search_columns
from storage.models import Customer, Team, User

TEAM_NAME = "Demo Sales 演示团队"


@dataclass(frozen=True, slots=True)
class DemoPerson:
    telegram_id: int
    first_name: str
    last_name: str
    role: Role
    locale: str


STAFF = (
    DemoPerson(1000, "Ada", "Admin", Role.ADMIN, "en"),
    DemoPerson(2000, "美", "陈", Role.MANAGER, "zh_Hans"),
    DemoPerson(3000, "Ravi", "Kumar", Role.REP, "en"),
    DemoPerson(3001, "伟", "李", Role.REP, "zh_Hans"),
)

CUSTOMERS = (
    (3000, "Acme Trading", "Acme Trading Co.", "+8613800138001", "A", 31.2304, 121.4737),
    (3000, "Bright Foods", "Bright Foods Ltd", "+8613800138002", "B", 31.2243, 121.4768),
    (3000, "Harbour Hotel", None, "+85291234567", "VIP", 22.2855, 114.1577),
    (3001, "张三", "上海张记批发", "+8613900139001", "B", 31.2400, 121.4900),
    (3001, "王芳", "芳华餐饮", "+8613900139002", "A", None, None),
    (3001, "刘强", "强盛五金", "+8613900139003", "C", None, None),
)


async def seed(session: AsyncSession, *, now: datetime) -> bool:
    """Create the demo team, its staff and customers; False if they are already there."""
    if await session.scalar(select(Team.id).where(Team.name == TEAM_NAME)) is not None:
        return False
    team = Team(name=TEAM_NAME, timezone="Asia/Shanghai", created_at=now)
    session.add(team)
    await session.flush()
    users: dict[int, User] = {}
    for person in STAFF:
        user = await session.scalar(select(User).where(User.telegram_id == person.telegram_id))
        if user is None:
            user = User(telegram_id=person.telegram_id, first_name=person.first_name)
            session.add(user)
        user.last_name = person.last_name
        user.role = person.role.value
        user.team_id = team.id
        user.locale = person.locale
        user.is_active = True
        users[person.telegram_id] = user
    await session.flush()
    for rep in (3000, 3001):
        users[rep].manager_id = users[2000].id
    for owner, name, company, phone, tier, latitude, longitude in CUSTOMERS:
        session.add(
            Customer(
                team_id=team.id,
                owner_id=users[owner].id,
                name=name,
                company=company,
                phone_e164=phone,
                tier=tier,
                latitude=latitude,
                longitude=longitude,
                created_at=now,
                updated_at=now,
                **search_columns(name=name, company=company, e164=phone),
            )
        )
    await session.flush()
    return True
