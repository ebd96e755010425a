"""Exporting a team's records for a manager, audit-logged.

Reps cannot export, not even their own customers: the customer list belongs to the company, and a
bulk copy is how it walks out of the door with a leaving rep. They see their customers one at a
time in the chat, where every profile view is audited. Every query still goes through
`visible_to`, so a wider role would never get more than it may see.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from enum import StrEnum

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import AuditAction
from bot.domain.viewer import Viewer
from bot.services.errors import NotAllowed, NoTeam
from storage.queries import audit
from storage.queries import exports as queries


class ExportKind(StrEnum):
    CUSTOMERS = "customers"
    VISITS = "visits"
    ORDERS = "orders"
    FEEDBACK = "feedback"
    TICKETS = "tickets"


class FileFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


Query = Callable[..., Awaitable[Sequence[RowMapping]]]
QUERIES: dict[ExportKind, Query] = {
    ExportKind.CUSTOMERS: queries.customers,
    ExportKind.VISITS: queries.visits,
    ExportKind.ORDERS: queries.orders,
    ExportKind.FEEDBACK: queries.feedback,
    ExportKind.TICKETS: queries.tickets,
}


def may_export(viewer: Viewer) -> bool:
    return viewer.manages


async def export(
    session: AsyncSession, *, viewer: Viewer, kind: ExportKind, file_format: FileFormat, now: datetime
) -> Sequence[RowMapping]:
    """The rows of one export; recorded in the audit log in the same unit of work when not empty."""
    if not may_export(viewer):
        raise NotAllowed
    if viewer.team_id is None:
        raise NoTeam
    rows = await QUERIES[kind](session, viewer=viewer)
    if rows:
        await audit.record(
            session,
            action=AuditAction.EXPORT,
            actor_id=viewer.user_id,
            now=now,
            team_id=viewer.team_id,
            details={"kind": kind.value, "format": file_format.value, "rows": len(rows)},
        )
    return rows
