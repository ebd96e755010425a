"""The method registry and what every Bot API method handler receives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sandbox.limits import FloodControl
from sandbox.params import Params
from sandbox.state import BotState, Clock
from sandbox.webhook import WebhookManager


@dataclass
class Runtime:
    """Server-wide services shared by all bots."""

    clock: Clock
    webhooks: WebhookManager
    flood: FloodControl | None = None
    closing: bool = False


@dataclass
class Call:
    bot: BotState
    params: Params
    runtime: Runtime

    def now(self) -> int:
        return int(self.runtime.clock.now())


@dataclass
class Described:
    """A successful result that Telegram accompanies with a description."""

    result: Any
    description: str


Handler = Callable[[Call], Awaitable[Any]]
METHODS: dict[str, Handler] = {}


def method(*names: str) -> Callable[[Handler], Handler]:
    """Registers a handler under case-insensitive method names."""

    def register(handler: Handler) -> Handler:
        for name in names:
            METHODS[name.lower()] = handler
        return handler

    return register
