"""A wake-everyone primitive for long polls (getUpdates, chat events, delivery)."""

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
            await asyncio.wait_for(self._event.wait(), seconds)
        except TimeoutError:
            return False
        return True
