"""The one way customers change hands: a leaving rep's book, a transfer from the card, an approved
request and a risk alert's Reassign all come through `move`.

A move takes the customers, the previous owners' open reminders about them and their open tickets
along, writes an "assigned" line in each ticket's history and an audit entry per customer, all in
a fixed handful of statements however many customers move, inside the caller's unit of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import AuditAction, HandoverVia
from storage.queries import audit_log
from storage.queries import handover as queries
from storage.queries.handover import Move


@dataclass(frozen=True, slots=True)
class Moved:
    """What a move did."""

    handover_id: int
    customers: int
    reminders: int
    tickets: int


async def move(
    session: AsyncSession,
    *,
    team_id: int,
    actor_id: int,
    via: HandoverVia,
    moves: Sequence[Move],
    now: datetime,
    from_user_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> Moved:
    """Give each customer of `moves` (all of `team_id`, checked by the caller) its new owner."""
    if not moves:
        raise ValueError("nothing to move")
    handover_id = await queries.add(
        session, team_id=team_id, from_user_id=from_user_id, actor_id=actor_id, via=via, moves=moves, now=now
    )
    customers = await queries.apply_owners(session, handover_id=handover_id, now=now)
    reminders = await queries.follow_reminders(session, handover_id=handover_id)
    names = {
        user.id: user.full_name
        for user in (await queries.people(session, ids=sorted({m.to_user_id for m in moves}))).values()
    }
    tickets = await queries.follow_tickets(
        session, handover_id=handover_id, actor_id=actor_id, names=names, now=now
    )
    await audit_log.record_many(
        session,
        rows=[
            {
                "at": now,
                "action": AuditAction.CUSTOMER_REASSIGNED.value,
                "actor_id": actor_id,
                "team_id": team_id,
                "customer_id": m.customer_id,
                "target_user_id": m.to_user_id,
                "details": {
                    "from": m.from_user_id,
                    "via": via.value,
                    "handover": handover_id,
                    **(details or {}),
                },
            }
            for m in moves
        ],
    )
    return Moved(handover_id, customers, reminders, tickets)
