"""SIGTERM: `fieldcrm run` stops polling, finishes, flushes and exits 0 within 10 seconds."""

from __future__ import annotations

import asyncio
import shutil
import signal
from pathlib import Path

import pytest

from sandbox import SandboxClient, SandboxServer
from sandbox.harness import ADMIN_ID, TOKEN, fieldcrm_run, free_port

DRAIN_LIMIT = 10.0
# Guards against a hang only: the bot is expected up long before this.
START_LIMIT = 60.0


async def _wait_for_line(lines: list[str], needle: str, grew: asyncio.Event) -> None:
    while not any(needle in line for line in lines):
        grew.clear()
        await grew.wait()


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_sigterm_drains_and_exits_cleanly(
    sandbox: SandboxServer, sqlite_template: Path, tmp_path: Path, mode: str
) -> None:
    database = tmp_path / "crm.db"
    shutil.copyfile(sqlite_template, database)
    port = free_port()
    webhook = {"WEBHOOK_URL": f"http://127.0.0.1:{port}", "WEBHOOK_SECRET": "drain-test-secret"}
    process = await fieldcrm_run(
        sandbox,
        f"sqlite+aiosqlite:///{database}",
        tmp_path,
        HTTP_PORT=str(port),
        LOG_LEVEL="INFO",
        **(webhook if mode == "webhook" else {}),
    )
    lines: list[str] = []
    grew = asyncio.Event()

    async def collect() -> None:
        assert process.stderr is not None
        async for raw in process.stderr:
            lines.append(raw.decode(errors="replace"))
            grew.set()

    reader = asyncio.create_task(collect())
    try:
        await asyncio.wait_for(_wait_for_line(lines, "ready", grew), START_LIMIT)
        async with SandboxClient(sandbox.url, TOKEN) as client:
            admin = await client.user(ADMIN_ID, first_name="Ada", language_code="en")
            await client.wait_delivered(await admin.send("/start"), timeout=START_LIMIT)
            for _ in range(200):
                if await admin.bot_messages():
                    break
                await asyncio.sleep(0.05)
            assert await admin.bot_messages(), "the bot did not answer before the SIGTERM"
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), DRAIN_LIMIT)
        await reader
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        reader.cancel()
    log = "".join(lines)
    assert code == 0, log
    assert "shutdown complete" in lines[-1], log
    assert "Traceback" not in log
    assert '"level": "ERROR"' not in log
    assert not (tmp_path / "crm.db.lock").exists() or _lock_is_free(tmp_path / "crm.db")


def _lock_is_free(database: Path) -> bool:
    from bot.runtime import single_process

    lock = single_process.hold(f"sqlite+aiosqlite:///{database}")
    if lock is not None:
        lock.close()
    return True
