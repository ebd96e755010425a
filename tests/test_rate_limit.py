"""Incoming limits: the per-user token bucket, and files or texts too large to take.

The limiter's clock is replaced by a list the tests move by hand, so nothing depends on how fast
the machine runs the test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot import ratelimit
from bot.ratelimit import RateLimiter, Verdict
from sandbox import SandboxServer
from storage.models import Feedback
from tests.factories import REP_TG, fetch, person, plant_button, sales_team
from tests.harness import Harness, Person, running_bot, settings_for
from tests.test_feedback import linked_customer, send_photo

MB = 1024 * 1024
NOTICE = "You're sending messages very fast — please wait a moment."


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_allowed_then_one_notice_then_silence_until_tokens_come_back() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=1.0, burst=5, clock=clock, notice_cooldown=30)

    verdicts = [limiter.check(7) for _ in range(8)]

    assert verdicts == [Verdict.ALLOW] * 5 + [Verdict.NOTICE, Verdict.DROP, Verdict.DROP]
    assert limiter.check(8) is Verdict.ALLOW
    clock.now += 1.0
    assert limiter.check(7) is Verdict.ALLOW
    assert limiter.check(7) is Verdict.DROP
    clock.now += 30
    assert [limiter.check(7) for _ in range(6)] == [Verdict.ALLOW] * 5 + [Verdict.NOTICE]


def test_half_a_token_is_not_enough() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=2.0, burst=1, clock=clock)
    assert limiter.check(7) is Verdict.ALLOW
    clock.now += 0.25
    assert limiter.check(7) is Verdict.NOTICE
    clock.now += 0.25
    assert limiter.check(7) is Verdict.ALLOW


def test_memory_stays_bounded_and_idle_buckets_are_forgotten() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=1.0, burst=5, clock=clock, max_tracked=3, notice_cooldown=10)

    for user_id in range(100):
        limiter.check(user_id)
    assert len(limiter) == 3

    clock.now += 10
    limiter.check(500)
    assert len(limiter) == 1


@pytest.fixture
async def limited(sandbox: SandboxServer, database_url: str) -> AsyncIterator[tuple[Harness, Clock]]:
    """The bot with the default limits (1 per second, burst 5) and the limiter's clock in hand."""
    settings = settings_for(sandbox, database_url, rate_per_second=1.0, rate_burst=5)
    async with running_bot(settings, sandbox) as harness:
        clock = Clock()
        ratelimit.limiter_of(harness.app).clock = clock
        yield harness, clock


async def flood(who: Person, text: str, times: int) -> None:
    """Send `times` messages without waiting between them, then wait until all are handled."""
    update_ids = [await who.account.send(text) for _ in range(times)]
    await who._settle(update_ids[-1])


async def test_eight_messages_at_once_get_five_answers_and_one_notice(
    limited: tuple[Harness, Clock],
) -> None:
    bot, clock = limited
    await sales_team(bot)
    rep = await bot.person(REP_TG, "Rita")

    await flood(rep, "/help", 8)

    texts = [reply.text for reply in await rep.replies()]
    assert len(texts) == 6
    assert texts[-1] == NOTICE
    assert all(text != NOTICE for text in texts[:5])
    clock.now += 1.0
    assert (await rep.send("/help")).text == texts[0]
    await flood(rep, "/help", 3)
    assert len(await rep.replies()) == 7


async def test_the_notice_speaks_the_telegram_app_language_and_buttons_get_a_toast(
    limited: tuple[Harness, Clock],
) -> None:
    bot, clock = limited
    stranger = await bot.person(9501, "林", language_code="zh-hans")

    await stranger.send("你好")
    await plant_button(bot, stranger, "旧按钮", "lang:xx")
    answers = [await stranger.press_for_answer("旧按钮") for _ in range(6)]

    assert [a["text"] if a else None for a in answers[4:]] == ["您发消息太快了，请稍等片刻。"] * 2
    clock.now += 30
    await flood(stranger, "你好", 7)
    texts = [reply.text for reply in await stranger.replies()]
    assert texts[-1] == "您发消息太快了，请稍等片刻。"
    assert texts.count("您发消息太快了，请稍等片刻。") == 1


async def test_a_file_over_the_limit_is_refused_with_the_sizes(bot: Harness) -> None:
    await sales_team(bot, rep_locale="zh_Hans")
    rep = await person(bot, REP_TG)

    update_id = await rep.account.send_document(
        b"not really a video", filename="shop.mp4", mime_type="video/mp4", file_size=23 * MB
    )
    await rep._settle(update_id)
    assert (await rep.last_message()).text == "这个文件有 23 MB，上限是 10 MB。"

    update_id = await rep.account.send_document(
        b"just over", filename="a.pdf", mime_type="application/pdf", file_size=10 * MB + 300 * 1024
    )
    await rep._settle(update_id)
    assert (await rep.last_message()).text == "这个文件有 10.3 MB，上限是 10 MB。"

    long_text = await rep.send("查" * 4050)
    assert long_text.text == "这条消息共 4,050 个字，上限是 4,000 个字。"


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
