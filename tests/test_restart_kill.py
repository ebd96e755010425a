"""`fieldcrm run` stopped by SIGTERM or killed with kill -9 after every step of an order, each step
in a new process on the same database: the order is saved as typed.

SIGTERM comes as soon as the answer is seen: what the step changed is written while stopping.
kill -9 comes once the running bot's persistence writer (every `update_interval`, 1 s) has run
twice since the answer was seen (a run under way then may have started before the step's change
was made): a kill takes only what was not yet written (see the README). The two signals take
turns, so each comes after every other step.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sandbox import SandboxClient, SandboxServer, SandboxUser
from sandbox.factories import REP_TG
from sandbox.harness import TOKEN, fieldcrm_run
from storage.models import Order
from tests.support.restarts import ORDER, Step, rep_with_acme, stored

# Guards against a hang only: each is expected long before.
START_LIMIT = 60.0
ANSWER_LIMIT = 20.0
POLL = 0.05
# PTB logs each finished run of its persistence writer at DEBUG.
WRITER_RAN = "Finished updating persistence"


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    lines: list[str]

    def writes(self) -> int:
        """How many runs of the persistence writer have finished so far."""
        return sum(WRITER_RAN in line for line in self.lines)

    async def until_written(self, since: int) -> None:
        """Until the writer has run twice after `since` runs: once started after the change."""
        for _ in range(int(ANSWER_LIMIT / POLL)):
            if self.writes() >= since + 2:
                return
            await asyncio.sleep(POLL)
        raise AssertionError("the persistence writer did not run")


@asynccontextmanager
async def bot_process(sandbox: SandboxServer, database_url: str, workdir: Path) -> AsyncIterator[BotProcess]:
    """`python -m bot run` in polling mode, once it says it is ready; killed if still running at the end."""
    process = await fieldcrm_run(
        sandbox,
        database_url,
        workdir,
        LEADER_POLL_SECONDS="1",
        RATE_PER_SECOND="1000",
        RATE_BURST="1000",
        LOG_LEVEL="DEBUG",
    )
    lines: list[str] = []
    ready = asyncio.Event()

    async def collect() -> None:
        assert process.stderr is not None
        async for raw in process.stderr:
            lines.append(raw.decode(errors="replace"))
            if "ready" in lines[-1]:
                ready.set()

    reader = asyncio.create_task(collect())
    try:
        await asyncio.wait_for(ready.wait(), START_LIMIT)
        yield BotProcess(process, lines)
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()
        await reader
    failures = [line for line in lines if "Traceback" in line or '"level": "ERROR"' in line]
    assert not failures, "".join(lines)


async def act(account: SandboxUser, step: Step) -> None:
    """Do the step as the rep and wait until a new or edited bot message shows the expected answer."""
    seen = {(m.message_id, m.content) for m in await account.bot_messages()}
    await step.sent_by(account)
    fresh: list[str] = []
    for _ in range(int(ANSWER_LIMIT / POLL)):
        fresh = [m.content for m in await account.bot_messages() if (m.message_id, m.content) not in seen]
        if any(step.expect in text for text in fresh):
            return
        await asyncio.sleep(POLL)
    raise AssertionError(f"{step}: no answer with {step.expect!r}; new messages: {fresh}")


async def walk_in_processes(
    sandbox: SandboxServer, database_url: str, workdir: Path, steps: Sequence[Step]
) -> None:
    """Each step in a new `fieldcrm run`, stopped after it by kill -9 and SIGTERM in turn."""
    async with SandboxClient(sandbox.url, TOKEN) as client:
        account = SandboxUser(client, REP_TG)
        for number, step in enumerate(steps):
            how = (signal.SIGKILL, signal.SIGTERM)[number % 2]
            async with bot_process(sandbox, database_url, workdir) as bot:
                writes = bot.writes()
                await act(account, step)
                if how is signal.SIGKILL:
                    await bot.until_written(writes)
                bot.process.send_signal(how)
                code = await bot.process.wait()
            assert code == (0 if how is signal.SIGTERM else -signal.SIGKILL), f"{step}: {how.name}"


async def test_an_order_survives_sigterm_and_kill_9_after_every_step(
    sandbox: SandboxServer, database_url: str, tmp_path: Path
) -> None:
    _, acme = await rep_with_acme(sandbox, database_url)

    await walk_in_processes(sandbox, database_url, tmp_path, ORDER)

    [order] = await stored(sandbox, database_url, Order)
    assert (order.customer_id, order.amount, order.currency, order.note) == (
        acme,
        Decimal("750.00"),
        "USD",
        "Widgets × 10",
    )
