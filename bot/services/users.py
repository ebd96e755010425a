"""Resolving the person behind an update, their language, and admin promotion."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import Role
from bot.domain.viewer import Viewer
from bot.i18n import LOCALES, locale_for_language_code
from storage.models import User
from storage.queries import audit, users

SEEN_RESOLUTION = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Identity:
    """What Telegram tells us about a user, without Telegram's types."""

    telegram_id: int
    chat_id: int | None
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None


async def resolve(
    session: AsyncSession, identity: Identity, *, default_locale: str, default_timezone: str, now: datetime
) -> Viewer:
    """Find or create the user; keep their Telegram name and chat current."""
    found = await users.with_team_timezone(session, identity.telegram_id)
    user, team_timezone = found if found is not None else (None, None)
    if user is None:
        user = await users.add(
            session,
            telegram_id=identity.telegram_id,
            chat_id=identity.chat_id,
            first_name=identity.first_name,
            last_name=identity.last_name,
            username=identity.username,
            locale=locale_for_language_code(identity.language_code, default_locale),
            now=now,
        )
    else:
        _refresh(user, identity, now)
    return viewer_of(
        user, team_timezone=team_timezone, default_locale=default_locale, default_timezone=default_timezone
    )


def _refresh(user: User, identity: Identity, now: datetime) -> None:
    """Telegram is the source of truth for names; unchanged values cause no UPDATE."""
    if identity.chat_id is not None:
        user.chat_id = identity.chat_id
    user.first_name = identity.first_name
    user.last_name = identity.last_name
    user.username = identity.username
    user.blocked_bot = False
    if user.last_seen_at is None or now - user.last_seen_at > SEEN_RESOLUTION:
        user.last_seen_at = now


def viewer_of(user: User, *, team_timezone: str | None, default_locale: str, default_timezone: str) -> Viewer:
    timezone = user.timezone or team_timezone
    return Viewer(
        user_id=user.id,
        telegram_id=user.telegram_id,
        first_name=user.first_name,
        role=Role(user.role) if user.role else None,
        team_id=user.team_id,
        locale=user.locale if user.locale in LOCALES else default_locale,
        timezone=timezone or default_timezone,
        is_active=user.is_active,
    )


async def promote_listed_admin(
    session: AsyncSession, viewer: Viewer, *, admin_ids: frozenset[int], now: datetime
) -> Viewer | None:
    """Make a user listed in ADMIN_IDS an admin; the viewer as they are now, or None if nothing changed."""
    if viewer.telegram_id not in admin_ids or (viewer.role is Role.ADMIN and viewer.is_active):
        return None
    user = await session.get(User, viewer.user_id)
    assert user is not None
    before = user.role
    user.role = Role.ADMIN.value
    user.is_active = True
    await audit.record(
        session,
        action="role.granted",
        actor_id=None,
        now=now,
        team_id=user.team_id,
        target_user_id=user.id,
        details={"before": before, "after": Role.ADMIN.value, "via": "ADMIN_IDS"},
    )
    return replace(viewer, role=Role.ADMIN, is_active=True)


async def set_locale(session: AsyncSession, *, user_id: int, locale: str) -> None:
    if locale not in LOCALES:
        raise ValueError(locale)
    user = await session.get(User, user_id)
    assert user is not None
    user.locale = locale


@dataclass(frozen=True, slots=True)
class AdminChat:
    """Where a listed admin can be told something, and in which language."""

    chat_id: int
    locale: str | None


async def admin_chats(session: AsyncSession, *, admin_ids: frozenset[int]) -> list[AdminChat]:
    """The listed admins who have started the bot and not blocked it."""
    return [
        AdminChat(chat_id=admin.chat_id, locale=admin.locale)
        for admin in await users.admins_with_chat(session, admin_ids)
        if admin.chat_id is not None
    ]
