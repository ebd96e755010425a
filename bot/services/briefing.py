"""Who hears what when customers change hands: the successor, the previous owner, the customers.

The successor gets one message per handover, whatever its size: a summary with the customers to
look at first and a button to the full list (or, for a single customer, that customer's briefing).
The customers are told who their new contact is; the previous owner is told where they went. Each
reads it in their own language and time zone (handlers/handover/briefing.py words it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.briefing import Briefing, BriefItem, summarize
from bot.services.pushes import PushRequest, Recipient
from storage.models import Team, User
from storage.queries import handover as queries

PUSH_PRIORITY = 3
TOP = 10


@dataclass(frozen=True, slots=True)
class Audience:
    """Who hears about a move, loaded once: the team, the people by id."""

    team: Team
    people: dict[int, User]

    def recipient(self, user: User) -> Recipient:
        """A member of staff, in their language and time zone, else the team's."""
        assert user.chat_id is not None
        return Recipient(
            user.chat_id, user.id, user.locale or self.team.locale, user.timezone or self.team.timezone
        )

    def name(self, user_id: int | None) -> str | None:
        user = self.people.get(user_id) if user_id is not None else None
        return user.full_name if user is not None else None


@dataclass(frozen=True, slots=True)
class HandoverBriefing:
    """Several customers handed to one successor: the summary and the customers to lead with."""

    handover_id: int
    summary: Briefing
    from_name: str | None


@dataclass(frozen=True, slots=True)
class CustomerBriefing:
    """One customer handed to its new owner; `approved_by` when the owner had asked for it."""

    item: BriefItem
    from_name: str | None
    approved_by: str | None = None


@dataclass(frozen=True, slots=True)
class HandedOn:
    """The previous owner's note: one customer (`customer_name`) or `count` of them went to `to`."""

    to: list[str | None]
    count: int
    customer_name: str | None


@dataclass(frozen=True, slots=True)
class NewContact:
    """A customer's note: their new contact at the team."""

    rep: str
    team: str


def reachable(user: User | None) -> bool:
    return user is not None and user.chat_id is not None and user.is_active and not user.blocked_bot


def to_staff(user: User, *, key: str, kind: str, notice: object, audience: Audience) -> PushRequest:
    """A message to a staff member who is known to be reachable."""
    return PushRequest(key, kind, audience.recipient(user), notice, priority=PUSH_PRIORITY)


async def brief_successors(
    session: AsyncSession,
    *,
    handover_id: int,
    audience: Audience,
    from_user_id: int | None,
    approved_by: str | None = None,
) -> list[PushRequest]:
    """One briefing per successor of the handover."""
    briefings = []
    for to_user_id in await queries.successors_of(session, handover_id=handover_id):
        successor = audience.people.get(to_user_id)
        if successor is None or not reachable(successor):
            continue
        items = await queries.brief_items(session, handover_id=handover_id, to_user_id=to_user_id)
        if not items:
            continue
        from_name = audience.name(from_user_id)
        notice: object
        if len(items) == 1:
            notice = CustomerBriefing(items[0], from_name, approved_by)
        else:
            notice = HandoverBriefing(handover_id, summarize(items, top=TOP), from_name)
        key = f"handover:{handover_id}:{to_user_id}"
        briefings.append(to_staff(successor, key=key, kind="handover", notice=notice, audience=audience))
    return briefings


async def tell_customers(session: AsyncSession, *, handover_id: int, audience: Audience) -> list[PushRequest]:
    """Each moved customer on Telegram learns their new contact's name."""
    notes = []
    for linked in await queries.linked_accounts(session, handover_id=handover_id):
        rep = audience.name(linked.to_user_id)
        if rep is None:
            continue
        notes.append(
            PushRequest(
                dedupe_key=f"handover-customer:{handover_id}:{linked.customer_id}",
                kind="handover_customer",
                to=Recipient(
                    linked.chat_id,
                    linked.account_id,
                    linked.locale or audience.team.locale,
                    audience.team.timezone,
                ),
                notice=NewContact(rep, audience.team.name),
            )
        )
    return notes


def tell_previous_owner(
    *,
    handover_id: int,
    audience: Audience,
    previous_id: int,
    moved: dict[int, int],
    customer_name: str | None,
) -> list[PushRequest]:
    """The previous owner, if still active, hears where their customers went."""
    previous = audience.people.get(previous_id)
    if previous is None or not reachable(previous):
        return []
    notice = HandedOn([audience.name(to) for to in moved], sum(moved.values()), customer_name)
    key = f"handover-previous:{handover_id}:{previous_id}"
    return [to_staff(previous, key=key, kind="handover", notice=notice, audience=audience)]


async def audience_of(session: AsyncSession, *, team_id: int, user_ids: Sequence[int | None]) -> Audience:
    team = await session.get(Team, team_id)
    assert team is not None
    ids = sorted({user_id for user_id in user_ids if user_id is not None})
    return Audience(team=team, people=await queries.people(session, ids=ids))
