"""A reminder desk: a team in Shanghai with two reps and a manager, customers and reminders added
directly, staff who have opened the chat, and the jobs' clock stopped where a test needs it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.domain.enums import ReminderKind, ReminderStatus
from bot.runtime.jobs import Background, background
from bot.services.customers import search_columns
from sandbox.harness import Harness, Person
from storage.models import Customer, Reminder, Team, User

# 09:00 in Shanghai, the team's zone.
T = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Desk:
    """A team with two reps and a manager; ids of their users rows."""

    team_id: int
    rep_id: int
    other_id: int
    manager_id: int


REP, OTHER, MANAGER = 8101, 8102, 8103


async def desk(bot: Harness, *, rep_locale: str = "en", rep_timezone: str | None = None) -> Desk:
    async with bot.app.db.begin() as session:
        team = Team(name="East", timezone="Asia/Shanghai", created_at=T)
        session.add(team)
        await session.flush()
        ids = []
        for telegram_id, name, role, locale, zone in (
            (REP, "Rita", "rep", rep_locale, rep_timezone),
            (OTHER, "Otto", "rep", "en", None),
            (MANAGER, "Mona", "manager", "en", None),
        ):
            user = User(
                telegram_id=telegram_id,
                chat_id=telegram_id,
                first_name=name,
                role=role,
                team_id=team.id,
                locale=locale,
                timezone=zone,
            )
            session.add(user)
            await session.flush()
            ids.append(user.id)
    return Desk(team.id, *ids)


async def add_customer(
    bot: Harness, desk: Desk, name: str, *, owner_id: int | None = None, **fields: Any
) -> int:
    async with bot.app.db.begin() as session:
        row = Customer(
            team_id=desk.team_id,
            owner_id=desk.rep_id if owner_id is None else owner_id,
            name=name,
            created_at=fields.pop("created_at", T - timedelta(days=1)),
            **search_columns(name=name, company=None, e164=None),
            **fields,
        )
        session.add(row)
        await session.flush()
        return row.id


async def add_reminder(
    bot: Harness,
    desk: Desk,
    *,
    due_at: datetime,
    customer_id: int | None = None,
    user_id: int | None = None,
    note: str | None = None,
    kind: str = ReminderKind.FOLLOW_UP,
    status: str = ReminderStatus.PENDING,
) -> int:
    async with bot.app.db.begin() as session:
        row = Reminder(
            team_id=desk.team_id,
            user_id=desk.rep_id if user_id is None else user_id,
            customer_id=customer_id,
            kind=kind,
            due_at=due_at,
            note=note,
            status=status,
            created_at=T - timedelta(days=2),
        )
        session.add(row)
        await session.flush()
        return row.id


def frozen(bot: Harness, at: datetime) -> Background:
    """Stop the jobs' clock at `at`."""
    jobs = background(bot.app)
    jobs.clock = lambda: at
    return jobs


async def chatting(bot: Harness, telegram_id: int, *, chinese: bool = False) -> Person:
    """A staff member who has opened the chat (Telegram lets a bot write only to those)."""
    person = await bot.person(telegram_id, "Rita", language_code="zh-hans" if chinese else "en")
    await person.send("/start")
    return person
