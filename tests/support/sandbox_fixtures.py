"""What the sandbox tests' `pending` and `incoming` fixtures give, for the tests' annotations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Message, Update

Pending = Callable[..., Awaitable[list[Update]]]
Incoming = Callable[[], Awaitable[list[Message]]]
