"""Scheduled work: the outbox sender and the reminder scan, and the one clock they all read.

Jobs are short and idempotent; they find due work and queue it. Their state is in the database,
so a restart loses nothing and a second run finds nothing new. Tests swap `Background.clock`
to move time and call the job methods directly.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine
from contextlib import suppress
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot
from telegram.ext import Application, CallbackContext, Job
from telegram.request import HTTPXRequest

from bot.outbox.sender import Drained, Limits, OutboxSender, Outcome
from bot.runtime.context import CrmApplication
from bot.runtime.pushes import queue
from bot.services import (
    dead_letters,
    digest,
    greetings,
    health,
    reminders,
    revisits,
    risk_alerts,
    ticket_sla,
)
from bot.services import surveys as survey_service
from storage.db import utcnow

log = logging.getLogger(__name__)

BACKGROUND_KEY = "background"
OUTBOX_INTERVAL = 1.0
REMINDERS_INTERVAL = 30.0
MORNING_INTERVAL = 300.0
HEALTH_INTERVAL = 900.0
HEALTH_NIGHTLY = time(19, 0)
DIGEST_INTERVAL = 60.0
SENDER_CONNECTIONS = 8
# How long one pass of the sender keeps sending while pushes are due, before it looks again.
SENDER_PASS = timedelta(seconds=5)
MAX_REMINDER_BATCHES = 20
ALERT_CHUNK = 500
TICKETS_INTERVAL = 60.0
SURVEYS_INTERVAL = 60.0
MAX_SURVEY_BATCHES = 20
# Shutdown and demotion wait this long for the sender loop; a send cut short is retried later.
STOP_WAIT = 3.0

Clock = Callable[[], datetime]
TeamMorningWork = Callable[[AsyncSession, "greetings.TeamDay", datetime], Awaitable[int]]


class Background:
    """The process's scheduled work, sharing one injectable clock."""

    def __init__(
        self,
        application: CrmApplication,
        sender: OutboxSender,
        *,
        clock: Clock = utcnow,
    ) -> None:
        self.application = application
        self.sender = sender
        self.clock = clock
        application.wake_sender = self.kick
        self._reminders_lock = asyncio.Lock()
        self._greetings_lock = asyncio.Lock()
        self._health_lock = asyncio.Lock()
        self._digest_lock = asyncio.Lock()
        self._greeted: set[tuple[int, date]] = set()
        self._planned: set[tuple[int, date]] = set()
        self._surveys_lock = asyncio.Lock()
        self._tickets_lock = asyncio.Lock()
        self._nps_planned: set[tuple[int, date]] = set()
        self._wake = asyncio.Event()
        self._sender_task: asyncio.Task[None] | None = None
        self._jobs: list[Job[Any]] = []

    @property
    def clock(self) -> Clock:
        """The application's clock: jobs and handlers read the same one."""
        return self.application.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self.application.clock = clock

    def start_duties(self) -> None:
        """Start the sender loop and schedule the jobs: what only the leader runs."""
        if self._sender_task is None:
            self._sender_task = asyncio.create_task(self.run_sender(), name="outbox-sender")
        if not self._jobs:
            self._schedule()

    async def stop_duties(self) -> None:
        """Unschedule the jobs and stop the sender loop, waiting at most STOP_WAIT for it."""
        scheduled, self._jobs = self._jobs, []
        job_queue = self.application.job_queue
        # After PTB's stop the scheduler is down and its jobs are gone with it.
        if job_queue is not None and job_queue.scheduler.running:
            for job in scheduled:
                job.schedule_removal()
        task, self._sender_task = self._sender_task, None
        if task is not None:
            task.cancel()
            await asyncio.wait({task}, timeout=STOP_WAIT)

    def _schedule(self) -> None:
        job_queue = self.application.job_queue
        if job_queue is None:
            log.warning("no job queue: reminders and pushes will not be sent")
            return
        options = {"coalesce": True, "max_instances": 1}
        for callback, interval, name in REPEATING:
            self._jobs.append(
                job_queue.run_repeating(
                    callback, interval=interval, first=interval, name=name, job_kwargs=options
                )
            )
        self._jobs.append(
            job_queue.run_daily(
                _rescan_everyone, time=HEALTH_NIGHTLY, name="health-nightly", job_kwargs=options
            )
        )

    def now(self) -> datetime:
        return self.clock()

    async def deliver(self) -> Drained:
        """One pass of the outbox sender."""
        return await self.sender.drain(now=self.clock())

    async def push_due_reminders(self) -> int:
        """Queue the pushes of reminders that fell due; a second run at the same time queues nothing.

        Works in batches, one transaction each, until a batch comes back short.
        """
        queued = 0
        async with self._reminders_lock:
            for _ in range(MAX_REMINDER_BATCHES):
                async with self.application.db.begin() as session:
                    now = self.clock()
                    due = await reminders.take_due(session, now=now)
                    queued += await queue(session, self.application, due.pushes, now=now)
                if due.handled < reminders.PUSH_BATCH:
                    break
        if queued:
            log.info("queued %d reminder pushes", queued)
            self.kick()
        return queued

    async def push_greetings(self) -> int:
        """Queue the birthday and holiday pushes of teams whose 09:00 has come; once per team and day.

        Each team is one transaction; the dedupe keys keep a rerun (or a restart) from queueing twice.
        """
        default_locale = self.application.i18n.default_locale

        async def greet(session: AsyncSession, due: greetings.TeamDay, now: datetime) -> int:
            greeted = await greetings.greetings_for_team(session, due=due, default_locale=default_locale)
            return await queue(session, self.application, greeted, now=now)

        queued = await self._each_team_morning(self._greeted, greet)
        if queued:
            log.info("queued %d greeting pushes", queued)
            self.kick()
        return queued

    async def push_digests(self) -> int:
        """Queue the daily and Monday weekly digests of teams whose local time has come; once per manager.

        Each team is one transaction; the dedupe keys keep a rerun (or a restart) from queueing twice.
        """
        queued = 0
        now = self.clock()
        async with self._digest_lock:
            async with self.application.db.begin() as session:
                due = await digest.due(session, now=now)
            for team_due in due:
                async with self.application.db.begin() as session:
                    queued += await self.queue_digests(session, team_due, now=now)
        if queued:
            log.info("queued %d digests", queued)
            self.kick()
        return queued

    async def queue_digests(self, session: AsyncSession, due: digest.Due, *, now: datetime) -> int:
        """Queue a team's digest for its waiting managers, each text followed by its chart; how many
        managers were queued (one whose text was queued before gets neither again)."""
        managers = await digest.digests_for_team(
            session, due=due, now=now, default_locale=self.application.i18n.default_locale
        )
        queued = 0
        for manager in managers:
            if await queue(session, self.application, [manager.text], now=now):
                await queue(session, self.application, [manager.chart], now=now)
                queued += 1
        return queued

    async def plan_revisits(self) -> int:
        """Turn customers overdue by their tier's cadence into reminders, once per team morning."""

        async def plan(session: AsyncSession, due: greetings.TeamDay, now: datetime) -> int:
            summaries = await revisits.plan_for_team(session, team_id=due.team.id, day=due.day, now=now)
            return await queue(session, self.application, summaries, now=now)

        queued = await self._each_team_morning(self._planned, plan)
        if queued:
            log.info("queued %d revisit summaries", queued)
            self.kick()
        return queued

    async def _each_team_morning(self, done: set[tuple[int, date]], work: TeamMorningWork) -> int:
        """Run `work` for each team whose morning has come, once per team and local day (`done`
        remembers which; a restart forgets, and the dedupe keys keep the rerun from queueing twice).
        Each team is one transaction."""
        queued = 0
        now = self.clock()
        async with self._greetings_lock:
            _forget_old(done, now)
            async with self.application.db.begin() as session:
                due = await greetings.due_teams(session, now=now)
            for team_day in due:
                if (team_day.team.id, team_day.day) in done:
                    continue
                async with self.application.db.begin() as session:
                    queued += await work(session, team_day, now)
                done.add((team_day.team.id, team_day.day))
        return queued

    async def rescan_health(self, *, incremental: bool) -> health.RescanStats:
        """Rescore customers: those with news every quarter hour, everyone nightly as time passes."""
        async with self._health_lock:
            now = self.clock()
            stats = await health.rescan_all(self.application.db, now=now, incremental=incremental)
            alerted = await self.alert_rises(stats.rises, now=now)
        log.info(
            "health rescan scored %d customers, %d risk rises, %d alert pushes",
            stats.scored,
            len(stats.rises),
            alerted,
        )
        return stats

    async def alert_rises(self, rises: list[health.RiskRise], *, now: datetime) -> int:
        """Turn risk rises into alert pushes, a chunk per transaction."""
        queued = 0
        for start in range(0, len(rises), ALERT_CHUNK):
            async with self.application.db.begin() as session:
                alerts = await risk_alerts.alert_rises(
                    session, rises=rises[start : start + ALERT_CHUNK], now=now
                )
                queued += await queue(session, self.application, alerts, now=now)
        if queued:
            self.kick()
        return queued

    async def run_surveys(self) -> int:
        """Plan NPS surveys (once a day per team), queue the surveys due in their customer's daytime,
        and close those unanswered for a week; pushes queued."""
        queued = 0
        async with self._surveys_lock:
            now = self.clock()
            await self._plan_nps(now)
            for _ in range(MAX_SURVEY_BATCHES):
                async with self.application.db.begin() as session:
                    sent = await survey_service.send_due(session, now=now)
                    queued += await queue(session, self.application, sent.pushes, now=now)
                if sent.handled < survey_service.SEND_BATCH:
                    break
            async with self.application.db.begin() as session:
                await survey_service.expire_unanswered(session, now=now)
        if queued:
            log.info("queued %d surveys", queued)
            self.kick()
        return queued

    async def _plan_nps(self, now: datetime) -> None:
        """Each team's eligible customers, a batch per transaction, once per team-local day."""
        _forget_old(self._nps_planned, now)
        async with self.application.db.begin() as session:
            teams = await survey_service.teams_to_plan(session)
        for team_id, timezone, settings in teams:
            day = now.astimezone(ZoneInfo(timezone)).date()
            if (team_id, day) in self._nps_planned:
                continue
            after: int | None = 0
            while after is not None:
                async with self.application.db.begin() as session:
                    _, after = await survey_service.plan_nps(
                        session, team_id=team_id, settings=settings, now=now, after_id=after
                    )
            self._nps_planned.add((team_id, day))

    async def watch_tickets(self) -> int:
        """Escalate tickets past their SLA to the manager (once each) and close week-old resolved ones;
        escalation pushes queued."""
        async with self._tickets_lock:
            now = self.clock()
            async with self.application.db.begin() as session:
                overdue = await ticket_sla.escalate_overdue(session, now=now)
                queued = await queue(session, self.application, overdue, now=now)
            async with self.application.db.begin() as session:
                await ticket_sla.close_resolved(session, now=now)
        if queued:
            log.info("queued %d ticket escalations", queued)
            self.kick()
        return queued

    def kick(self) -> None:
        """Wake the sender now rather than at its next look, so a fresh push goes out at once."""
        self._wake.set()

    async def run_sender(self) -> None:
        """The sender's loop: drain while pushes go out; when a pass sends nothing, wait for a kick or
        a second. One long-lived task, so a busy pass never costs a skipped tick's worth of sending."""
        while True:
            try:
                drained = await self.deliver()
            except Exception:
                log.exception("outbox pass failed; retrying shortly")
                drained = Counter()
            if drained[Outcome.DEAD]:
                await self.report_dead_letters()
            if not drained[Outcome.SENT]:
                self._wake.clear()
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), OUTBOX_INTERVAL)

    async def report_dead_letters(self) -> int:
        """Tell admins that pushes could not be delivered: at most one notice per admin and hour."""
        now = self.clock()
        settings = self.application.settings
        async with self.application.db.begin() as session:
            notices = await dead_letters.notices_for_admins(session, admin_ids=settings.admin_ids, now=now)
            queued = await queue(session, self.application, notices, now=now)
        if queued:
            self._wake.set()
        return queued


def _forget_old(done: set[tuple[int, date]], now: datetime) -> None:
    """Drop (team, day) marks older than any team's local today can be."""
    done -= {seen for seen in done if seen[1] < now.date() - timedelta(days=2)}


def background(application: Application) -> Background:  # type: ignore[type-arg]
    found = application.bot_data.get(BACKGROUND_KEY)
    if not isinstance(found, Background):
        raise RuntimeError("background jobs were not started")
    return found


async def build(application: CrmApplication) -> Background:
    """Open the sender's own connection; the jobs and the sender loop start with `start_duties`.

    The sender gets a bot without PTB's rate limiter: it paces itself and handles 429 itself, so a
    flood wait on a bulk push never stalls interactive replies.
    """
    settings = application.settings
    sender_bot = Bot(
        settings.require_token(),
        base_url=settings.telegram_api_url,
        base_file_url=settings.telegram_file_url,
        request=HTTPXRequest(connection_pool_size=SENDER_CONNECTIONS),
    )
    await sender_bot.initialize()
    sender = OutboxSender(
        sender_bot,
        application.db,
        limits=Limits(per_second=settings.outbox_rate),
        drain_for=SENDER_PASS,
    )
    jobs = Background(application, sender)
    application.bot_data[BACKGROUND_KEY] = jobs
    return jobs


async def stop(application: CrmApplication) -> None:
    """Close the sender's connection (called from post_shutdown)."""
    found = application.bot_data.pop(BACKGROUND_KEY, None)
    if isinstance(found, Background):
        await found.stop_duties()
        await found.sender.bot.shutdown()


async def _push_reminders(context: CallbackContext[Any, Any, Any, Any]) -> None:
    await background(context.application).push_due_reminders()


async def _morning(context: CallbackContext[Any, Any, Any, Any]) -> None:
    jobs = background(context.application)
    await jobs.push_greetings()
    await jobs.plan_revisits()


async def _push_digests(context: CallbackContext[Any, Any, Any, Any]) -> None:
    await background(context.application).push_digests()


async def _rescan_changed(context: CallbackContext[Any, Any, Any, Any]) -> None:
    await background(context.application).rescan_health(incremental=True)


async def _rescan_everyone(context: CallbackContext[Any, Any, Any, Any]) -> None:
    await background(context.application).rescan_health(incremental=False)


async def _run_surveys(context: CallbackContext[Any, Any, Any, Any]) -> None:
    await background(context.application).run_surveys()


async def _watch_tickets(context: CallbackContext[Any, Any, Any, Any]) -> None:
    await background(context.application).watch_tickets()


JobCallback = Callable[[CallbackContext[Any, Any, Any, Any]], Coroutine[Any, Any, None]]
REPEATING: tuple[tuple[JobCallback, float, str], ...] = (
    (_push_reminders, REMINDERS_INTERVAL, "reminders"),
    (_morning, MORNING_INTERVAL, "morning"),
    (_push_digests, DIGEST_INTERVAL, "digests"),
    (_rescan_changed, HEALTH_INTERVAL, "health"),
    (_run_surveys, SURVEYS_INTERVAL, "surveys"),
    (_watch_tickets, TICKETS_INTERVAL, "tickets"),
)
