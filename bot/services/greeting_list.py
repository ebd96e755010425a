"""The whole list behind a holiday greeting's "+N more": the reader's own customers, by name, the
order the greeting lists its first few in."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.viewer import Viewer
from bot.services.errors import NoTeam
from bot.services.paging import Page, page_or_last
from storage.queries import agenda


async def owned_page(session: AsyncSession, *, viewer: Viewer, page: int, per_page: int) -> Page:
    """A page of the customers `viewer` owns now; the last page when `page` is past the end."""
    if viewer.team_id is None:
        raise NoTeam

    async def fetch(limit: int, offset: int) -> agenda.Rows:
        return await agenda.owned(session, viewer=viewer, limit=limit, offset=offset)

    return await page_or_last(fetch, page=page, per_page=per_page)
