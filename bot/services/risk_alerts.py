"""Churn-risk alerts: a rise found by the rescan becomes an alert, and a push with reasons and four
answers (worded by handlers/risk/pushes.py).

Who is told: the owner; for a rise to high (or a customer without a reachable owner) also the
team's managers, who alone may reassign. The same level is not alerted again for 7 days, and a
customer muted by "Snooze" or "Not a risk" is not alerted at all until the mute ends. Every
answer is kept on the alert so the model can later be checked against what reps judged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.dates import QuickChoice, quick_choice
from bot.domain.enums import HandoverVia, ReminderKind, RiskAnswer, RiskLevel
from bot.domain.roles import Role
from bot.domain.viewer import Viewer
from bot.services import ownership
from bot.services.errors import NotAllowed, NotFound
from bot.services.health import RiskRise
from bot.services.pushes import PushRequest, Recipient
from storage.models import Customer, RiskAlert, User
from storage.queries import reminders, users
from storage.queries import risk_alerts as queries
from storage.queries.handover import Move
from storage.queries.risk_alerts import AlertTarget

COOLDOWN = timedelta(days=7)
SNOOZE = timedelta(days=7)
NOT_A_RISK = timedelta(days=30)
PUSH_PRIORITY = 3


class AlertGone(NotFound):
    """The alert does not exist, or its customer was erased."""


class NotYours(NotAllowed):
    """The customer has moved to someone else since the alert."""


@dataclass(frozen=True, slots=True)
class Answered:
    """What an answer did, for the reply: the customer and, for a visit, when it is due."""

    alert_id: int
    customer_id: int
    customer_name: str
    answer: RiskAnswer
    until: datetime | None = None
    new_owner: str | None = None
    pushes: tuple[PushRequest, ...] = ()


@dataclass(frozen=True, slots=True)
class ChurnAlert:
    """A customer's risk rose: who, how far, why; a manager's copy also names the owner and offers
    Reassign."""

    alert_id: int
    customer_id: int
    name: str
    company: str | None
    level: str
    score: int | None
    reasons: list[Any]
    owner_name: str | None
    for_manager: bool


@dataclass(frozen=True, slots=True)
class HandedToYou:
    """A customer reassigned from its alert: the new owner hears at what risk it came to them."""

    customer_id: int
    name: str
    level: str
    reasons: list[Any]


async def alert_rises(
    session: AsyncSession, *, rises: Sequence[RiskRise], now: datetime
) -> list[PushRequest]:
    """Record alerts for the rises that pass the mute and the cooldown; their pushes, to queue."""
    if not rises:
        return []
    rose = {rise.customer_id: rise for rise in rises}
    targets = await queries.targets(session, customer_ids=list(rose))
    recent = await queries.alerted_since(
        session,
        pairs=[(target.customer_id, rose[target.customer_id].after.value) for target in targets],
        since=now - COOLDOWN,
    )
    pushes: list[PushRequest] = []
    managers_by_team: dict[tuple[int, int | None], list[User]] = {}
    for target in targets:
        rise = rose[target.customer_id]
        level = rise.after.value
        if target.risk_level != level or (target.customer_id, level) in recent:
            continue
        if target.muted_until is not None and target.muted_until > now:
            continue
        key = (target.team_id, target.owner_manager_id)
        if key not in managers_by_team:
            managers_by_team[key] = await users.managers_for(
                session, team_id=target.team_id, preferred_id=target.owner_manager_id
            )
        to_managers = rise.after is RiskLevel.HIGH or target.owner_chat_id is None
        managers = [m for m in managers_by_team[key] if m.chat_id is not None and to_managers]
        if target.owner_chat_id is None and not managers:
            continue
        alert = await queries.add(
            session, target=target, level=level, previous_level=rise.before.value, now=now
        )
        if target.owner_chat_id is not None and target.owner_id is not None:
            owner = Recipient(
                chat_id=target.owner_chat_id,
                user_id=target.owner_id,
                locale=target.owner_locale or target.team_locale,
                timezone=target.owner_timezone or target.team_timezone,
            )
            pushes.append(_push(alert, target, to=owner))
        for manager in managers:
            if manager.id == target.owner_id or manager.chat_id is None:
                continue
            to = Recipient(
                chat_id=manager.chat_id,
                user_id=manager.id,
                locale=manager.locale or target.team_locale,
                timezone=manager.timezone or target.team_timezone,
            )
            pushes.append(_push(alert, target, to=to, for_manager=True))
    return pushes


def _push(alert: RiskAlert, target: AlertTarget, *, to: Recipient, for_manager: bool = False) -> PushRequest:
    assert to.user_id is not None
    notice = ChurnAlert(
        alert_id=alert.id,
        customer_id=target.customer_id,
        name=target.name,
        company=target.company,
        level=alert.level,
        score=target.score,
        reasons=target.reasons,
        owner_name=target.owner_name,
        for_manager=for_manager,
    )
    return PushRequest(
        dedupe_key=f"risk:{alert.id}:{to.user_id}",
        kind="risk_alert",
        to=to,
        notice=notice,
        priority=PUSH_PRIORITY,
    )


async def _answerable(session: AsyncSession, *, viewer: Viewer, alert_id: int) -> tuple[RiskAlert, Customer]:
    found = await queries.by_id(session, alert_id=alert_id)
    if found is None or found[1].erased_at is not None:
        raise AlertGone(alert_id)
    alert, customer = found
    if viewer.team_id != customer.team_id:
        raise AlertGone(alert_id)
    if viewer.effective_role is Role.REP and customer.owner_id != viewer.user_id:
        raise NotYours
    return alert, customer


def _answer(alert: RiskAlert, answer: RiskAnswer, *, viewer: Viewer, now: datetime) -> None:
    alert.answer = answer
    alert.answered_at = now
    alert.answered_by_id = viewer.user_id


async def schedule_visit(session: AsyncSession, *, viewer: Viewer, alert_id: int, now: datetime) -> Answered:
    """A follow-up for the owner at 09:00 tomorrow (the presser's clock), also shown on the card."""
    alert, customer = await _answerable(session, viewer=viewer, alert_id=alert_id)
    if customer.owner_id is None:
        raise NotYours
    due = quick_choice(QuickChoice.TOMORROW, now=now, tz=viewer.timezone)
    await reminders.add(
        session,
        team_id=customer.team_id,
        user_id=customer.owner_id,
        kind=ReminderKind.FOLLOW_UP,
        due_at=due,
        now=now,
        customer_id=customer.id,
    )
    if customer.next_follow_up_at is None or customer.next_follow_up_at > due:
        customer.next_follow_up_at = due
    _answer(alert, RiskAnswer.VISIT_SCHEDULED, viewer=viewer, now=now)
    await session.flush()
    return Answered(alert.id, customer.id, customer.name, RiskAnswer.VISIT_SCHEDULED, until=due)


async def mute(
    session: AsyncSession, *, viewer: Viewer, alert_id: int, answer: RiskAnswer, now: datetime
) -> Answered:
    """Snooze (7 days) or "not a risk" (30 days): no alerts for the customer until then."""
    alert, customer = await _answerable(session, viewer=viewer, alert_id=alert_id)
    until = now + (NOT_A_RISK if answer is RiskAnswer.NOT_A_RISK else SNOOZE)
    customer.risk_muted_until = until
    _answer(alert, answer, viewer=viewer, now=now)
    await session.flush()
    return Answered(alert.id, customer.id, customer.name, answer, until=until)


async def reassign_choices(
    session: AsyncSession, *, viewer: Viewer, alert_id: int
) -> tuple[Customer, list[User]]:
    """The customer and the team's other active reps, for a manager's Reassign."""
    if viewer.effective_role not in (Role.MANAGER, Role.ADMIN):
        raise NotAllowed
    _, customer = await _answerable(session, viewer=viewer, alert_id=alert_id)
    reps = await queries.reps_of_team(session, team_id=customer.team_id)
    return customer, [rep for rep in reps if rep.id != customer.owner_id]


async def reassign(
    session: AsyncSession,
    *,
    viewer: Viewer,
    alert_id: int,
    to_user_id: int,
    now: datetime,
) -> Answered:
    """Move the customer with its open reminders and tickets to another rep of the team, with the
    push that tells that rep; audit-logged (see `ownership.move`)."""
    if viewer.effective_role not in (Role.MANAGER, Role.ADMIN):
        raise NotAllowed
    alert, customer = await _answerable(session, viewer=viewer, alert_id=alert_id)
    reps = await queries.reps_of_team(session, team_id=customer.team_id)
    target = next((rep for rep in reps if rep.id == to_user_id), None)
    if target is None:
        raise NotFound(to_user_id)
    previous = customer.owner_id
    pushes: list[PushRequest] = []
    if previous != target.id:
        await ownership.move(
            session,
            team_id=customer.team_id,
            actor_id=viewer.user_id,
            via=HandoverVia.RISK_ALERT,
            moves=[Move(customer.id, previous, target.id)],
            now=now,
            details={"risk_alert": alert.id},
        )
        await session.refresh(customer, ["owner_id"])
        if target.chat_id is not None:
            to = Recipient(target.chat_id, target.id, target.locale, target.timezone or viewer.timezone)
            pushes.append(
                PushRequest(
                    dedupe_key=f"risk-handover:{alert.id}:{target.id}",
                    kind="risk_handover",
                    to=to,
                    notice=HandedToYou(customer.id, customer.name, alert.level, alert.reasons),
                    priority=PUSH_PRIORITY,
                )
            )
    _answer(alert, RiskAnswer.REASSIGNED, viewer=viewer, now=now)
    await session.flush()
    return Answered(
        alert.id,
        customer.id,
        customer.name,
        RiskAnswer.REASSIGNED,
        new_owner=target.full_name,
        pushes=tuple(pushes),
    )
