"""CSAT after a visit and NPS on a cadence: scheduling, sending in the customer's daytime, answers.

A low answer (CSAT 1–2, NPS 0–6) is the staff's to act on, not a complaint the customer filed: it
opens an internal follow-up (a reminder) for the rep (CSAT: who visited; NPS: the owner) and tells
them once, with the score and the customer's comment. That one alert waits `COMMENT_WAIT` for the
comment; a comment (or Skip) in time sends it at once with the comment in it, under the same key, so
nobody hears of one answer twice. For CSAT the rep's manager gets the same single alert. The
question and the alerts are push requests, worded by handlers/survey/pushes.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import surveys as rules
from bot.domain.enums import ReminderKind, SurveyKind, SurveyStatus
from bot.domain.roles import Role
from bot.domain.text import clip
from bot.domain.viewer import Viewer
from bot.services.errors import NotFound, ServiceError
from bot.services.pushes import PushRequest, Recipient
from storage.models import Customer, Feedback, Reminder, Survey, Team, User
from storage.queries import outbox, reminders, users
from storage.queries import surveys as queries

SEND_BATCH = 200
PLAN_BATCH = 500
MAX_COMMENT = 2000
ALERT_PRIORITY = 3
# How long a low score's alert waits for the customer's comment before it goes without one.
COMMENT_WAIT = timedelta(minutes=10)


class SurveyGone(NotFound):
    """No such survey, or not this customer's, or never sent."""


class AlreadyAnswered(ServiceError):
    """The survey has its answer; a second press changes nothing."""


class SurveyClosed(ServiceError):
    """Expired (not answered within 7 days) or withdrawn."""


@dataclass(frozen=True, slots=True)
class Answered:
    survey_id: int
    kind: SurveyKind
    score: int
    pushes: tuple[PushRequest, ...] = ()


@dataclass(frozen=True, slots=True)
class Commented:
    """A comment kept with its answer (or a Skip), whether the score was low, and the alert it
    completes (for a low score whose alert has not gone yet)."""

    low: bool = False
    pushes: tuple[PushRequest, ...] = ()


@dataclass(frozen=True, slots=True)
class SendPass:
    """How many due surveys one pass handled, and the questions to queue."""

    handled: int
    pushes: list[PushRequest]


@dataclass(frozen=True, slots=True)
class SurveyQuestion:
    """The question put to a customer: a visit's rating (by whom, when) or the NPS question."""

    survey_id: int
    kind: str
    team_name: str
    rep_name: str | None
    visited_at: datetime | None


@dataclass(frozen=True, slots=True)
class LowScore:
    """A low score with the customer's comment, if one came in time, for the staff concerned: the
    rep's copy carries their follow-up (to mark done), the owner's the phone to call (as on the card,
    only the owner sees it in full); a manager's names the rep."""

    customer_id: int
    customer_name: str
    kind: str
    score: int
    comment: str | None
    answered_at: datetime
    rep_name: str | None
    follow_up_id: int | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class CsatAverage:
    average: Decimal
    answers: int

    @classmethod
    def of(cls, total: int, answers: int) -> CsatAverage | None:
        """The average of `answers` scores summing to `total`; None without answers."""
        return cls(Decimal(total) / answers, answers) if answers > 0 else None


async def schedule_csat(
    session: AsyncSession, *, customer: Customer, visit_id: int, visited_at: datetime, now: datetime
) -> Survey | None:
    """The visit's rating question, due after the team's delay in the customer's daytime; linked only."""
    if customer.user_id is None or customer.erased_at is not None:
        return None
    team = await session.get(Team, customer.team_id)
    account = await session.get(User, customer.user_id)
    if team is None or account is None:
        return None
    due_at = rules.csat_due(
        visited_at, timing=rules.timing(team.settings), tz=account.timezone or team.timezone
    )
    return await queries.add(
        session,
        team_id=customer.team_id,
        customer_id=customer.id,
        visit_id=visit_id,
        kind=SurveyKind.CSAT,
        due_at=due_at,
        now=now,
    )


async def send_due(session: AsyncSession, *, now: datetime) -> SendPass:
    """Mark one batch of due surveys sent, with their questions to queue. One due at night (the job
    was down) waits for the morning; one whose customer is gone (unlinked, erased, blocked the bot)
    is cancelled."""
    batch = await queries.due(session, now=now, limit=SEND_BATCH)
    pushes: list[PushRequest] = []
    sent: list[int] = []
    gone: list[int] = []
    for due in batch:
        if due.chat_id is None:
            gone.append(due.survey_id)
            continue
        timing = rules.timing(due.team_settings)
        if not timing.in_daytime(now, due.timezone):
            await queries.postpone(
                session, survey_id=due.survey_id, due_at=timing.daytime_from(now, due.timezone)
            )
            continue
        question = SurveyQuestion(due.survey_id, due.kind, due.team_name, due.rep_name, due.visited_at)
        pushes.append(
            PushRequest(
                dedupe_key=f"survey:{due.survey_id}",
                kind="survey",
                to=Recipient(due.chat_id, due.account_id, due.locale, due.timezone),
                notice=question,
            )
        )
        sent.append(due.survey_id)
    await queries.set_status(session, survey_ids=sent, status=SurveyStatus.SENT, now=now)
    await queries.set_status(session, survey_ids=gone, status=SurveyStatus.CANCELLED, now=now)
    return SendPass(handled=len(batch), pushes=pushes)


async def expire_unanswered(session: AsyncSession, *, now: datetime) -> int:
    return await queries.expire_unanswered(session, sent_before=now - rules.ANSWER_WITHIN)


async def teams_to_plan(session: AsyncSession) -> list[tuple[int, str, dict[str, Any]]]:
    return await queries.teams_with_linked_customers(session)


async def plan_nps(
    session: AsyncSession,
    *,
    team_id: int,
    settings: dict[str, Any],
    now: datetime,
    after_id: int = 0,
) -> tuple[int, int | None]:
    """Schedule NPS surveys for one batch of the team's eligible customers, due in their daytime.

    Returns how many were planned and the last customer id looked at (None when the team is done).
    """
    found = await queries.nps_candidates(
        session,
        team_id=team_id,
        linked_before=now - rules.NPS_LINKED_FOR,
        asked_since=now - rules.NPS_EVERY,
        after_id=after_id,
        limit=PLAN_BATCH,
    )
    timing = rules.timing(settings)
    await queries.add_many(
        session,
        rows=[
            {
                "team_id": team_id,
                "customer_id": candidate.customer_id,
                "kind": SurveyKind.NPS.value,
                "status": SurveyStatus.SCHEDULED.value,
                "due_at": timing.daytime_from(now, candidate.timezone),
                "created_at": now,
            }
            for candidate in found
        ],
    )
    last = found[-1].customer_id if len(found) == PLAN_BATCH else None
    return len(found), last


async def _own_survey(session: AsyncSession, *, viewer: Viewer, survey_id: int) -> tuple[Survey, Customer]:
    found = await queries.for_answer(session, survey_id=survey_id)
    if found is None or viewer.effective_role is not Role.CUSTOMER:
        raise SurveyGone(survey_id)
    survey, customer = found
    if customer.user_id != viewer.user_id or customer.erased_at is not None:
        raise SurveyGone(survey_id)
    return survey, customer


async def answer(
    session: AsyncSession,
    *,
    viewer: Viewer,
    survey_id: int,
    score: int,
    now: datetime,
) -> Answered:
    """Record the customer's score once; a low one opens the rep's follow-up and queues the one alert,
    held back for the comment."""
    survey, customer = await _own_survey(session, viewer=viewer, survey_id=survey_id)
    kind = SurveyKind(survey.kind)
    if score not in rules.score_range(kind) or survey.status == SurveyStatus.SCHEDULED:
        raise SurveyGone(survey_id)
    if survey.status == SurveyStatus.ANSWERED:
        raise AlreadyAnswered(survey_id)
    if survey.status != SurveyStatus.SENT or rules.is_closed(survey.sent_at, now=now):
        raise SurveyClosed(survey_id)
    visit = await queries.visit_of(session, visit_id=survey.visit_id)
    rep_id = visit.rep_id if visit is not None and visit.rep_id is not None else customer.owner_id
    feedback = await queries.add_feedback(session, survey=survey, rep_id=rep_id, score=score, now=now)
    survey.status = SurveyStatus.ANSWERED.value
    survey.answered_at = now
    pushes: list[PushRequest] = []
    if is_low(kind, score):
        follow_up = await _open_follow_up(session, customer=customer, feedback=feedback, now=now)
        pushes = await _alerts(
            session, customer=customer, feedback=feedback, follow_up=follow_up, not_before=now + COMMENT_WAIT
        )
    await session.flush()
    return Answered(survey.id, kind, score, tuple(pushes))


async def add_comment(
    session: AsyncSession,
    *,
    viewer: Viewer,
    survey_id: int,
    text: str,
    now: datetime,
) -> Commented | None:
    """Keep the customer's comment (or NPS reason) on their answer; None when there is no answer
    to add to or it has one already. For a low score it joins the follow-up and the alert."""
    survey, customer = await _own_survey(session, viewer=viewer, survey_id=survey_id)
    feedback = await queries.feedback_of(session, survey_id=survey.id)
    if feedback is None or feedback.comment is not None or feedback.score is None:
        return None
    feedback.comment = clip(text.strip(), MAX_COMMENT)
    if not is_low(feedback.kind, feedback.score):
        await session.flush()
        return Commented()
    follow_up = await _follow_up_of(session, feedback)
    if follow_up is not None:
        follow_up.note = follow_up_note(feedback)
    alerts = await _alerts_now(session, customer=customer, feedback=feedback, follow_up=follow_up)
    await session.flush()
    return Commented(True, tuple(alerts))


async def release_alert(session: AsyncSession, *, viewer: Viewer, survey_id: int) -> Commented:
    """The customer will not comment (Skip): a low score's held-back alert goes now, as it is."""
    survey, customer = await _own_survey(session, viewer=viewer, survey_id=survey_id)
    feedback = await queries.feedback_of(session, survey_id=survey.id)
    if feedback is None or feedback.score is None or not is_low(feedback.kind, feedback.score):
        return Commented()
    follow_up = await _follow_up_of(session, feedback)
    alerts = await _alerts_now(session, customer=customer, feedback=feedback, follow_up=follow_up)
    return Commented(True, tuple(alerts))


def follow_up_note(feedback: Feedback) -> str:
    """The follow-up's note: the score in figures (readable in any language) and the customer's words."""
    assert feedback.score is not None
    head = f"★ {feedback.score}/5" if feedback.kind == SurveyKind.CSAT else f"NPS {feedback.score}/10"
    return f"{head}\n“{feedback.comment}”" if feedback.comment else head


async def _open_follow_up(
    session: AsyncSession, *, customer: Customer, feedback: Feedback, now: datetime
) -> Reminder | None:
    """The rep's follow-up, due now; the alert is its push, so it is marked notified already."""
    rep = await session.get(User, feedback.rep_id) if feedback.rep_id is not None else None
    if rep is None or not rep.is_active:
        return None
    follow_up = await reminders.add(
        session,
        team_id=customer.team_id,
        user_id=rep.id,
        customer_id=customer.id,
        kind=ReminderKind.FOLLOW_UP,
        due_at=now,
        now=feedback.created_at,
        note=follow_up_note(feedback),
    )
    follow_up.notified_at = now
    return follow_up


async def _follow_up_of(session: AsyncSession, feedback: Feedback) -> Reminder | None:
    """The follow-up a low score opened: the rep's, for this customer, made in the same moment."""
    if feedback.rep_id is None:
        return None
    found: Reminder | None = await session.scalar(
        select(Reminder).where(
            Reminder.user_id == feedback.rep_id,
            Reminder.customer_id == feedback.customer_id,
            Reminder.kind == ReminderKind.FOLLOW_UP.value,
            Reminder.created_at == feedback.created_at,
        )
    )
    return found


async def _recipients(
    session: AsyncSession, *, customer: Customer, feedback: Feedback
) -> list[tuple[User, bool]]:
    """Who hears of a low score: the rep (CSAT: who visited; NPS: the owner) and, for CSAT, their manager."""
    rep = await session.get(User, feedback.rep_id) if feedback.rep_id is not None else None
    chosen: list[tuple[User, bool]] = []
    if rep is not None and rep.is_active and rep.chat_id is not None:
        chosen.append((rep, False))
    if feedback.kind == SurveyKind.CSAT:
        managers = await users.managers_for(
            session, team_id=customer.team_id, preferred_id=rep.manager_id if rep is not None else None
        )
        chosen.extend((m, True) for m in managers if m.chat_id is not None and m.id != feedback.rep_id)
    return chosen


def _alert_key(feedback: Feedback, user: User) -> str:
    return f"survey-low:{feedback.id}:{user.id}"


async def _alerts_now(
    session: AsyncSession, *, customer: Customer, feedback: Feedback, follow_up: Reminder | None
) -> list[PushRequest]:
    """The alert as it stands now, replacing the held-back one where the sender has not taken it;
    where it went already, the same key queues nothing."""
    pushes = await _alerts(session, customer=customer, feedback=feedback, follow_up=follow_up)
    await outbox.withdraw_pending(session, dedupe_keys=[push.dedupe_key for push in pushes])
    return pushes


async def _alerts(
    session: AsyncSession,
    *,
    customer: Customer,
    feedback: Feedback,
    follow_up: Reminder | None,
    not_before: datetime | None = None,
) -> list[PushRequest]:
    team = await session.get(Team, customer.team_id)
    assert team is not None
    assert feedback.score is not None
    rep = await session.get(User, feedback.rep_id) if feedback.rep_id is not None else None
    pushes = []
    for user, for_manager in await _recipients(session, customer=customer, feedback=feedback):
        assert user.chat_id is not None
        alert = LowScore(
            customer_id=customer.id,
            customer_name=customer.name,
            kind=feedback.kind,
            score=feedback.score,
            comment=feedback.comment,
            answered_at=feedback.created_at,
            rep_name=rep.first_name if for_manager and rep is not None else None,
            follow_up_id=follow_up.id if follow_up is not None and not for_manager else None,
            phone=customer.phone_e164 if user.id == customer.owner_id else None,
        )
        pushes.append(
            PushRequest(
                dedupe_key=_alert_key(feedback, user),
                kind="survey_alert",
                to=Recipient(
                    user.chat_id, user.id, user.locale or team.locale, user.timezone or team.timezone
                ),
                notice=alert,
                priority=ALERT_PRIORITY,
                not_before=not_before,
            )
        )
    return pushes


def is_low(kind: str, score: int) -> bool:
    """Whether this answer is the kind the staff are alerted about."""
    return rules.is_low_csat(score) if kind == SurveyKind.CSAT else rules.is_detractor(score)
