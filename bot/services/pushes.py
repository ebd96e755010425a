"""What a service asks to have pushed: to whom, once under which key, and what.

Services decide *that* someone must be told and *what about*, as a plain notice (a dataclass of
their own); the feature that owns the notice puts it into words and buttons in the recipient's
language. Whoever commits the service's unit of work queues the requests in the same transaction
(`bot.runtime.pushes.queue`), so a push exists exactly when the change it reports does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Recipient:
    chat_id: int
    user_id: int | None
    locale: str | None
    timezone: str | None


@dataclass(frozen=True, slots=True)
class PushRequest:
    """One message to queue; a second request with the same `dedupe_key` queues nothing."""

    dedupe_key: str
    kind: str
    to: Recipient
    notice: object
    priority: int = 5
    not_before: datetime | None = None
