"""Telegram's send limits and injected faults, so pacing and retry code can be exercised."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from sandbox.errors import ApiError, default_description, too_many_requests


@dataclass(frozen=True)
class FloodLimits:
    """Sends allowed before Telegram answers 429; None switches a limit off."""

    global_per_second: float | None = 30
    per_chat_per_second: float | None = 1
    per_group_per_minute: float | None = 20


class _Window:
    """At most `limit` events in any `period` seconds."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self.events: deque[float] = deque()

    @classmethod
    def for_rate(cls, rate: float, period: float) -> _Window:
        if rate >= 1:
            return cls(int(rate), period)
        return cls(1, period / rate)

    def wait_needed(self, now: float) -> float:
        while self.events and self.events[0] <= now - self.period:
            self.events.popleft()
        if len(self.events) < self.limit:
            return 0.0
        return self.events[0] + self.period - now

    def record(self, now: float) -> None:
        self.events.append(now)


class FloodControl:
    """Sliding windows per bot, per chat and per group; checks and records one send."""

    def __init__(self, limits: FloodLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self._global: dict[str, _Window] = {}
        self._chats: dict[tuple[str, int], _Window] = {}
        self._groups: dict[tuple[str, int], _Window] = {}

    def check_send(self, token: str, chat_id: int, *, is_group: bool) -> None:
        """Raises 429 with retry_after when this send would exceed a limit."""
        now = self.clock()
        windows = self._windows_for(token, chat_id, is_group=is_group)
        wait = max((w.wait_needed(now) for w in windows), default=0.0)
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))
        for window in windows:
            window.record(now)

    def _windows_for(self, token: str, chat_id: int, *, is_group: bool) -> list[_Window]:
        limits = self.limits
        windows: list[_Window] = []
        if limits.global_per_second:
            windows.append(self._global.setdefault(token, _Window.for_rate(limits.global_per_second, 1.0)))
        if is_group and limits.per_group_per_minute:
            key = (token, chat_id)
            windows.append(self._groups.setdefault(key, _Window.for_rate(limits.per_group_per_minute, 60.0)))
        elif not is_group and limits.per_chat_per_second:
            key = (token, chat_id)
            windows.append(self._chats.setdefault(key, _Window.for_rate(limits.per_chat_per_second, 1.0)))
        return windows


@dataclass
class Fault:
    """The next `times` calls of `method` fail with `status`, or (status 0) are only delayed."""

    method: str
    status: int
    description: str = ""
    retry_after: int | None = None
    times: int = 1
    delay: float = 0.0
    token: str | None = None

    def error(self) -> ApiError | None:
        if self.status == 0:
            return None
        if self.status == 429:
            retry_after = self.retry_after if self.retry_after is not None else 1
            error = too_many_requests(retry_after)
            if self.description:
                error.description = self.description
            return error
        description = self.description or default_description(self.status)
        parameters = {"retry_after": self.retry_after} if self.retry_after is not None else None
        return ApiError(self.status, description, parameters=parameters)

    def to_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "status": self.status,
            "description": self.description,
            "retry_after": self.retry_after,
            "times": self.times,
            "delay": self.delay,
        }


@dataclass
class FaultInjector:
    """Queued faults, consumed in order per method ("*" matches any method)."""

    faults: list[Fault] = field(default_factory=list)

    def add(self, fault: Fault) -> None:
        if fault.times < 1:
            raise ValueError("times must be at least 1")
        self.faults.append(fault)

    def take(self, token: str, method: str) -> Fault | None:
        """The fault that applies to this call, if any, using up one of its `times`."""
        for fault in self.faults:
            if fault.token not in (None, token):
                continue
            if fault.method != "*" and fault.method.lower() != method.lower():
                continue
            fault.times -= 1
            if fault.times <= 0:
                self.faults.remove(fault)
            return fault
        return None

    def clear(self, token: str | None = None) -> None:
        self.faults = [f for f in self.faults if token is not None and f.token not in (None, token)]
