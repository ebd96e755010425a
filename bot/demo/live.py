"""What keeps the demo lively: the scheduler's work done at once and often, and buttons for the rest.

The bot's own jobs look for due work every half minute to a few minutes; in the demo a visitor
should see a rating question right after a visit and a reminder at its minute, so the same job
methods run every couple of seconds too. At start the first pass rescans every customer (the seed
scored them as of yesterday, so today's news raises alerts) and runs the morning round. What waits
for its hour (the 18:00 digest) gets a button in the web chat, and so does a rescan.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.domain import digest as figures
from bot.runtime.context import CrmApplication
from bot.runtime.jobs import Background, background
from bot.services import digest
from sandbox.web import Action
from storage.queries import digest as digest_queries

PACE_SECONDS = 2.0
log = logging.getLogger(__name__)


class DemoLive:
    """Runs due work for the demo; `actions` are its buttons in the web chat."""

    def __init__(self, app: CrmApplication) -> None:
        self.app = app

    @property
    def jobs(self) -> Background:
        return background(self.app)

    async def first_pass(self) -> None:
        """As if the nightly rescan and the morning round had just run."""
        await self.jobs.rescan_health(incremental=False)
        await self.jobs.push_greetings()
        await self.jobs.plan_revisits()
        await self.beat()

    async def beat(self) -> None:
        """One look for due reminders, surveys, ticket deadlines and digests."""
        await self.jobs.push_due_reminders()
        await self.jobs.run_surveys()
        await self.jobs.watch_tickets()
        await self.jobs.push_digests()

    async def run(self) -> None:
        """Beat until cancelled; a failed beat is logged and the next one tries again."""
        while True:
            try:
                await self.beat()
            except Exception:
                log.exception("demo: a pass over due work failed")
            await asyncio.sleep(PACE_SECONDS)

    async def send_digest(self) -> str:
        """The latest daily digest to every manager now, through the same queue as the scheduled one:
        today's once its hour has come, else yesterday's (a whole day, whatever the hour in Shanghai)."""
        now = self.jobs.now()
        queued = 0
        async with self.app.db.begin() as session:
            for team in await digest_queries.teams(session):
                at = figures.digest_time(team.settings)
                today = figures.today(now, team.timezone).first
                period = figures.daily_due(now, team.timezone, at) or figures.daily(today - timedelta(days=1))
                managers = await digest_queries.managers(session, team_id=team.id)
                queued += await self.jobs.queue_digests(session, digest.Due(team, period, managers), now=now)
        self.jobs.kick()
        if not queued:
            return "The latest digest was sent already; managers can see today's so far with /digest."
        return f"The latest daily digest is on its way to {queued} managers."

    async def rescan(self) -> str:
        """Every customer scored now; rises in risk are alerted to their owners."""
        stats = await self.jobs.rescan_health(incremental=False)
        return f"Scored {stats.scored} customers; {len(stats.rises)} rose in risk and were alerted."

    def actions(self) -> list[Action]:
        return [
            Action("digest", "📊 Send the managers their daily digest", self.send_digest),
            Action("rescan", "🩺 Rescan customer health now", self.rescan),
        ]
