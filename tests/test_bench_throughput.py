"""The throughput benchmark's core at a tiny scale, so it keeps running: every update is answered once."""

from __future__ import annotations

import random

from bench.throughput import FIRST_REP, Figures, Plan, measure, run_echo, seed
from sandbox import SandboxMessage, SandboxServer
from sandbox.harness import TOKEN
from sandbox.records import MessageRecord

TINY = Plan(users=3, customers=30, seconds=0.5, rate=20.0, offered_seconds=0.5)


def _all_answered(figures: Figures) -> None:
    runs = [figures.saturation, figures.offered] + ([figures.unpaced] if figures.unpaced else [])
    for run in runs:
        assert run.sent > 0
        assert (len(run.latencies), run.unanswered) == (run.sent, 0)
    assert figures.memory is not None
    assert figures.memory.rss_mb > 0


def _exchanges(server: SandboxServer, user_id: int) -> list[tuple[str, MessageRecord]]:
    """(what the person sent, the bot's answer): each message must be followed by exactly one reply."""
    messages = server.bot(TOKEN).chats[user_id].messages
    assert [m.from_bot for m in messages] == [False, True] * (len(messages) // 2)
    return [(str(sent.text), reply) for sent, reply in zip(messages[::2], messages[1::2], strict=True)]


async def test_the_real_bot_answers_every_update_from_the_database(database_url: str) -> None:
    reps = await seed(database_url, reps=TINY.users, customers=TINY.customers, rng=random.Random(1))
    async with SandboxServer() as server:
        figures = await measure(server, reps, TINY, kind="crm", database_url=database_url, label="crm")
        _all_answered(figures)
        assert figures.unpaced is not None
        for rep in reps:
            replies = dict(_exchanges(server, rep.telegram_id))
            assert "Bring the new price list" in str(replies["/today"].text)
            found = SandboxMessage.from_dict(replies[rep.customer_name].to_sandbox())
            assert any(rep.customer_name in label for row in found.buttons() for label in row)
            assert "As a sales rep" in str(replies["/help"].text)


async def test_the_echo_bot_answers_every_update_with_its_text() -> None:
    async with SandboxServer() as server:
        figures = await run_echo(server, TINY)
        _all_answered(figures)
        for n in range(TINY.users):
            for sent, reply in _exchanges(server, FIRST_REP + n):
                assert reply.text == sent
