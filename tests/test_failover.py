"""Two replicas in webhook mode on one PostgreSQL database: the leader goes away in the middle of a
rep's visit log, the standby takes the lead and the rep finishes the same dialog on it."""

from __future__ import annotations

from contextlib import AsyncExitStack

import pytest

from bot.runtime.leader import LEADERSHIP_KEY, Leadership
from sandbox import SandboxServer
from sandbox.factories import REP_TG, customer, fetch, person, sales_team
from sandbox.harness import Harness, webhook_bot
from storage.models import Visit


def leads(bot: Harness) -> bool:
    leadership = bot.app.bot_data[LEADERSHIP_KEY]
    assert isinstance(leadership, Leadership)
    return leadership.is_leader


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_visit_started_on_the_leader_is_finished_after_failover(
    sandbox: SandboxServer, database_url: str
) -> None:
    async with AsyncExitStack() as first_stack, AsyncExitStack() as second_stack:

        async def replica(stack: AsyncExitStack) -> Harness:
            return await stack.enter_async_context(webhook_bot(sandbox, database_url, leader_poll_seconds=1))

        first = await replica(first_stack)
        # The second replica registers its URL last, so it is the one Telegram posts to.
        second = await replica(second_stack)
        assert (leads(first), leads(second)) == (True, False)

        team = await sales_team(second)
        await customer(second, team_id=team.team_id, owner_id=team.rep_id, name="Acme")
        rep = await person(second, REP_TG)
        await rep.send("/visit")
        await rep.press("Acme")
        assert "How did it go?" in (await rep.press("On-site")).text

        await first_stack.aclose()
        # The standby wins the lock on its next beat and resumes from the saved state.
        went_on = await rep.press("Positive")
        assert leads(second)
        assert "Any notes?" in went_on.text
        await rep.send("Signed the renewal")
        await rep.send("Skip check-in")
        await rep.press("No follow-up")
        done = await rep.press("✅ Save")
        assert "Visit to Acme saved." in done.text
        [visit] = await fetch(second, Visit)
        assert (visit.outcome, visit.notes) == ("positive", "Signed the renewal")
