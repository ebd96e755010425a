"""A token bucket per Telegram user, so one person flooding the bot cannot starve everyone else.

The buckets live in this process's memory: with several replicas, each limits the share of a
user's updates it happens to receive. That is deliberate: the limit guards a process's own
work, and a database round trip per update would cost more than the flood it prevents.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from bot.context import CrmApplication

Clock = Callable[[], float]
LIMITER_KEY = "rate_limiter"
# One notice per this many seconds at most: a flood must not be answered with a flood.
NOTICE_COOLDOWN = 30.0
MAX_TRACKED = 10_000


class Verdict(Enum):
    """What to do with an update: handle it, drop it with a notice, or drop it quietly."""

    ALLOW = "allow"
    NOTICE = "notice"
    DROP = "drop"


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float
    noticed_at: float | None = None


class RateLimiter:
    """`rate` updates per second on average, up to `burst` at once; memory bounded by `max_tracked`."""

    def __init__(
        self,
        *,
        rate: float,
        burst: int,
        clock: Clock = time.monotonic,
        max_tracked: int = MAX_TRACKED,
        notice_cooldown: float = NOTICE_COOLDOWN,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.max_tracked = max_tracked
        self.notice_cooldown = notice_cooldown
        self._buckets: OrderedDict[int, _Bucket] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def check(self, user_id: int) -> Verdict:
        """Take a token for this update if there is one."""
        now = self.clock()
        bucket = self._buckets.pop(user_id, None)
        if bucket is None:
            bucket = _Bucket(tokens=float(self.burst), stamp=now)
        else:
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
        self._buckets[user_id] = bucket
        self._evict(now)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return Verdict.ALLOW
        if bucket.noticed_at is None or now - bucket.noticed_at >= self.notice_cooldown:
            bucket.noticed_at = now
            return Verdict.NOTICE
        return Verdict.DROP

    def _evict(self, now: float) -> None:
        """Forget the least recently seen users once their bucket would be full again anyway.

        Buckets are kept in order of last use, so the idle ones are at the front; past
        `max_tracked` the oldest goes even if not yet full (it can only have been generous).
        """
        idle = max(self.burst / self.rate, self.notice_cooldown)
        while self._buckets:
            user_id, oldest = next(iter(self._buckets.items()))
            if len(self._buckets) <= self.max_tracked and now - oldest.stamp < idle:
                return
            del self._buckets[user_id]


def limiter_of(application: CrmApplication) -> RateLimiter:
    """The application's limiter, made from its settings on first use."""
    found = application.bot_data.get(LIMITER_KEY)
    if isinstance(found, RateLimiter):
        return found
    settings = application.settings
    limiter = RateLimiter(rate=settings.rate_per_second, burst=settings.rate_burst)
    application.bot_data[LIMITER_KEY] = limiter
    return limiter
