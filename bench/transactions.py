"""Database transactions per update for the common actions of reps, managers and customers.

`python -m bench.transactions [--database-url URL] [--runs 3]` starts the sandbox Bot API and the
real bot on a scratch database (SQLite, or PostgreSQL made through `--database-url`, a server URL
allowed to create and drop databases), seeds a team (Rita, a rep; Mona, her manager; Lin, a
customer of Rita's on Telegram) and acts as each of them through the sandbox. SQLAlchemy's
connection events count every transaction and savepoint begun on the bot's engine, reads
included, from sending an action's first update to the bot having fully handled its last (its
reply sent, its dialog state written). The scheduled jobs and the outbox sender are paused and
run by hand between actions, as the tests do, so what is counted is the handling of the updates.
PTB's own once-a-second persistence pass still runs: when it lands inside an update it can split
that update's state write in two, so each action is run on `--runs` fresh databases and a range
is printed where they differed; per update is from the fewest. It asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.scratch_bot import scratch_bot
from bot.runtime.jobs import Background, background
from sandbox.factories import MANAGER_TG, REP_TG, customer, person, sales_team, share_location
from sandbox.harness import HandClock, Harness, Person
from storage.models import Customer, Ticket, User

# 10:00 on a Tuesday in Shanghai, the team's zone: every handler and job reads this clock.
T = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
CUSTOMER_TG = 9401
ACME = "Acme"
LOTUS = "Lotus Tea House"
# Seconds the sender is moved on between passes, so its per-chat pacing lets every push out.
SENDER_STEP = timedelta(seconds=2)


@dataclass
class Scene:
    """Who acts, and the paused jobs and clock the actions move between steps."""

    bot: Harness
    jobs: Background
    clock: HandClock
    rep: Person
    manager: Person
    guest: Person


Step = Callable[[Scene], Awaitable[None]]
Who = Callable[[Scene], Person]


@dataclass(frozen=True)
class Action:
    """What a person does, counted; and what has to happen first, not counted."""

    name: str
    steps: tuple[Step, ...]
    prepare: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Tally:
    action: str
    updates: int
    transactions: int
    savepoints: int

    @property
    def per_update(self) -> float:
        return self.transactions / self.updates


@dataclass
class Begun:
    """Transactions and savepoints begun on an engine since counting started."""

    transactions: int = 0
    savepoints: int = 0
    _listeners: list[tuple[str, Callable[..., None]]] = field(default_factory=list)

    def on_begin(self, _connection: Any) -> None:
        self.transactions += 1

    def on_savepoint(self, _connection: Any, _name: str) -> None:
        self.savepoints += 1


@asynccontextmanager
async def counting(engine: AsyncEngine) -> AsyncIterator[Begun]:
    """Count what is begun on `engine` until the block ends."""
    begun = Begun()
    listeners = (("begin", begun.on_begin), ("savepoint", begun.on_savepoint))
    for name, listener in listeners:
        event.listen(engine.sync_engine, name, listener)
    try:
        yield begun
    finally:
        for name, listener in listeners:
            event.remove(engine.sync_engine, name, listener)


# --- steps -----------------------------------------------------------------------------------------


def rep(scene: Scene) -> Person:
    return scene.rep


def manager(scene: Scene) -> Person:
    return scene.manager


def guest(scene: Scene) -> Person:
    return scene.guest


def sends(who: Who, text: str) -> Step:
    async def step(scene: Scene) -> None:
        await who(scene).send(text)

    return step


def presses(who: Who, label: str) -> Step:
    async def step(scene: Scene) -> None:
        await who(scene).press(label)

    return step


def shares_location(who: Who, latitude: float, longitude: float) -> Step:
    async def step(scene: Scene) -> None:
        await share_location(who(scene), latitude, longitude, accuracy=15)

    return step


def at(offset: timedelta) -> Step:
    """Move the clock to `offset` after T."""

    async def step(scene: Scene) -> None:
        scene.clock.at = T + offset

    return step


async def deliver(scene: Scene) -> None:
    """A few passes of the sender, a paced step apart, then the clock back where it was."""
    start = scene.clock.at
    for _ in range(3):
        await scene.jobs.deliver()
        scene.clock.at += SENDER_STEP
    scene.clock.at = start


async def push_due_reminders(scene: Scene) -> None:
    await scene.jobs.push_due_reminders()
    await deliver(scene)


async def run_surveys(scene: Scene) -> None:
    await scene.jobs.run_surveys()
    await deliver(scene)


FILE_COMPLAINT = (
    sends(guest, "/complaint"),
    presses(guest, "Delivery"),
    sends(guest, "The tea arrived broken."),
    presses(guest, "Skip"),
)


async def complaint_filed(scene: Scene) -> None:
    """Lin's complaint, filed through the dialog unless one is already open (nothing here closes one)."""
    async with scene.bot.app.db() as session:
        filed = await session.scalar(select(func.count()).select_from(Ticket))
    if not filed:
        for step in FILE_COMPLAINT:
            await step(scene)


REMIND_ME = (
    sends(rep, "/remind"),
    presses(rep, "🙋 Just for me"),
    sends(rep, "Call the bank 🏦"),
    presses(rep, "In 1 hour"),
)

ACTIONS = (
    Action("rep: /start", (sends(rep, "/start"),)),
    Action("rep: /help", (sends(rep, "/help"),)),
    Action("rep: /today", (sends(rep, "/today"),)),
    Action("rep: /find Acme", (sends(rep, "/find Acme"),)),
    Action("rep: types a name to search", (sends(rep, ACME),)),
    Action("rep: opens a card by its button", (presses(rep, ACME),), prepare=(sends(rep, "/find Acme"),)),
    Action(
        "rep: edits a phone number from the card",
        (presses(rep, "✏️ Edit"), presses(rep, "Phone"), sends(rep, "139 1234 5678")),
        prepare=(sends(rep, "/find Acme"), presses(rep, ACME)),
    ),
    Action(
        "rep: /visit, on-site with check-in, to Save",
        (
            sends(rep, "/visit"),
            presses(rep, ACME),
            presses(rep, "On-site"),
            presses(rep, "Positive"),
            sends(rep, "Talked about the Q1 order 🚀"),
            shares_location(rep, 31.2314, 121.4737),
            presses(rep, "Tomorrow"),
            presses(rep, "✅ Save"),
        ),
    ),
    Action(
        "rep: /order to Save",
        (
            sends(rep, "/order"),
            presses(rep, ACME),
            sends(rep, "1,234.50"),
            presses(rep, "CNY"),
            sends(rep, "Widgets × 10 📦"),
            presses(rep, "Today"),
            presses(rep, "✅ Save"),
        ),
    ),
    Action("rep: /remind, just for me, in 1 hour", REMIND_ME),
    Action(
        "rep: presses Done on a reminder push",
        (presses(rep, "✅ Done"),),
        prepare=(*REMIND_ME, at(timedelta(hours=1)), push_due_reminders),
    ),
    Action("manager: /digest", (sends(manager, "/digest"),)),
    Action("manager: /team", (sends(manager, "/team"),)),
    Action("customer: /complaint to filed", FILE_COMPLAINT),
    Action(
        "customer: writes a line more to the complaint",
        (sends(guest, "The second box was broken too."),),
        prepare=(complaint_filed,),
    ),
    Action(
        "customer: survey score press, then a comment",
        (presses(guest, "5"), sends(guest, "Great tea, friendly visit!")),
        prepare=(
            sends(rep, "/visit"),
            presses(rep, LOTUS),
            presses(rep, "Phone"),
            presses(rep, "Positive"),
            presses(rep, "Skip"),
            presses(rep, "No follow-up"),
            presses(rep, "✅ Save"),
            at(timedelta(hours=2)),
            run_surveys,
        ),
    ),
)


# --- the run ---------------------------------------------------------------------------------------


async def _linked_customer(bot: Harness, *, team_id: int, owner_id: int) -> Person:
    """Lotus Tea House, Rita's customer, connected on Telegram as Lin since the day before; Lin's chat."""
    customer_id = await customer(bot, team_id=team_id, owner_id=owner_id, name=LOTUS)
    async with bot.app.db.begin() as session:
        account = User(
            telegram_id=CUSTOMER_TG,
            chat_id=CUSTOMER_TG,
            first_name="Lin",
            role="customer",
            team_id=team_id,
            locale="en",
        )
        session.add(account)
        await session.flush()
        await session.execute(
            update(Customer)
            .where(Customer.id == customer_id)
            .values(user_id=account.id, linked_at=T - timedelta(days=1))
        )
    lin = await bot.person(CUSTOMER_TG, "Lin")
    await lin.send("/start")
    return lin


async def scene(bot: Harness) -> Scene:
    """The team in its chats, the jobs paused and the clock at T."""
    jobs = background(bot.app)
    await jobs.stop_duties()
    clock = HandClock(T)
    jobs.clock = clock
    team = await sales_team(bot)
    await customer(
        bot,
        team_id=team.team_id,
        owner_id=team.rep_id,
        name=ACME,
        latitude=31.2304,
        longitude=121.4737,
    )
    lin = await _linked_customer(bot, team_id=team.team_id, owner_id=team.rep_id)
    return Scene(bot, jobs, clock, await person(bot, REP_TG), await person(bot, MANAGER_TG), lin)


async def tally(scene: Scene, action: Action) -> Tally:
    scene.clock.at = T
    for step in action.prepare:
        await step(scene)
    async with counting(scene.bot.app.engine) as begun:
        for step in action.steps:
            await step(scene)
    return Tally(action.name, len(action.steps), begun.transactions, begun.savepoints)


async def tally_actions(bot: Harness, names: Iterable[str] | None = None) -> list[Tally]:
    """Each action (those named, in the order of ACTIONS; else all) on a fresh team."""
    wanted = None if names is None else set(names)
    actors = await scene(bot)
    return [await tally(actors, action) for action in ACTIONS if wanted is None or action.name in wanted]


def print_table(runs: list[list[Tally]], *, title: str) -> None:
    """One row per action; where runs differed, the range, and per update from the fewest."""
    print(title)
    print(f"{'action':<48} {'updates':>7} {'transactions':>12} {'per update':>10} {'savepoints':>10}")
    rows = [*zip(*runs, strict=True), tuple(_all_of(run) for run in runs)]
    for same_action in rows:
        first = same_action[0]
        fewest = min(tally.transactions for tally in same_action)
        print(
            f"{first.action:<48} {first.updates:>7} {_spread(t.transactions for t in same_action):>12}"
            f" {fewest / first.updates:>10.2f} {_spread(t.savepoints for t in same_action):>10}"
        )


def _all_of(run: list[Tally]) -> Tally:
    return Tally(
        "all of the above",
        sum(tally.updates for tally in run),
        sum(tally.transactions for tally in run),
        sum(tally.savepoints for tally in run),
    )


def _spread(counts: Iterable[int]) -> str:
    values = sorted(set(counts))
    return str(values[0]) if len(values) == 1 else f"{values[0]}-{values[-1]}"


async def main(database_url: str | None, runs: int) -> None:
    backend = "sqlite" if database_url is None else "postgresql"
    tallies = []
    for _ in range(runs):
        async with scratch_bot(backend, postgres_url=database_url or "", log_level="WARNING") as bot:
            tallies.append(await tally_actions(bot))
    print_table(
        tallies,
        title=f"Transactions per update on {backend}, {runs} run(s) on fresh databases:"
        f" sender and jobs paused, clock at {T:%Y-%m-%d %H:%M} UTC",
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL allowed to create databases; each run makes a scratch one",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs, each on a fresh database")
    args = parser.parse_args()
    asyncio.run(main(args.database_url, args.runs))
