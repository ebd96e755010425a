"""Churn-risk alerts: a rise found by the rescan becomes a push with reasons and four answers.

Who is told: the owner; for a rise to high (or a customer without a reachable owner) also the
team's managers, who alone may reassign. The same level is not alerted again for 7 days, and a
customer muted by "Snooze" or "Not a risk" is not alerted at all until the mute ends. Every
answer is kept on the alert so the model can later be checked against what reps judged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.dates import QuickChoice, quick_choice
from bot.domain.enums import HandoverVia, ReminderKind, RiskAnswer, RiskLevel
from bot.domain.roles import Role
from bot.domain.text import clip
from bot.domain.viewer import Viewer
from bot.i18n import Translator
from bot.outbox import payloads
from bot.present.explain import reason_texts, risk_label
from bot.services import ownership
from bot.services.errors import NotAllowed, NotFound
from bot.services.health import RiskRise
from storage.models import Customer, RiskAlert, User
from storage.queries import outbox, reminders, users
from storage.queries import risk_alerts as queries
from storage.queries.handover import Move
from storage.queries.risk_alerts import AlertTarget

COOLDOWN = timedelta(days=7)
SNOOZE = timedelta(days=7)
NOT_A_RISK = timedelta(days=30)
PUSH_PRIORITY = 3
MAX_NAME = 80

TranslatorFor = Callable[[str | None, str], Translator]


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


async def enqueue_rises(
    session: AsyncSession, *, rises: Sequence[RiskRise], now: datetime, translator_for: TranslatorFor
) -> int:
    """Record and queue alerts for the rises that pass the mute and the cooldown; pushes queued."""
    if not rises:
        return 0
    rose = {rise.customer_id: rise for rise in rises}
    targets = await queries.targets(session, customer_ids=list(rose))
    recent = await queries.alerted_since(
        session,
        pairs=[(target.customer_id, rose[target.customer_id].after.value) for target in targets],
        since=now - COOLDOWN,
    )
    pushes: list[outbox.Push] = []
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
            t = translator_for(
                target.owner_locale or target.team_locale, target.owner_timezone or target.team_timezone
            )
            pushes.append(_push(t, alert, target, chat_id=target.owner_chat_id, user_id=target.owner_id))
        for manager in managers:
            if manager.id == target.owner_id or manager.chat_id is None:
                continue
            t = translator_for(manager.locale or target.team_locale, manager.timezone or target.team_timezone)
            pushes.append(
                _push(t, alert, target, chat_id=manager.chat_id, user_id=manager.id, for_manager=True)
            )
    return await outbox.enqueue_many(session, pushes=pushes, now=now)


def alert_text(t: Translator, target: AlertTarget, *, level: str, for_manager: bool) -> str:
    """Headline, score and up to three reasons; a manager also reads whose customer it is."""
    name = escape(clip(target.name, MAX_NAME))
    if target.company:
        name += f" · {escape(clip(target.company, MAX_NAME))}"
    if level == RiskLevel.HIGH:
        head = t.gettext("🔴 {customer} is now at high risk of churning.")
    else:
        head = t.gettext("🟠 {customer} is now at medium risk of churning.")
    lines = [head.format(customer=f"<b>{name}</b>")]
    lines.append(
        t.gettext("Health {score}/100, {risk}.").format(score=target.score or 0, risk=risk_label(t, level))
    )
    if for_manager:
        owner = escape(target.owner_name) if target.owner_name else t.gettext("nobody")
        lines.append(t.gettext("Owner: {owner}").format(owner=owner))
    lines.extend(f"• {escape(text)}" for text in reason_texts(t, target.reasons))
    return "\n".join(lines)


def alert_keyboard(
    t: Translator, alert_id: int, customer_id: int, *, for_manager: bool
) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(t.gettext("📅 Schedule visit"), callback_data=f"risk:visit:{alert_id}")],
        [
            InlineKeyboardButton(t.gettext("💤 Snooze 7 days"), callback_data=f"risk:snooze:{alert_id}"),
            InlineKeyboardButton(t.gettext("👍 Not a risk"), callback_data=f"risk:fine:{alert_id}"),
        ],
    ]
    if for_manager:
        rows.append([InlineKeyboardButton(t.gettext("🔁 Reassign"), callback_data=f"risk:move:{alert_id}")])
    rows.append([InlineKeyboardButton(t.gettext("Open customer"), callback_data=f"cust:open:{customer_id}")])
    return InlineKeyboardMarkup(rows)


def _push(
    t: Translator,
    alert: RiskAlert,
    target: AlertTarget,
    *,
    chat_id: int,
    user_id: int,
    for_manager: bool = False,
) -> outbox.Push:
    text = alert_text(t, target, level=alert.level, for_manager=for_manager)
    keyboard = alert_keyboard(t, alert.id, target.customer_id, for_manager=for_manager)
    return outbox.Push(
        dedupe_key=f"risk:{alert.id}:{user_id}",
        chat_id=chat_id,
        user_id=user_id,
        kind="risk_alert",
        payload=payloads.message(text, keyboard),
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
    translator_for: TranslatorFor,
) -> Answered:
    """Move the customer with its open reminders and tickets to another rep of the team, tell that
    rep; audit-logged (see `ownership.move`)."""
    if viewer.effective_role not in (Role.MANAGER, Role.ADMIN):
        raise NotAllowed
    alert, customer = await _answerable(session, viewer=viewer, alert_id=alert_id)
    reps = await queries.reps_of_team(session, team_id=customer.team_id)
    target = next((rep for rep in reps if rep.id == to_user_id), None)
    if target is None:
        raise NotFound(to_user_id)
    previous = customer.owner_id
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
            await _tell_new_owner(
                session,
                alert=alert,
                customer=customer,
                rep=target,
                now=now,
                t=translator_for(target.locale, target.timezone or viewer.timezone),
            )
    _answer(alert, RiskAnswer.REASSIGNED, viewer=viewer, now=now)
    await session.flush()
    return Answered(alert.id, customer.id, customer.name, RiskAnswer.REASSIGNED, new_owner=target.full_name)


async def _tell_new_owner(
    session: AsyncSession, *, alert: RiskAlert, customer: Customer, rep: User, now: datetime, t: Translator
) -> None:
    assert rep.chat_id is not None
    text = t.gettext(
        "🔁 {customer} is now your customer: it was at {risk} when it was handed to you."
    ).format(customer=f"<b>{escape(clip(customer.name, MAX_NAME))}</b>", risk=risk_label(t, alert.level))
    lines = [text, *(f"• {escape(reason)}" for reason in reason_texts(t, alert.reasons))]
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(t.gettext("Open customer"), callback_data=f"cust:open:{customer.id}")]]
    )
    await outbox.enqueue(
        session,
        dedupe_key=f"risk-handover:{alert.id}:{rep.id}",
        chat_id=rep.chat_id,
        user_id=rep.id,
        kind="risk_handover",
        payload=payloads.message("\n".join(lines), keyboard),
        now=now,
        priority=PUSH_PRIORITY,
    )
