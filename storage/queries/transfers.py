"""Transfer requests: a rep asks for a teammate's customer, a manager decides once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import TransferStatus
from storage.models import TransferRequest


async def pending(session: AsyncSession, *, customer_id: int, requester_id: int) -> TransferRequest | None:
    return await session.scalar(
        select(TransferRequest).where(
            TransferRequest.customer_id == customer_id,
            TransferRequest.requester_id == requester_id,
            TransferRequest.status == TransferStatus.PENDING.value,
        )
    )


async def asked_before(session: AsyncSession, *, customer_id: int, requester_id: int) -> int:
    """How many requests for this customer by this rep were decided already."""
    found = await session.scalar(
        select(func.count(TransferRequest.id)).where(
            TransferRequest.customer_id == customer_id, TransferRequest.requester_id == requester_id
        )
    )
    return int(found or 0)


async def add(
    session: AsyncSession,
    *,
    team_id: int,
    customer_id: int,
    requester_id: int,
    owner_id: int | None,
    now: datetime,
) -> TransferRequest:
    request = TransferRequest(
        team_id=team_id, customer_id=customer_id, requester_id=requester_id, owner_id=owner_id, created_at=now
    )
    session.add(request)
    await session.flush()
    return request


async def for_decision(session: AsyncSession, *, request_id: int) -> TransferRequest | None:
    """The request, locked so that two managers pressing at once decide it only once."""
    return await session.scalar(
        select(TransferRequest).where(TransferRequest.id == request_id).with_for_update()
    )


async def void_pending_of(session: AsyncSession, *, requester_id: int, now: datetime) -> None:
    """A rep who leaves takes their open requests with them."""
    await session.execute(
        update(TransferRequest)
        .where(
            TransferRequest.requester_id == requester_id,
            TransferRequest.status == TransferStatus.PENDING.value,
        )
        .values(status=TransferStatus.VOID.value, decided_at=now)
    )
