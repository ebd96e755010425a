"""Reads and writes behind CSAT and NPS surveys: scheduling, the due scan, answers, NPS planning."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.domain.enums import FeedbackKind, SurveyKind, SurveyStatus
from storage.models import Customer, Feedback, Survey, Team, User, Visit

Account = aliased(User, name="account")
Rep = aliased(User, name="rep")


@dataclass(frozen=True, slots=True)
class DueSurvey:
    """A survey that fell due, with what its message needs; `chat_id` None when nobody can get it."""

    survey_id: int
    kind: str
    customer_id: int
    chat_id: int | None
    account_id: int | None
    locale: str | None
    timezone: str
    team_name: str
    team_settings: dict[str, Any]
    visited_at: datetime | None
    rep_name: str | None


@dataclass(frozen=True, slots=True)
class NpsCandidate:
    customer_id: int
    timezone: str


async def add(
    session: AsyncSession,
    *,
    team_id: int,
    customer_id: int,
    kind: SurveyKind,
    due_at: datetime,
    now: datetime,
    visit_id: int | None = None,
) -> Survey:
    survey = Survey(
        team_id=team_id,
        customer_id=customer_id,
        visit_id=visit_id,
        kind=kind.value,
        status=SurveyStatus.SCHEDULED.value,
        due_at=due_at,
        created_at=now,
    )
    session.add(survey)
    await session.flush()
    return survey


async def due(session: AsyncSession, *, now: datetime, limit: int) -> list[DueSurvey]:
    """Scheduled surveys whose time has come, oldest first, with the customer's chat and zone."""
    reachable = and_(
        Account.id == Customer.user_id,
        Account.is_active.is_(True),
        Account.blocked_bot.is_(False),
        Account.chat_id.is_not(None),
        Customer.erased_at.is_(None),
    )
    rows = await session.execute(
        select(
            Survey.id,
            Survey.kind,
            Survey.customer_id,
            Account.chat_id,
            Account.id,
            func.coalesce(Account.locale, Team.locale),
            func.coalesce(Account.timezone, Team.timezone),
            Team.name,
            Team.settings,
            Visit.visited_at,
            Rep.first_name,
        )
        .join(Customer, Customer.id == Survey.customer_id)
        .join(Team, Team.id == Survey.team_id)
        .outerjoin(Account, reachable)
        .outerjoin(Visit, Visit.id == Survey.visit_id)
        .outerjoin(Rep, Rep.id == Visit.rep_id)
        .where(Survey.status == SurveyStatus.SCHEDULED, Survey.due_at <= now)
        .order_by(Survey.due_at, Survey.id)
        .limit(limit)
    )
    return [
        DueSurvey(
            survey_id=row[0],
            kind=row[1],
            customer_id=row[2],
            chat_id=row[3],
            account_id=row[4],
            locale=row[5],
            timezone=row[6],
            team_name=row[7],
            team_settings=dict(row[8] or {}),
            visited_at=row[9],
            rep_name=row[10],
        )
        for row in rows
    ]


async def set_status(
    session: AsyncSession, *, survey_ids: Sequence[int], status: SurveyStatus, now: datetime
) -> None:
    if not survey_ids:
        return
    values: dict[str, Any] = {"status": status.value}
    if status is SurveyStatus.SENT:
        values["sent_at"] = now
    await session.execute(update(Survey).where(Survey.id.in_(survey_ids)).values(**values))


async def postpone(session: AsyncSession, *, survey_id: int, due_at: datetime) -> None:
    await session.execute(update(Survey).where(Survey.id == survey_id).values(due_at=due_at))


async def expire_unanswered(session: AsyncSession, *, sent_before: datetime) -> int:
    """Close sent surveys nobody answered; how many."""
    result = await session.execute(
        update(Survey)
        .where(Survey.status == SurveyStatus.SENT, Survey.sent_at <= sent_before)
        .values(status=SurveyStatus.EXPIRED.value)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def for_answer(session: AsyncSession, *, survey_id: int) -> tuple[Survey, Customer] | None:
    """The survey and its customer, locked for the answer (a double press waits for the first)."""
    row = (
        await session.execute(
            select(Survey, Customer)
            .join(Customer, Customer.id == Survey.customer_id)
            .where(Survey.id == survey_id)
            .with_for_update(of=Survey)
        )
    ).one_or_none()
    return (row[0], row[1]) if row is not None else None


async def feedback_of(session: AsyncSession, *, survey_id: int) -> Feedback | None:
    return await session.scalar(select(Feedback).where(Feedback.survey_id == survey_id))


async def add_feedback(
    session: AsyncSession,
    *,
    survey: Survey,
    rep_id: int | None,
    score: int,
    now: datetime,
) -> Feedback:
    feedback = Feedback(
        team_id=survey.team_id,
        customer_id=survey.customer_id,
        rep_id=rep_id,
        visit_id=survey.visit_id,
        survey_id=survey.id,
        kind=FeedbackKind(survey.kind).value,
        score=score,
        created_at=now,
    )
    session.add(feedback)
    await session.flush()
    return feedback


async def visit_of(session: AsyncSession, *, visit_id: int | None) -> Visit | None:
    return await session.get(Visit, visit_id) if visit_id is not None else None


async def teams_with_linked_customers(session: AsyncSession) -> list[tuple[int, str, dict[str, Any]]]:
    """Teams that have at least one customer on Telegram: id, time zone, settings."""
    linked = exists().where(Customer.team_id == Team.id, Customer.user_id.is_not(None))
    rows = await session.execute(
        select(Team.id, Team.timezone, Team.settings).where(linked).order_by(Team.id)
    )
    return [(row[0], row[1], dict(row[2] or {})) for row in rows]


async def nps_candidates(
    session: AsyncSession,
    *,
    team_id: int,
    linked_before: datetime,
    asked_since: datetime,
    after_id: int,
    limit: int,
) -> list[NpsCandidate]:
    """Customers of the team linked before `linked_before` with no NPS survey out since `asked_since`.

    A survey counts from when it was sent, or when it is due while still waiting; cancelled ones
    (the customer had gone) do not count.
    """
    recent = exists().where(
        Survey.customer_id == Customer.id,
        Survey.kind == SurveyKind.NPS,
        Survey.status != SurveyStatus.CANCELLED,
        or_(
            Survey.status == SurveyStatus.SCHEDULED,
            func.coalesce(Survey.sent_at, Survey.due_at) > asked_since,
        ),
    )
    rows = await session.execute(
        select(Customer.id, func.coalesce(Account.timezone, Team.timezone))
        .join(Account, Account.id == Customer.user_id)
        .join(Team, Team.id == Customer.team_id)
        .where(
            Customer.team_id == team_id,
            Customer.id > after_id,
            Customer.erased_at.is_(None),
            Customer.linked_at <= linked_before,
            Account.is_active.is_(True),
            Account.blocked_bot.is_(False),
            ~recent,
        )
        .order_by(Customer.id)
        .limit(limit)
    )
    return [NpsCandidate(row[0], row[1]) for row in rows]


async def add_many(session: AsyncSession, *, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(Survey), list(rows))
