"""Turning push requests into outbox rows: each notice type rendered by the feature that owns it.

Features register a renderer per notice type when they are registered (`handlers/registry.py`);
jobs and handlers then queue any service's requests the same way, in the recipient's language and
time zone, inside the unit of work that produced them. A renderer with slow work to do (drawing a
chart) may be a coroutine function, so it can do that work in a thread.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.ext import Application

from bot.i18n import I18n, Translator
from bot.runtime.settings import Settings
from bot.services.pushes import PushRequest
from storage.queries import outbox

N = TypeVar("N")
Payload = dict[str, Any]
Renderer = Callable[[N, Translator], Payload | Awaitable[Payload]]

_RENDERERS = "push_renderers"


class Renders(Protocol):
    """What rendering needs of the application: its registered renderers, catalogues and settings."""

    @property
    def bot_data(self) -> Any: ...

    @property
    def i18n(self) -> I18n: ...

    @property
    def settings(self) -> Settings: ...


def render_with(application: Application, notice_type: type[N], renderer: Renderer[N]) -> None:  # type: ignore[type-arg]
    """Declare how notices of one type read; a type has one renderer."""
    renderers = application.bot_data.setdefault(_RENDERERS, {})
    if notice_type in renderers:
        raise ValueError(f"{notice_type.__name__} already has a renderer")
    renderers[notice_type] = renderer


async def payload(application: Renders, request: PushRequest) -> Payload:
    renderer = application.bot_data.get(_RENDERERS, {}).get(type(request.notice))
    if renderer is None:
        raise LookupError(f"no renderer for {type(request.notice).__name__}")
    to = request.to
    t = application.i18n.translator(to.locale, to.timezone or application.settings.timezone)
    result = renderer(request.notice, t)
    return result if isinstance(result, dict) else await result


async def queue(
    session: AsyncSession, application: Renders, requests: Sequence[PushRequest], *, now: datetime
) -> int:
    """Queue the requests in this transaction; how many were new (repeated keys queue nothing)."""
    pushes = [
        outbox.Push(
            dedupe_key=request.dedupe_key,
            chat_id=request.to.chat_id,
            user_id=request.to.user_id,
            kind=request.kind,
            payload=await payload(application, request),
            priority=request.priority,
            not_before=request.not_before,
        )
        for request in requests
    ]
    return await outbox.enqueue_many(session, pushes=pushes, now=now) if pushes else 0
