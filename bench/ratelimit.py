"""The per-user rate limit under a few load shapes: `python -m bench.ratelimit [--live-only | --model-only]`.

Two parts. The model feeds each load shape to the limiter with the default settings on a clock
moved by hand, so its figures are exact and the same on any machine: updates passed at once,
passed after a wait, refused, the rate passed and the waits added. The live part runs the real bot
(default limits, long polling, a scratch SQLite database) against the sandbox Bot API and sends
through it as people do: a person at human speed, and a flood of 100 /help in one second while
someone else asks for /help twice a second. It prints the answers and refusal lines each got, the
waits the limiter added (as it slept them), and the reply latency as the sender sees it, from
sending to the answer appearing in the chat. It asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

from bench.database import scratch_database
from bot.runtime import ratelimit
from bot.runtime.ratelimit import RateLimiter
from bot.runtime.settings import Settings
from sandbox import SandboxServer, SandboxUser
from sandbox.client import SandboxError
from sandbox.harness import Harness, running_bot, settings_for

RATE, BURST, MAX_WAIT = (
    Settings.model_fields[name].default for name in ("rate_per_second", "rate_burst", "rate_max_wait")
)
POLL_SECONDS = 0.01
# Longer than any wait the limiter adds: no new answer for this long means all are in.
QUIET_SECONDS = 4.0
ANSWER_TIMEOUT = 30.0
REFUSAL_START = "You're sending faster than I can keep up with"


# --- the model: exact figures of the policy --------------------------------------------------------


def human(seconds: float) -> Iterator[float]:
    """Ten at once every ten seconds, three a second in between."""
    for cycle in range(int(seconds // 10)):
        yield from [cycle * 10.0] * 10
        yield from (cycle * 10 + step / 3 for step in range(1, 30))


def steady(per_second: float, seconds: float) -> Iterator[float]:
    return (i / per_second for i in range(int(per_second * seconds)))


SHAPES: dict[str, Callable[[], Iterator[float]]] = {
    "human: 10 at once, then 3/s, for 60 s": lambda: human(60),
    "fast tapper: 6/s for 10 s": lambda: steady(6, 10),
    "30 at once": lambda: iter([0.0] * 30),
    "flood: 100 in 1 s": lambda: steady(100, 1),
    "script: 50/s for 60 s": lambda: steady(50, 60),
}


@dataclass
class Figures:
    sent: int = 0
    at_once: int = 0
    waited: list[float] = field(default_factory=list)
    refused: int = 0
    lines: int = 0
    span: float = 0.0

    @property
    def passed(self) -> int:
        return self.at_once + len(self.waited)


def model(arrivals: Iterator[float]) -> Figures:
    clock = [0.0]
    limiter = RateLimiter(rate=RATE, burst=BURST, max_wait=MAX_WAIT, clock=lambda: clock[0])
    figures = Figures()
    last_ready = 0.0
    for at in arrivals:
        clock[0] = at
        admission = limiter.admit(1)
        figures.sent += 1
        if admission.refused:
            figures.refused += 1
            figures.lines += limiter.first_to_tell(1, admission)
        elif admission.ready_at > at:
            figures.waited.append(admission.ready_at - at)
        else:
            figures.at_once += 1
        last_ready = max(last_ready, admission.ready_at, at)
    figures.span = last_ready
    return figures


def print_model() -> None:
    print(f"Model: RATE_PER_SECOND={RATE} RATE_BURST={BURST} RATE_MAX_WAIT={MAX_WAIT} (exact, virtual clock)")
    header = f"{'shape':<40} {'sent':>5} {'at once':>8} {'waited':>7} {'refused':>8} {'lines':>6}"
    print(header + f" {'passed/s':>9} {'mean wait':>10} {'max wait':>9}")
    for name, shape in SHAPES.items():
        f = model(shape())
        rate = f.passed / f.span if f.span else float(f.passed)
        mean = statistics.fmean(f.waited) if f.waited else 0.0
        longest = max(f.waited, default=0.0)
        print(
            f"{name:<40} {f.sent:>5} {f.at_once:>8} {len(f.waited):>7} {f.refused:>8} {f.lines:>6}"
            f" {rate:>9.2f} {mean:>9.2f}s {longest:>8.2f}s"
        )


# --- live: the real bot ----------------------------------------------------------------------------


class Watch:
    """When each bot message first appeared in a chat, polled every POLL_SECONDS."""

    def __init__(self, account: SandboxUser) -> None:
        self.account = account
        self.seen: dict[int, tuple[float, str]] = {}

    async def poll(self) -> None:
        try:
            messages = await self.account.bot_messages()
        except SandboxError:
            return  # nothing in the chat yet
        for message in messages:
            self.seen.setdefault(message.message_id, (time.perf_counter(), message.content))

    def answers(self) -> list[float]:
        return sorted(at for at, text in self.seen.values() if not text.startswith(REFUSAL_START))

    def lines(self) -> int:
        return sum(text.startswith(REFUSAL_START) for _, text in self.seen.values())


async def watch_while(watches: list[Watch], *sending: asyncio.Task[list[float]]) -> None:
    """Poll every chat while the sending goes on, then until no new message came for QUIET_SECONDS."""
    quiet_since = None
    deadline = time.perf_counter() + ANSWER_TIMEOUT
    while time.perf_counter() < deadline:
        before = sum(len(w.seen) for w in watches)
        for watch in watches:
            await watch.poll()
        now = time.perf_counter()
        if sum(len(w.seen) for w in watches) != before or not all(task.done() for task in sending):
            quiet_since = now
        elif quiet_since is not None and now - quiet_since >= QUIET_SECONDS:
            return
        await asyncio.sleep(POLL_SECONDS)


async def send_at(account: SandboxUser, offsets: list[float], text: str) -> list[float]:
    """Send `text` at each offset (seconds from now); the times actually sent."""
    start = time.perf_counter()
    sent = []
    for offset in offsets:
        delay = start + offset - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await account.send(text)
        sent.append(time.perf_counter())
    return sent


def recording_waits(limiter: RateLimiter) -> list[float]:
    waits: list[float] = []
    sleep = limiter.sleep

    async def recorded(seconds: float) -> None:
        waits.append(seconds)
        await sleep(seconds)

    limiter.sleep = recorded
    return waits


def latencies(sent: list[float], answered: list[float]) -> str:
    pairs = [b - a for a, b in zip(sent, answered, strict=False)]
    if not pairs:
        return "no answers"
    pairs.sort()
    return f"latency p50 {statistics.median(pairs) * 1000:.0f} ms, max {pairs[-1] * 1000:.0f} ms"


async def live_human(bot: Harness, waits: list[float]) -> None:
    person = await bot.client.user(7_000_001, first_name="Hana", language_code="en")
    watch = Watch(person)
    offsets = list(human(20))
    waits.clear()
    sending = asyncio.create_task(send_at(person, offsets, "/help"))
    await watch_while([watch], sending)
    sent = sending.result()
    answered = watch.answers()
    print(
        f"  human, 10 at once then 3/s for 20 s: sent {len(sent)}, answered {len(answered)}, "
        f"refusal lines {watch.lines()}, waits added {len(waits)} (max {max(waits, default=0):.2f} s); "
        + latencies(sent, answered)
    )


async def live_flood(bot: Harness, waits: list[float]) -> None:
    flooder = await bot.client.user(7_000_002, first_name="Fred", language_code="en")
    bystander = await bot.client.user(7_000_003, first_name="Bea", language_code="en")
    flood_watch, bystander_watch = Watch(flooder), Watch(bystander)
    waits.clear()
    flood = asyncio.create_task(send_at(flooder, list(steady(100, 1)), "/help"))
    calm = asyncio.create_task(send_at(bystander, list(steady(2, 6)), "/help"))
    started = time.perf_counter()
    await watch_while([flood_watch, bystander_watch], flood, calm)
    answered = flood_watch.answers()
    last = (answered[-1] - started) if answered else 0.0
    print(
        f"  flood, 100 /help in 1 s: answered {len(answered)}, refused {100 - len(answered)}, "
        f"refusal lines {flood_watch.lines()}, waits added {len(waits)} "
        f"(max {max(waits, default=0):.2f} s, sum {sum(waits):.2f} s), last answer {last:.2f} s after "
        f"the first send; the answered ones' " + latencies(flood.result(), answered)
    )
    print(
        f"  meanwhile someone else, /help twice a second: sent {len(calm.result())}, "
        f"answered {len(bystander_watch.answers())}; " + latencies(calm.result(), bystander_watch.answers())
    )


async def live() -> None:
    async with scratch_database("sqlite", postgres_url="") as url:
        server = SandboxServer()
        await server.start()
        try:
            settings = settings_for(
                server,
                url,
                rate_per_second=RATE,
                rate_burst=BURST,
                rate_max_wait=MAX_WAIT,
                log_level="WARNING",
            )
            async with running_bot(settings, server) as bot:
                waits = recording_waits(ratelimit.limiter_of(bot.app))
                print("Live: the bot on SQLite with the default limits, through the sandbox Bot API")
                await run_shape(live_human, bot, waits)
                await run_shape(live_flood, bot, waits)
        finally:
            await server.stop()


async def run_shape(
    shape: Callable[[Harness, list[float]], Awaitable[None]], bot: Harness, waits: list[float]
) -> None:
    await shape(bot, waits)
    # Let refusal windows and buckets of this shape's people run out before the next.
    await asyncio.sleep(0.5)


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--model-only", action="store_true", help="only the exact figures of the policy")
    only.add_argument("--live-only", action="store_true", help="only the run through the real bot")
    args = parser.parse_args()
    if not args.live_only:
        print_model()
        print()
    if not args.model_only:
        asyncio.run(live())


if __name__ == "__main__":
    cli()
