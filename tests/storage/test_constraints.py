"""The database, not the code path, guarantees what must never happen twice or be invalid."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import utcnow
from storage.models import Base, Feedback, Inbox, Invite, Outbox, User, Visit
from tests.support.seed import Seed, seed

Factory = Callable[[Seed], Base]


def inbox_update(_: Seed) -> Base:
    return Inbox(update_id=900_000_001, chat_id=42, payload={"update_id": 900_000_001})


def outbox_message(_: Seed) -> Base:
    return Outbox(
        dedupe_key="reminder:1234:2026-11-24T09:00",
        chat_id=42,
        kind="reminder",
        payload={"method": "sendMessage", "params": {"chat_id": 42, "text": "hi"}},
    )


def invite(ids: Seed) -> Base:
    return Invite(
        token_hash="a" * 64,
        team_id=ids.team_id,
        role="rep",
        created_by_id=ids.rep_id,
        expires_at=utcnow() + timedelta(days=7),
    )


def visit(ids: Seed) -> Visit:
    return Visit(
        team_id=ids.team_id,
        customer_id=ids.customer_id,
        rep_id=ids.rep_id,
        visited_at=utcnow(),
        client_ref="update:77:visit",
    )


@pytest.mark.parametrize("make", [inbox_update, outbox_message, invite, visit])
async def test_a_second_copy_is_refused(
    session_factory: async_sessionmaker[AsyncSession], make: Factory
) -> None:
    async with session_factory.begin() as session:
        ids = await seed(session)
        session.add(make(ids))

    async with session_factory() as session:
        session.add(make(ids))
        with pytest.raises(IntegrityError):
            await session.flush()


async def test_one_survey_answer_of_each_kind_per_visit(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory.begin() as session:
        ids = await seed(session)
        logged = visit(ids)
        session.add(logged)
        await session.flush()
        visit_id = logged.id
        session.add(
            Feedback(
                team_id=ids.team_id, customer_id=ids.customer_id, visit_id=visit_id, kind="csat", score=5
            )
        )
        session.add(
            Feedback(team_id=ids.team_id, customer_id=ids.customer_id, visit_id=visit_id, kind="nps", score=9)
        )

    async with session_factory() as session:
        session.add(
            Feedback(
                team_id=ids.team_id, customer_id=ids.customer_id, visit_id=visit_id, kind="csat", score=1
            )
        )
        with pytest.raises(IntegrityError):
            await session.flush()


async def test_a_duplicate_can_be_caught_without_losing_the_unit_of_work(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """The idempotency pattern for redelivered updates: try the insert in a SAVEPOINT."""
    async with session_factory.begin() as session:
        ids = await seed(session)
        session.add(visit(ids))

    async with session_factory.begin() as session:
        session.add(Outbox(dedupe_key="alert:1", chat_id=42, kind="alert", payload={}))
        await session.flush()
        try:
            async with session.begin_nested():
                session.add(visit(ids))
        except IntegrityError:
            pass

    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Visit)) == 1
        assert await session.scalar(select(func.count()).select_from(Outbox)) == 1


@pytest.mark.parametrize(
    ("kind", "score"),
    [("csat", 0), ("csat", 6), ("nps", 11), ("nps", None), ("text", 3), ("stars", 5)],
)
async def test_scores_outside_their_scale_are_refused(
    session_factory: async_sessionmaker[AsyncSession], kind: str, score: int | None
) -> None:
    async with session_factory() as session:
        ids = await seed(session)
        session.add(Feedback(team_id=ids.team_id, kind=kind, score=score))
        with pytest.raises(IntegrityError):
            await session.flush()


async def test_unknown_roles_are_refused(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        session.add(User(telegram_id=1, first_name="Zhao", role="superuser"))
        with pytest.raises(IntegrityError):
            await session.flush()


async def test_foreign_keys_are_enforced(session_factory: async_sessionmaker[AsyncSession]) -> None:
    """On SQLite only because storage.db switches foreign keys on for every connection."""
    async with session_factory() as session:
        session.add(User(telegram_id=2, first_name="Qian", team_id=999_999))
        with pytest.raises(IntegrityError):
            await session.flush()
