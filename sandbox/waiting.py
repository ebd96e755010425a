"""A wake-everyone primitive for long polls (getUpdates, chat events, delivery).

`asyncio.timeout` rather than `wait_for`: on 3.11 `wait_for` can swallow a cancellation
that races with the event being set, which left webhook tasks running after stop().
"""

from __future__ import annotations

import asyncio


class Signal:
    """Wakes everyone waiting for 'something changed'."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> bool:
        """True if notified within `seconds`."""
        if seconds <= 0:
            return False
        try:
            async with asyncio.timeout(seconds):
                await self._event.wait()
        except TimeoutError:
            return False
        return True
