"""Hostile spreadsheets against the real bot: `python -m bench.hostile_import [--database sqlite]`.

Starts the sandbox Bot API and the bot on a scratch database with a manager and a rep. For each
hostile file (6,000,000 rows claimed in a few KB; 6,000,000 empty rows written out; cells in the
last column; zip bombs; optionally a real customer list for comparison) the manager sends it, and
while it is checked the rep sends /help again and again. Prints how long the file took to be
refused (or previewed) and the /help latency meanwhile, beside the latency with nothing running.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable

from bench.database import BACKENDS, postgres_admin_url
from bench.scratch_bot import scratch_bot
from bot.domain.spreadsheets import write_xlsx
from bot.runtime import background
from sandbox.documents import XLSX_MIME, empty_rows, millions_of_empty_rows, packed_sheet, wide_rows
from sandbox.factories import MANAGER_TG, REP_TG, person, sales_team
from sandbox.harness import Harness, Person

HELP_EVERY = 0.05
REPLY_POLLS = 12_000


def _customers(rows: int) -> bytes:
    table = [
        [f"Customer {n}", f"138{n:08d}", "Acme Trading", "1 Nanjing Road", "", "A", "", ""]
        for n in range(rows)
    ]
    return write_xlsx(
        ["Name", "Phone", "Company", "Address", "Birthday", "Tier", "Tags", "Owner"], table, title="x"
    )


async def _help_latency(rep: Person) -> float:
    """Seconds from sending /help to its reply being in the rep's chat."""
    before = len(await rep.account.bot_messages())
    started = time.perf_counter()
    await rep.account.send("/help")
    for _ in range(REPLY_POLLS):
        if len(await rep.account.bot_messages()) > before:
            return time.perf_counter() - started
        await asyncio.sleep(0.005)
    raise TimeoutError("/help got no reply")


async def _attack(bot: Harness, manager: Person, rep: Person, data: bytes) -> tuple[float, list[float], str]:
    """Seconds until the file's verdict, /help latencies meanwhile, and the verdict."""
    started = time.perf_counter()
    update_id = await manager.account.send_document(data, filename="bench.xlsx", mime_type=XLSX_MIME)
    await bot.client.wait_delivered(update_id)
    await bot.app.update_queue.join()
    checked = asyncio.ensure_future(background.settled(bot.app))
    latencies: list[float] = []
    while not checked.done():
        latencies.append(await _help_latency(rep))
        await asyncio.sleep(HELP_EVERY)
    await checked
    verdict = (await manager.last_message()).text
    return time.perf_counter() - started, latencies, " ".join(verdict.split())[:72]


def _figures(latencies: list[float]) -> str:
    if not latencies:
        return "no /help answered meanwhile"
    return (
        f"/help x{len(latencies):<3} median {statistics.median(latencies) * 1000:>6.0f} ms"
        f"  max {max(latencies) * 1000:>6.0f} ms"
    )


async def main(backend: str, *, postgres_url: str, legit_rows: int) -> None:
    files: list[tuple[str, Callable[[], bytes]]] = [
        ("6,000,000 rows claimed", millions_of_empty_rows),
        ("6,000,000 empty rows", lambda: empty_rows(6_000_000)),
        ("200 rows to column XFD", lambda: wide_rows(200)),
        ("zip bomb, 100 MB of blanks", lambda: packed_sheet(100)),
        ("zip bomb, 300 MB of blanks", lambda: packed_sheet(300)),
    ]
    if legit_rows:
        files.append((f"{legit_rows:,} real customers", lambda: _customers(legit_rows)))
    async with scratch_bot(backend, postgres_url=postgres_url, max_upload_mb=20, log_level="WARNING") as bot:
        await sales_team(bot)
        manager = await person(bot, MANAGER_TG)
        rep = await person(bot, REP_TG)
        idle = [await _help_latency(rep) for _ in range(20)]
        print(f"hostile import bench on {backend}")
        print(f"{'nothing running':<28} {'':>8} {'':>9}  {_figures(idle)}")
        for label, build in files:
            data = build()
            took, latencies, verdict = await _attack(bot, manager, rep, data)
            print(f"{label:<28} {len(data) / 1e6:>6.2f}MB {took:>8.2f}s  {_figures(latencies)}")
            print(f"{'':<28} {verdict}")


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", choices=BACKENDS, default="sqlite")
    parser.add_argument("--postgres-url", default=postgres_admin_url())
    parser.add_argument("--legit-rows", type=int, default=0, help="also a real list of this many customers")
    args = parser.parse_args()
    asyncio.run(main(args.database, postgres_url=args.postgres_url, legit_rows=args.legit_rows))


if __name__ == "__main__":
    cli()
