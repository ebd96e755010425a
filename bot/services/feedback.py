"""/feedback: a remark (and maybe a photo) from a customer to their owner, or from anyone to a team.

A linked customer's feedback is stored on their record with the owner of the moment and pushed
to that owner (or, when the owner cannot be reached, to the managers). Someone not linked to a
customer still gets heard: the remark is stored on the routing team and pushed to its managers
with the sender's name and @username, so that someone can follow up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from html import escape
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.roles import Role
from bot.domain.text import clip
from bot.domain.viewer import Viewer
from bot.i18n import Translator
from bot.outbox import payloads
from storage.models import Customer, Feedback, Team, User
from storage.queries import customers, outbox, users
from storage.queries import feedback as queries

MAX_TEXT = 2000
MAX_NAME = 80
PUSH_PRIORITY = 3
# Anyone can open the bot, so feedback from strangers is capped: managers' chats are not a free inbox.
STRANGER_DAILY = 3

TranslatorFor = Callable[[str | None, str], Translator]


class Route(Enum):
    """Who was told: the customer's owner, the team's managers, or nobody (no team exists yet)."""

    OWNER = "owner"
    MANAGERS = "managers"
    NOWHERE = "nowhere"


@dataclass(frozen=True, slots=True)
class Sender:
    """The person on Telegram, as the staff will need to reach them."""

    telegram_id: int
    name: str
    username: str | None


@dataclass(frozen=True, slots=True)
class Submitted:
    route: Route
    feedback_id: int | None = None
    pushes: int = 0


class TooLong(ValueError):
    """The text is over `MAX_TEXT` characters; nothing was stored."""

    def __init__(self, length: int) -> None:
        super().__init__(f"{length} characters")
        self.length = length


def check_text(text: str) -> str:
    """The remark as it will be stored: trimmed, and within the limit."""
    trimmed = text.strip()
    if len(trimmed) > MAX_TEXT:
        raise TooLong(len(trimmed))
    return trimmed


def recent(sent_at: Sequence[datetime], *, now: datetime) -> list[datetime]:
    """The sends within the last 24 hours: the ones that count against `STRANGER_DAILY`."""
    return [at for at in sent_at if now - at < timedelta(days=1)]


async def submit(
    session: AsyncSession,
    *,
    viewer: Viewer,
    sender: Sender,
    text: str,
    photo_file_id: str | None,
    now: datetime,
    translator_for: TranslatorFor,
    routing_team_id: int | None,
    client_ref: str | None = None,
) -> Submitted:
    """Store the remark and queue the pushes that tell the staff about it."""
    comment = check_text(text)
    customer = (
        await customers.of_account(session, user_id=viewer.user_id)
        if viewer.effective_role is Role.CUSTOMER
        else None
    )
    if customer is not None:
        return await _from_customer(
            session,
            customer,
            comment=comment,
            photo=photo_file_id,
            now=now,
            translator_for=translator_for,
            client_ref=client_ref,
        )
    if viewer.effective_role is Role.CUSTOMER and viewer.team_id is not None:
        team = await session.get(Team, viewer.team_id)
    else:
        team = await queries.routing_team(session, preferred_id=routing_team_id)
    if team is None:
        return Submitted(Route.NOWHERE)
    row = await queries.add_text(
        session,
        team_id=team.id,
        customer_id=None,
        rep_id=None,
        comment=comment,
        photo_file_id=photo_file_id,
        now=now,
        client_ref=client_ref,
    )
    managers = await users.managers_for(session, team_id=team.id, preferred_id=None)
    pushes: list[outbox.Push] = []
    for manager in _reachable(managers):
        t = _translator(translator_for, manager, team)
        who = _sender_link(sender)
        pushes += _pushes(
            row,
            manager,
            text=_stranger_text(t, who=who, sender=sender, comment=comment),
            keyboard=None,
            photo_caption=t.gettext("📷 The photo {name} sent with their feedback.").format(name=who),
        )
    queued = await outbox.enqueue_many(session, pushes=pushes, now=now)
    return Submitted(Route.MANAGERS, row.id, queued)


async def _from_customer(
    session: AsyncSession,
    customer: Customer,
    *,
    comment: str,
    photo: str | None,
    now: datetime,
    translator_for: TranslatorFor,
    client_ref: str | None,
) -> Submitted:
    row = await queries.add_text(
        session,
        team_id=customer.team_id,
        customer_id=customer.id,
        rep_id=customer.owner_id,
        comment=comment,
        photo_file_id=photo,
        now=now,
        client_ref=client_ref,
    )
    team = await session.get(Team, customer.team_id)
    assert team is not None
    owner = await queries.user_by_id(session, customer.owner_id)
    recipients = _reachable([owner] if owner is not None else [])
    route = Route.OWNER
    if not recipients:
        route = Route.MANAGERS
        managers = await users.managers_for(
            session, team_id=team.id, preferred_id=owner.manager_id if owner is not None else None
        )
        recipients = _reachable(managers)
    name = escape(clip(customer.name, MAX_NAME))
    pushes: list[outbox.Push] = []
    for user in recipients:
        t = _translator(translator_for, user, team)
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton(t.gettext("Open customer"), callback_data=f"cust:open:{customer.id}")]]
        )
        text = "\n\n".join(
            (t.gettext("💬 Feedback from {customer}:").format(customer=f"<b>{name}</b>"), escape(comment))
        )
        caption = t.gettext("📷 The photo {name} sent with their feedback.").format(name=f"<b>{name}</b>")
        pushes += _pushes(row, user, text=text, keyboard=keyboard, photo_caption=caption)
    queued = await outbox.enqueue_many(session, pushes=pushes, now=now)
    return Submitted(route, row.id, queued)


def _reachable(candidates: Sequence[User]) -> list[User]:
    return [u for u in candidates if u.is_active and u.chat_id is not None and not u.blocked_bot]


def _translator(translator_for: TranslatorFor, user: User, team: Team) -> Translator:
    return translator_for(user.locale or team.locale, user.timezone or team.timezone)


def _sender_link(sender: Sender) -> str:
    """The sender's name, tappable so staff can open their Telegram profile."""
    return f'<a href="tg://user?id={sender.telegram_id}">{escape(clip(sender.name, MAX_NAME))}</a>'


def _stranger_text(t: Translator, *, who: str, sender: Sender, comment: str) -> str:
    reach = (
        t.gettext("Telegram: @{username}").format(username=escape(sender.username))
        if sender.username
        else t.gettext(
            "They have no Telegram username: use contact details in the message, or tap their name."
        )
    )
    head = t.gettext("💬 Feedback from {name}, who is not linked to any customer:").format(name=who)
    return "\n\n".join((head, escape(comment), reach))


def _pushes(
    row: Feedback,
    user: User,
    *,
    text: str,
    keyboard: InlineKeyboardMarkup | None,
    photo_caption: str,
) -> list[outbox.Push]:
    assert user.chat_id is not None
    pushes = [
        outbox.Push(
            dedupe_key=f"feedback:{row.id}:{user.id}",
            chat_id=user.chat_id,
            user_id=user.id,
            kind="feedback",
            payload=payloads.message(text, keyboard),
            priority=PUSH_PRIORITY,
        )
    ]
    if row.photo_file_id is not None:
        pushes.append(
            outbox.Push(
                dedupe_key=f"feedback:{row.id}:{user.id}:photo",
                chat_id=user.chat_id,
                user_id=user.id,
                kind="feedback",
                payload=_photo_by_id(row.photo_file_id, photo_caption),
                priority=PUSH_PRIORITY,
            )
        )
    return pushes


def _photo_by_id(file_id: str, caption: str) -> dict[str, Any]:
    """A sendPhoto of a photo Telegram already holds: nothing to upload, the file_id is enough."""
    return {"method": "sendPhoto", "params": {"photo": file_id, "caption": caption, "parse_mode": "HTML"}}
