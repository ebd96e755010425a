"""Two processes on one SQLite file: the second `fieldcrm run` refuses to start and names the file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.runtime import single_process
from sandbox.harness import TOKEN

REPO = Path(__file__).resolve().parent.parent
HOLDER = (
    "import sys, time\n"
    "from bot.runtime import single_process\n"
    "lock = single_process.hold(sys.argv[1])\n"
    "print('held', flush=True)\n"
    "time.sleep(60)\n"
)


def _env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "BOT_TOKEN": TOKEN,
        "DATABASE_URL": database_url,
        # Never reached: the lock is taken before anything talks to Telegram.
        "TELEGRAM_API_URL": "http://127.0.0.1:9/bot",
    }


def _hold_in_subprocess(database_url: str, cwd: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, database_url],
        cwd=cwd,
        env=_env(database_url),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_second_run_on_the_same_file_refuses_with_the_file_named(tmp_path: Path) -> None:
    database = tmp_path / "crm.db"
    url = f"sqlite+aiosqlite:///{database}"
    holder = _hold_in_subprocess(url, tmp_path)
    try:
        second = subprocess.run(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=_env(url),
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        holder.kill()
        holder.wait()
    assert second.returncode == 1
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1, second.stderr
    assert "already running" in lines[0]
    assert str(database) in lines[0]
    assert "Traceback" not in second.stderr


def test_the_lock_goes_with_the_process_that_held_it(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'crm.db'}"
    holder = _hold_in_subprocess(url, tmp_path)
    try:
        try:
            single_process.hold(url)
        except single_process.AlreadyRunning:
            pass
        else:
            raise AssertionError("a second holder got the lock")
    finally:
        holder.kill()
        holder.wait()
    lock = single_process.hold(url)
    assert lock is not None
    lock.close()


def test_postgresql_and_memory_databases_take_no_file_lock() -> None:
    assert single_process.lock_path("postgresql+asyncpg://u@localhost/crm") is None
    assert single_process.lock_path("sqlite+aiosqlite:///:memory:") is None
    assert single_process.lock_path("sqlite+aiosqlite:///data/crm.db") == Path("data/crm.db.lock")
