"""Incoming limits: the per-user rate limit, and files or texts too large to take.

People at human speed pass untouched; a flood is first made to wait, then refused, and the person
is told. The limiter's clock is one the tests move by hand and its sleep only records, so nothing
depends on how fast the machine runs the test.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest

from bot.runtime import ratelimit
from bot.runtime.ratelimit import Admission, RateLimiter
from bot.runtime.settings import Settings
from sandbox import SandboxServer
from sandbox.factories import REP_TG, customer, fetch, person, plant_button, press_through, sales_team
from sandbox.harness import Harness, Person, running_bot, settings_for, webhook_bot
from storage.models import Feedback, Visit
from tests.support.feedback import linked_customer, send_photo

MB = 1024 * 1024
# The defaults as declared, whatever this machine's environment says.
DEFAULT_RATE, DEFAULT_BURST, DEFAULT_WAIT = (
    Settings.model_fields[name].default for name in ("rate_per_second", "rate_burst", "rate_max_wait")
)
REFUSED = (
    "You're sending faster than I can keep up with, so I did not process this message or anything "
    "you send in the next 10 seconds. Please send it again after that."
)
REFUSED_ZH = "您发得太快了，这条消息和接下来10秒内发送的内容我都没有处理，请稍后重新发送。"


class Clock:
    """A clock moved by hand; its `sleep` records what the limiter asked for and returns at once."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def default_limiter(clock: Clock) -> RateLimiter:
    """The limiter as `fieldcrm run` builds it from the default settings."""
    return RateLimiter(
        rate=DEFAULT_RATE, burst=DEFAULT_BURST, max_wait=DEFAULT_WAIT, clock=clock, sleep=clock.sleep
    )


def test_the_defaults_are_the_documented_ones() -> None:
    assert (DEFAULT_RATE, DEFAULT_BURST, DEFAULT_WAIT) == (5.0, 20, 3.0)


def test_three_a_second_with_bursts_of_ten_pass_without_waiting() -> None:
    clock = Clock()
    limiter = default_limiter(clock)
    start = clock.now
    admissions: list[Admission] = []

    # Ten minutes of: ten at once, then three a second for the next ten seconds; and again.
    for cycle in range(60):
        clock.now = start + cycle * 10
        admissions += [limiter.admit(7) for _ in range(10)]
        for step in range(1, 30):
            clock.now = start + cycle * 10 + step / 3
            admissions.append(limiter.admit(7))
            assert admissions[-1] == Admission(ready_at=clock.now)

    assert len(admissions) == 60 * 39
    assert not any(a.refused for a in admissions)
    assert all(a.ready_at == start + (i // 39) * 10 for i, a in enumerate(admissions) if i % 39 < 10)


def test_a_flood_waits_in_order_then_is_refused_with_exact_counts() -> None:
    clock = Clock()
    limiter = default_limiter(clock)
    start = clock.now

    admissions = []
    for i in range(100):  # a hundred in one second
        clock.now = start + i / 100
        admissions.append((clock.now, limiter.admit(7)))

    at_once = [a for now, a in admissions if not a.refused and a.ready_at <= now]
    waiting = [(now, a) for now, a in admissions if not a.refused and a.ready_at > now]
    refused = [a for _, a in admissions if a.refused]
    assert (len(at_once), len(waiting), len(refused)) == (21, 15, 64)
    # Waits follow arrival order, each token one fifth of a second after the one before, none beyond 3 s.
    ready = [a.ready_at for _, a in waiting]
    assert ready == sorted(ready)
    assert [round(b - a, 9) for a, b in itertools.pairwise(ready)] == [0.2] * 14
    assert max(a.ready_at - now for now, a in waiting) == pytest.approx(2.85)
    assert {a.refused_until for a in refused} == {start + 0.36 + 10}
    # Nobody else waits for this person's flood.
    assert limiter.admit(8) == Admission(ready_at=clock.now)

    # The window is told about once, in words, for the first refused message.
    first = refused[0]
    assert limiter.seconds_left(first) == 10
    assert [limiter.first_to_tell(7, a) for a in refused[:3]] == [True, False, False]

    # Once the window is over, the bucket is full again.
    clock.now = start + 0.36 + 10
    assert [limiter.admit(7).ready_at for _ in range(20)] == [clock.now] * 20
    assert limiter.admit(7).ready_at == pytest.approx(clock.now + 0.2)


async def test_the_limiter_sleeps_only_for_what_is_left_of_the_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=1.0, burst=1, max_wait=5, clock=clock, sleep=clock.sleep)
    assert await limiter.wait_for(limiter.admit(7)) == 0
    second = limiter.admit(7)
    clock.now += 0.25
    assert await limiter.wait_for(second) == 0.75
    assert clock.slept == [0.75]


def test_half_a_token_is_not_enough() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=2.0, burst=1, max_wait=0, clock=clock)
    assert not limiter.admit(7).refused
    clock.now += 0.25
    assert limiter.admit(7).refused
    clock.now += 10
    assert not limiter.admit(7).refused


def test_memory_stays_bounded_and_idle_buckets_are_forgotten() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=1.0, burst=5, max_wait=2, clock=clock, max_tracked=3, refusal_seconds=4)

    for user_id in range(100):
        limiter.admit(user_id)
    assert len(limiter) == 3

    clock.now += 7  # burst / rate + max_wait: every bucket would be full again
    limiter.admit(500)
    assert len(limiter) == 1


@pytest.fixture
async def default_limits(sandbox: SandboxServer, database_url: str) -> AsyncIterator[Harness]:
    """The bot with the limits `fieldcrm run` has by default."""
    settings = settings_for(
        sandbox,
        database_url,
        rate_per_second=DEFAULT_RATE,
        rate_burst=DEFAULT_BURST,
        rate_max_wait=DEFAULT_WAIT,
    )
    async with running_bot(settings, sandbox) as harness:
        yield harness


async def test_taps_in_a_dialog_then_commands_at_once_are_all_answered(default_limits: Harness) -> None:
    bot = default_limits
    team = await sales_team(bot)
    await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Acme")
    rep = await person(bot, REP_TG)
    await rep.send("/visit")
    summary = await press_through(rep, "Acme", "Phone", "Positive", "Skip", "No follow-up")
    assert "Visit to Acme" in summary.text

    # Save, and two commands typed right after it, without waiting for the bot in between.
    before = len(await rep.replies())
    sent = [
        await rep.account.press("✅ Save", message_id=summary.message.message_id),
        await rep.account.send("/today"),
        await rep.account.send("/help"),
    ]
    await rep._settle(sent[-1])

    assert "Visit to Acme saved." in (await rep.replies())[before - 1].text
    new = [reply.text for reply in (await rep.replies())[before:]]
    assert len(new) == 2, new
    assert "/visit" in new[1]
    assert REFUSED not in new
    assert len(await fetch(bot, Visit)) == 1


@pytest.fixture
async def tight(sandbox: SandboxServer, database_url: str) -> AsyncIterator[tuple[Harness, Clock]]:
    """One a second, two at once, waits of up to three seconds: five in hand, the sixth refused."""
    settings = settings_for(sandbox, database_url, rate_per_second=1.0, rate_burst=2, rate_max_wait=3.0)
    async with running_bot(settings, sandbox) as harness:
        clock = Clock()
        limiter = ratelimit.limiter_of(harness.app)
        limiter.clock, limiter.sleep = clock, clock.sleep
        yield harness, clock


async def flood(who: Person, text: str, times: int) -> list[int]:
    """Send `times` messages without waiting between them, then wait until all are handled."""
    update_ids = [await who.account.send(text) for _ in range(times)]
    await who._settle(update_ids[-1])
    return update_ids


async def test_a_flood_waits_then_the_excess_is_refused_and_said_so(tight: tuple[Harness, Clock]) -> None:
    bot, clock = tight
    await sales_team(bot)
    rep = await bot.person(REP_TG, "Rita")

    await flood(rep, "/help", 8)

    replies = await rep.replies()
    texts = [reply.text for reply in replies]
    assert len(texts) == 6, texts
    assert texts.count(REFUSED) == 1
    helps = [text for text in texts if text != REFUSED]
    assert len(helps) == 5
    assert len(set(helps)) == 1
    # Two at once, then each waited for its own token, in order.
    assert clock.slept == [1.0, 2.0, 3.0]
    # The line quotes the message it was not processed for: the sixth.
    sent = [m.message_id for m in await rep.account.messages() if not m.from_bot]
    (line,) = [reply for reply in replies if reply.text == REFUSED]
    assert line.message.reply_to_message_id == sent[5]

    # A press inside the window is answered, saying it was not done.
    await plant_button(bot, rep, "Language", "lang:en")
    answer = await rep.press_for_answer("Language")
    assert answer is not None
    assert (
        answer["text"]
        == "Not done: you're pressing faster than I can keep up with. Please press again in 10 seconds."
    )
    assert answer["show_alert"] is True

    clock.now += 10
    assert (await rep.send("/help")).text == helps[0]


async def test_the_refusal_speaks_the_telegram_app_language(tight: tuple[Harness, Clock]) -> None:
    bot, _ = tight
    stranger = await bot.person(9501, "林", language_code="zh-hans")

    await flood(stranger, "你好", 7)
    await plant_button(bot, stranger, "旧按钮", "lang:xx")
    answer = await stranger.press_for_answer("旧按钮")

    texts = [reply.text for reply in await stranger.replies()]
    assert texts.count(REFUSED_ZH) == 1
    assert len(texts) == 5 + 1 + 1  # five answers, the line, the planted button's message
    assert answer is not None
    assert answer["text"] == "未执行：您点得太快了，请10秒后再点一次。"


async def test_webhook_mode_counts_the_same_without_waiting(
    sandbox: SandboxServer, database_url: str
) -> None:
    async with webhook_bot(
        sandbox, database_url, rate_per_second=1.0, rate_burst=2, rate_max_wait=3.0
    ) as bot:
        clock = Clock()
        limiter = ratelimit.limiter_of(bot.app)
        limiter.clock, limiter.sleep = clock, clock.sleep
        await sales_team(bot)
        rep = await bot.person(REP_TG, "Rita")

        await flood(rep, "/help", 8)

        texts = [reply.text for reply in await rep.replies()]
        assert len(texts) == 6, texts
        assert texts.count(REFUSED) == 1
        assert clock.slept == []


async def test_a_file_over_the_limit_is_refused_with_the_sizes(bot: Harness) -> None:
    await sales_team(bot, rep_locale="zh_Hans")
    rep = await person(bot, REP_TG)

    update_id = await rep.account.send_document(
        b"not really a video", filename="shop.mp4", mime_type="video/mp4", file_size=23 * MB
    )
    await rep._settle(update_id)
    assert (await rep.last_message()).text == "这个文件有23 MB，上限是10 MB。"

    update_id = await rep.account.send_document(
        b"just over", filename="a.pdf", mime_type="application/pdf", file_size=10 * MB + 300 * 1024
    )
    await rep._settle(update_id)
    assert (await rep.last_message()).text == "这个文件有10.3 MB，上限是10 MB。"

    long_text = await rep.send("查" * 4050)
    assert long_text.text == "这条消息共4,050个字，上限是4,000个字。"


async def test_an_oversized_photo_in_a_dialog_is_refused_and_the_dialog_goes_on(bot: Harness) -> None:
    team = await sales_team(bot)
    _, guest = await linked_customer(bot, team)

    await guest.send("/feedback")
    refused = await send_photo(guest, "the broken shelf", file_size=12 * MB)
    assert refused.text == "That file is 12 MB; the limit is 10 MB."
    assert await fetch(bot, Feedback) == []

    thanks = await send_photo(guest, "the broken shelf", file_size=10 * MB)
    assert thanks.text.startswith("Thank you!")
    (stored,) = await fetch(bot, Feedback)
    assert stored.comment == "the broken shelf"


async def test_a_long_text_from_staff_is_refused_before_any_search(bot: Harness) -> None:
    await sales_team(bot)
    rep = await person(bot, REP_TG)

    refused = await rep.send("a" * 4001)

    assert refused.text == "That message is 4,001 characters long; the limit is 4,000."
    fine = await rep.send("a" * 4000)
    assert fine.text.startswith("No customer matches")
