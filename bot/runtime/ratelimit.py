"""A token bucket per Telegram user: a person at human speed never meets it, a flood is slowed, then refused.

Each person has `burst` updates at once and `rate` a second after that. An update over the limit
is not dropped: it is given the next token still to come and waits for it (at most `max_wait`
seconds), in its chat's turn, so only that person's own chat waits and their updates keep their
order. An update that would have to wait longer is refused, and so is everything from that person
for the next `refusal_seconds`: the first refusal says so in words, naming the time, so no update
is lost without the person being told. Nothing of a refused update has run.

The buckets live in this process's memory: with several replicas, each limits the share of a
user's updates it happens to receive. That is deliberate: the limit guards a process's own
work, and a database round trip per update would cost more than the flood it prevents.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from bot.runtime.context import CrmApplication
from bot.runtime.settings import Settings

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
LIMITER_KEY = "rate_limiter"
# How long a flood is refused once it outruns the wait: long enough that it is told once, not per update.
REFUSAL_SECONDS = 10.0
MAX_TRACKED = 10_000
# Float arithmetic on clock readings must not turn a whole token into 0.9999999.
EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class Admission:
    """Run the update once the clock reads `ready_at`; or, refused, not at all: its sender's
    updates are refused until the clock reads `refused_until`."""

    ready_at: float = 0.0
    refused_until: float | None = None

    @property
    def refused(self) -> bool:
        return self.refused_until is not None


@dataclass(slots=True)
class _Bucket:
    # Below zero while updates wait for tokens still to come: they are promised, in arrival order.
    tokens: float
    stamp: float
    refusing_until: float | None = None
    # The refusal window the person has been told about in words (a toast on a press does not count).
    told_until: float | None = None


class RateLimiter:
    """`rate` updates per second on average, `burst` at once, then waits of up to `max_wait` seconds;
    memory bounded by `max_tracked` people."""

    def __init__(
        self,
        *,
        rate: float,
        burst: int,
        max_wait: float,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        max_tracked: int = MAX_TRACKED,
        refusal_seconds: float = REFUSAL_SECONDS,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.max_wait = max_wait
        self.clock = clock
        self.sleep = sleep
        self.max_tracked = max_tracked
        self.refusal_seconds = refusal_seconds
        self._buckets: OrderedDict[int, _Bucket] = OrderedDict()

    @classmethod
    def for_settings(cls, settings: Settings) -> RateLimiter:
        return cls(rate=settings.rate_per_second, burst=settings.rate_burst, max_wait=settings.rate_max_wait)

    def __len__(self) -> int:
        return len(self._buckets)

    def admit(self, user_id: int) -> Admission:
        """Take this update's token as it arrives: one in hand, one still to come, or none."""
        now = self.clock()
        bucket = self._bucket(user_id, now)
        if bucket.refusing_until is not None and now < bucket.refusing_until:
            return Admission(refused_until=bucket.refusing_until)
        missing = 1.0 - bucket.tokens
        wait = missing / self.rate if missing > EPSILON else 0.0
        if wait > self.max_wait:
            bucket.refusing_until = now + self.refusal_seconds
            return Admission(refused_until=bucket.refusing_until)
        bucket.tokens -= 1.0
        return Admission(ready_at=now + wait)

    def first_to_tell(self, user_id: int, admission: Admission) -> bool:
        """True for the first refused message of a refusal window: that one gets the line that
        names the window, the others fall inside a window the person was told about."""
        bucket = self._buckets.get(user_id)
        if bucket is None:
            return True
        if bucket.told_until == admission.refused_until:
            return False
        bucket.told_until = admission.refused_until
        return True

    def seconds_left(self, admission: Admission) -> int:
        """Whole seconds until the refusal window ends, rounded up, at least 1."""
        until = admission.refused_until if admission.refused_until is not None else self.clock()
        return max(1, math.ceil(until - self.clock() - EPSILON))

    async def wait_for(self, admission: Admission) -> float:
        """Sleep until the admission's token is there; the seconds slept (none if it already is)."""
        delay = admission.ready_at - self.clock()
        if delay <= 0:
            return 0.0
        await self.sleep(delay)
        return delay

    def _bucket(self, user_id: int, now: float) -> _Bucket:
        """This person's bucket, refilled to `now` and moved to the back (most recently seen)."""
        bucket = self._buckets.pop(user_id, None)
        if bucket is None:
            bucket = _Bucket(tokens=float(self.burst), stamp=now)
        else:
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
        self._buckets[user_id] = bucket
        self._evict(now)
        return bucket

    def _evict(self, now: float) -> None:
        """Forget the least recently seen people once their bucket would be full again anyway.

        Buckets are kept in order of last use, so the idle ones are at the front; past
        `max_tracked` the oldest goes even if not yet full (it can only have been generous).
        """
        idle = max(self.burst / self.rate + self.max_wait, self.refusal_seconds)
        while self._buckets:
            user_id, oldest = next(iter(self._buckets.items()))
            if len(self._buckets) <= self.max_tracked and now - oldest.stamp < idle:
                return
            del self._buckets[user_id]


# Set by the ordered processor around the update it admitted (bot.runtime.chat_order), read by the guard.
_current: ContextVar[Admission | None] = ContextVar("admission", default=None)


@contextmanager
def admitted(admission: Admission) -> Iterator[None]:
    """Within the block, `admission` is the one the guard reads for the update in hand."""
    token = _current.set(admission)
    try:
        yield
    finally:
        _current.reset(token)


def current_admission() -> Admission | None:
    """The admission the ordered processor made for the update in hand, if it made one."""
    return _current.get()


def limiter_of(application: CrmApplication) -> RateLimiter:
    """The application's limiter, made from its settings on first use."""
    found = application.bot_data.get(LIMITER_KEY)
    if isinstance(found, RateLimiter):
        return found
    limiter = RateLimiter.for_settings(application.settings)
    application.bot_data[LIMITER_KEY] = limiter
    return limiter
