"""CSAT after a visit and NPS on a cadence: scheduling, sending in the customer's daytime, answers.

A low CSAT (1–2) opens a service ticket and alerts the visiting rep and their manager; an NPS
detractor (0–6) alerts the owner. The customer's optional comment is added to the same feedback,
and, for those, passed on to the same people and to the ticket.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from html import escape
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain import surveys as rules
from bot.domain.enums import SurveyKind, SurveyStatus, TicketEventKind, TicketSeverity
from bot.domain.roles import Role
from bot.domain.text import clip
from bot.domain.viewer import Viewer
from bot.i18n import Translator
from bot.outbox import payloads
from bot.services.errors import NotFound, ServiceError
from bot.services.tickets import open_ticket
from storage.models import Customer, Feedback, Survey, Team, Ticket, User
from storage.queries import outbox, tickets, users
from storage.queries import surveys as queries
from storage.queries.surveys import DueSurvey

SEND_BATCH = 200
PLAN_BATCH = 500
MAX_COMMENT = 2000
MAX_NAME = 80
ALERT_PRIORITY = 3

TranslatorFor = Callable[[str | None, str], Translator]


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


@dataclass(frozen=True, slots=True)
class SendPass:
    handled: int
    queued: int


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


def question_text(t: Translator, due: DueSurvey) -> str:
    if due.kind == SurveyKind.NPS:
        return t.gettext(
            "📣 How likely are you to recommend {team} to a friend or colleague?\n"
            "0 = not at all likely, 10 = extremely likely."
        ).format(team=f"<b>{escape(clip(due.team_name, MAX_NAME))}</b>")
    day = t.date(due.visited_at, format="long") if due.visited_at is not None else ""
    if due.rep_name:
        head = t.gettext("⭐ How was the visit from {rep} ({team}) on {date}?").format(
            rep=escape(clip(due.rep_name, MAX_NAME)), team=escape(clip(due.team_name, MAX_NAME)), date=day
        )
    else:
        head = t.gettext("⭐ How was our visit on {date}?").format(date=day)
    return head + "\n" + t.gettext("Please rate it from 1 (very poor) to 5 (excellent).")


def question_keyboard(survey_id: int, kind: str) -> InlineKeyboardMarkup:
    """Score buttons `srv:<survey>:<score>`: 1–5 on a row, or 0–10 on two."""

    def row(scores: range) -> list[InlineKeyboardButton]:
        return [InlineKeyboardButton(str(s), callback_data=f"srv:{survey_id}:{s}") for s in scores]

    if kind == SurveyKind.NPS:
        return InlineKeyboardMarkup([row(range(0, 6)), row(range(6, 11))])
    return InlineKeyboardMarkup([row(rules.CSAT_RANGE)])


async def send_due(session: AsyncSession, *, now: datetime, translator_for: TranslatorFor) -> SendPass:
    """Queue one batch of due surveys. One due at night (the job was down) waits for the morning;
    one whose customer is gone (unlinked, erased, blocked the bot) is cancelled."""
    batch = await queries.due(session, now=now, limit=SEND_BATCH)
    pushes: list[outbox.Push] = []
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
        t = translator_for(due.locale, due.timezone)
        pushes.append(
            outbox.Push(
                dedupe_key=f"survey:{due.survey_id}",
                chat_id=due.chat_id,
                user_id=due.account_id,
                kind="survey",
                payload=payloads.message(question_text(t, due), question_keyboard(due.survey_id, due.kind)),
            )
        )
        sent.append(due.survey_id)
    await queries.set_status(session, survey_ids=sent, status=SurveyStatus.SENT, now=now)
    await queries.set_status(session, survey_ids=gone, status=SurveyStatus.CANCELLED, now=now)
    queued = await outbox.enqueue_many(session, pushes=pushes, now=now)
    return SendPass(handled=len(batch), queued=queued)


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


async def is_own(session: AsyncSession, *, viewer: Viewer, survey_id: int) -> bool:
    """Whether the survey was sent to this customer (a Skip press checks this before acting)."""
    try:
        await _own_survey(session, viewer=viewer, survey_id=survey_id)
    except SurveyGone:
        return False
    return True


async def answer(
    session: AsyncSession,
    *,
    viewer: Viewer,
    survey_id: int,
    score: int,
    now: datetime,
    translator_for: TranslatorFor,
) -> Answered:
    """Record the customer's score once; a low one opens a ticket and alerts the staff concerned."""
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
    if is_low(kind, score):
        ticket = None
        if kind is SurveyKind.CSAT:
            ticket = await open_ticket(
                session,
                customer=customer,
                category="service",
                description=_ticket_description(feedback),
                now=now,
                opened_by_id=viewer.user_id,
                severity=TicketSeverity.HIGH,
                feedback_id=feedback.id,
            )
        await _alert(session, customer=customer, feedback=feedback, now=now, ticket=ticket, tf=translator_for)
    await session.flush()
    return Answered(survey.id, kind, score)


async def add_comment(
    session: AsyncSession,
    *,
    viewer: Viewer,
    survey_id: int,
    text: str,
    now: datetime,
    translator_for: TranslatorFor,
) -> bool:
    """Keep the customer's comment (or NPS reason) on their answer; False when there is no answer
    to add to or it has one already. For a low score it also reaches the ticket and the staff."""
    survey, customer = await _own_survey(session, viewer=viewer, survey_id=survey_id)
    feedback = await queries.feedback_of(session, survey_id=survey.id)
    if feedback is None or feedback.comment is not None or feedback.score is None:
        return False
    feedback.comment = clip(text.strip(), MAX_COMMENT)
    ticket = await session.scalar(select(Ticket).where(Ticket.feedback_id == feedback.id))
    if ticket is not None:
        ticket.description = _ticket_description(feedback)
        await tickets.add_event(
            session,
            ticket_id=ticket.id,
            kind=TicketEventKind.REPLY_IN,
            now=now,
            actor_id=viewer.user_id,
            body=feedback.comment,
        )
    if is_low(feedback.kind, feedback.score):
        await _alert(session, customer=customer, feedback=feedback, now=now, ticket=ticket, tf=translator_for)
    await session.flush()
    return True


def _ticket_description(feedback: Feedback) -> str:
    head = f"CSAT {feedback.score}/5"
    return f"{head}\n{feedback.comment}" if feedback.comment else head


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


async def _alert(
    session: AsyncSession,
    *,
    customer: Customer,
    feedback: Feedback,
    now: datetime,
    ticket: Ticket | None,
    tf: TranslatorFor,
) -> None:
    team = await session.get(Team, customer.team_id)
    assert team is not None
    rep = await session.get(User, feedback.rep_id) if feedback.rep_id is not None else None
    pushes = []
    for user, for_manager in await _recipients(session, customer=customer, feedback=feedback):
        assert user.chat_id is not None
        t = tf(user.locale or team.locale, user.timezone or team.timezone)
        text = alert_text(
            t, customer=customer, feedback=feedback, ticket=ticket, rep=rep, for_manager=for_manager
        )
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton(t.gettext("Open customer"), callback_data=f"cust:open:{customer.id}")]]
        )
        step = "comment" if feedback.comment is not None else "score"
        pushes.append(
            outbox.Push(
                dedupe_key=f"survey-{step}:{feedback.id}:{user.id}",
                chat_id=user.chat_id,
                user_id=user.id,
                kind="survey_alert",
                payload=payloads.message(text, keyboard),
                priority=ALERT_PRIORITY,
            )
        )
    await outbox.enqueue_many(session, pushes=pushes, now=now)


def alert_text(
    t: Translator,
    *,
    customer: Customer,
    feedback: Feedback,
    ticket: Ticket | None,
    rep: User | None,
    for_manager: bool,
) -> str:
    """The staff's alert on a low score, or on the comment that followed it."""
    name = f"<b>{escape(clip(customer.name, MAX_NAME))}</b>"
    score = feedback.score
    lines: list[str] = []
    if feedback.comment is not None:
        if feedback.kind == SurveyKind.CSAT:
            head = t.gettext("💬 {customer} explained their rating of {score}/5:")
        else:
            head = t.gettext("💬 {customer} gave this main reason for their NPS of {score}/10:")
        lines += [head.format(customer=name, score=score), f"“{escape(feedback.comment)}”"]
    elif feedback.kind == SurveyKind.CSAT:
        lines.append(
            t.gettext("⚠️ {customer} rated the visit on {date} only {score}/5.").format(
                customer=name, score=score, date=t.date(feedback.created_at, format="medium")
            )
        )
    else:
        lines.append(
            t.gettext(
                "📣 {customer} gave an NPS of {score}/10: a detractor. A call could win them back."
            ).format(customer=name, score=score)
        )
    if for_manager and rep is not None:
        lines.append(t.gettext("Rep: {rep}").format(rep=escape(rep.first_name)))
    if ticket is not None:
        lines.append(t.gettext("Ticket #{number} is open for it.").format(number=ticket.number))
    return "\n".join(lines)


def is_low(kind: str, score: int) -> bool:
    """Whether this answer is the kind the staff are alerted about."""
    return rules.is_low_csat(score) if kind == SurveyKind.CSAT else rules.is_detractor(score)
