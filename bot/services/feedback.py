"""/feedback: a remark (and maybe a photo) from a customer to their owner, or from anyone to a team.

A linked customer's feedback is stored on their record with the owner of the moment and pushed
to that owner (or, when the owner cannot be reached, to the managers). Someone not linked to a
customer still gets heard: the remark is stored on the routing team and pushed to its managers
with the sender's name and @username, so that someone can follow up. The pushes are returned as
requests (worded by handlers/feedback/pushes.py) for the caller to queue in the same unit of work.

A connected customer's plain message while none of their complaints is open is relayed the same
way (`relay`), up to `RELAYS_PER_DAY` a day, so that "write to me" means it reaches a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import FeedbackKind
from bot.domain.roles import Role
from bot.domain.viewer import Viewer
from bot.services.pushes import PushRequest, Recipient
from storage.models import Customer, Feedback, Team, User
from storage.queries import customers, users
from storage.queries import feedback as queries

MAX_TEXT = 2000
PUSH_KIND = "feedback"
PUSH_PRIORITY = 3
# Anyone can open the bot, so feedback from strangers is capped: managers' chats are not a free inbox.
STRANGER_DAILY = 3
# A connected customer's plain messages relayed to their sales contact in 24 hours (with /feedback).
RELAYS_PER_DAY = 5


class Route(Enum):
    """Who was told: the customer's owner, the team's managers, or nobody (no team exists yet, or
    the customer has reached today's `RELAYS_PER_DAY`)."""

    OWNER = "owner"
    MANAGERS = "managers"
    NOWHERE = "nowhere"
    CAPPED = "capped"


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
    pushes: tuple[PushRequest, ...] = ()


@dataclass(frozen=True, slots=True)
class FromCustomer:
    """A linked customer's remark (/feedback) or plain message (`chat`), for their owner or the managers."""

    customer_id: int
    customer_name: str
    comment: str
    chat: bool = False


@dataclass(frozen=True, slots=True)
class FromStranger:
    """A remark from someone linked to no customer, for the managers, with how to reach them."""

    sender: Sender
    comment: str


@dataclass(frozen=True, slots=True)
class FeedbackPhoto:
    """The photo sent with a remark, right after it."""

    file_id: str
    about: FromCustomer | FromStranger


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
    routing_team_id: int | None,
    client_ref: str | None = None,
) -> Submitted:
    """Store the remark; the pushes that tell the staff about it are for the caller to queue."""
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
    notice = FromStranger(sender, comment)
    pushes = [push for manager in _reachable(managers) for push in _pushes(row, manager, team, notice)]
    return Submitted(Route.MANAGERS, row.id, tuple(pushes))


async def relay(
    session: AsyncSession,
    *,
    viewer: Viewer,
    text: str,
    photo_file_id: str | None,
    now: datetime,
    client_ref: str | None = None,
) -> Submitted:
    """A connected customer's plain message with no complaint open: to their sales contact, as
    /feedback would send it, unless `RELAYS_PER_DAY` went in the last 24 hours (CAPPED, nothing kept)."""
    comment = check_text(text)
    customer = (
        await customers.of_account(session, user_id=viewer.user_id)
        if viewer.effective_role is Role.CUSTOMER
        else None
    )
    if customer is None:
        return Submitted(Route.NOWHERE)
    if await _sent_today(session, customer_id=customer.id, now=now) >= RELAYS_PER_DAY:
        return Submitted(Route.CAPPED)
    return await _from_customer(
        session, customer, comment=comment, photo=photo_file_id, now=now, client_ref=client_ref, chat=True
    )


async def _sent_today(session: AsyncSession, *, customer_id: int, now: datetime) -> int:
    """The customer's written remarks and relayed messages in the last 24 hours."""
    found = await session.scalar(
        select(func.count(Feedback.id)).where(
            Feedback.customer_id == customer_id,
            Feedback.kind == FeedbackKind.TEXT.value,
            Feedback.created_at > now - timedelta(days=1),
        )
    )
    return int(found or 0)


async def _from_customer(
    session: AsyncSession,
    customer: Customer,
    *,
    comment: str,
    photo: str | None,
    now: datetime,
    client_ref: str | None,
    chat: bool = False,
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
    notice = FromCustomer(customer.id, customer.name, comment, chat)
    pushes = [push for user in recipients for push in _pushes(row, user, team, notice)]
    return Submitted(route, row.id, tuple(pushes))


def _reachable(candidates: Sequence[User]) -> list[User]:
    return [u for u in candidates if u.is_active and u.chat_id is not None and not u.blocked_bot]


def _pushes(row: Feedback, user: User, team: Team, notice: FromCustomer | FromStranger) -> list[PushRequest]:
    """The remark to one reachable staff member, in their language (the team's where they have
    none), and its photo after it."""
    assert user.chat_id is not None
    to = Recipient(
        chat_id=user.chat_id,
        user_id=user.id,
        locale=user.locale or team.locale,
        timezone=user.timezone or team.timezone,
    )
    key = f"feedback:{row.id}:{user.id}"
    pushes = [PushRequest(dedupe_key=key, kind=PUSH_KIND, to=to, notice=notice, priority=PUSH_PRIORITY)]
    if row.photo_file_id is not None:
        photo = FeedbackPhoto(row.photo_file_id, notice)
        pushes.append(
            PushRequest(
                dedupe_key=f"{key}:photo", kind=PUSH_KIND, to=to, notice=photo, priority=PUSH_PRIORITY
            )
        )
    return pushes
