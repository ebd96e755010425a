"""The fan-out benchmark's core at a tiny scale, so it keeps running: every push arrives exactly once."""

from __future__ import annotations

from bench.fanout import fanout


async def test_every_push_arrives_once_while_people_get_replies(database_url: str) -> None:
    result = await fanout(database_url, pushes=50, users=2, every=1.5)
    assert (result.delivered, result.duplicates, result.lost, result.dead) == (50, 0, 0, 0)
    assert result.load.latencies
    assert result.load.unanswered == 0
