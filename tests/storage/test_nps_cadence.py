"""Which linked customers are asked for an NPS: the plan that the scheduler runs, on the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.enums import SurveyKind, SurveyStatus
from bot.domain.roles import Role
from bot.services.surveys import plan_nps
from storage.models import Customer, Survey, User
from tests.support.seed import seed

NOW = datetime(2027, 5, 1, 2, 0, tzinfo=UTC)
_telegram_ids = count(20_000_001)


@pytest.mark.parametrize(
    ("linked_days", "last_days", "asked"),
    [
        (None, None, False),
        (59, None, False),
        (60, None, True),
        (400, 89, False),
        (400, 90, True),
        (400, 91, True),
    ],
)
async def test_nps_cadence(
    session_factory: async_sessionmaker[AsyncSession],
    linked_days: int | None,
    last_days: int | None,
    asked: bool,
) -> None:
    """Linked for at least 60 days, and not asked in the last 90."""
    async with session_factory.begin() as session:
        ids = await seed(session)
        account = User(
            telegram_id=next(_telegram_ids), first_name="Zhang", role=Role.CUSTOMER, team_id=ids.team_id
        )
        session.add(account)
        await session.flush()
        customer = await session.get_one(Customer, ids.customer_id)
        customer.user_id = account.id
        customer.linked_at = NOW - timedelta(days=linked_days) if linked_days is not None else None
        if last_days is not None:
            sent = NOW - timedelta(days=last_days)
            session.add(
                Survey(
                    team_id=ids.team_id,
                    customer_id=ids.customer_id,
                    kind=SurveyKind.NPS,
                    status=SurveyStatus.ANSWERED,
                    due_at=sent,
                    sent_at=sent,
                    answered_at=sent,
                )
            )

    async with session_factory.begin() as session:
        planned, _ = await plan_nps(session, team_id=ids.team_id, settings={}, now=NOW)

    async with session_factory() as session:
        scheduled = await session.scalars(
            select(Survey.customer_id).where(Survey.status == SurveyStatus.SCHEDULED)
        )
        assert list(scheduled) == ([ids.customer_id] if asked else [])
    assert planned == int(asked)
