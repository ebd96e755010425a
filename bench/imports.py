"""Customer import end to end: `python -m bench.imports [--rows 50000] [--format csv|xlsx|both]`.

Starts the sandbox Bot API and the real bot on a scratch database (SQLite unless `--database
postgresql`), with a team of ten reps and a manager. For each format it builds a spreadsheet as a
Chinese office would (CSV in GBK, or XLSX; Chinese headers; names, phones, companies, addresses,
birthdays, tiers, tags, owners by name), sends it as the manager, waits for the preview, presses
Confirm and waits for the import to finish: first into an empty team (every row new), then the
same file with every tier changed (every row an update). Prints the time to the preview and to the
end, rows per second and peak memory. The goal: 50,000 rows in under a minute on SQLite.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import random
import resource
import time
from datetime import date

from openpyxl import Workbook
from sqlalchemy import func, select

from bench.database import BACKENDS, postgres_admin_url
from bench.scratch_bot import scratch_bot
from bench.search import CITIES, GIVEN, SURNAMES
from bot.domain.roles import Role
from sandbox.harness import Harness, Person
from storage.db import utcnow
from storage.models import Customer, Team, User

HEADERS = ["客户名称", "手机号码", "公司名称", "地址", "生日", "客户等级", "标签", "负责人"]
TAGS = ["批发", "零售", "北区", "南区", "餐饮", "连锁", "重点", "新开", "vip客户", "月结"]
TIERS = ["VIP", "A", "B", "C"]
REPS = 10
MANAGER_TG = 9_000_000
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(count: int, *, seed: int, tier_shift: int) -> list[list[str]]:
    """`count` customers with distinct phones; the same seed gives the same customers."""
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        city = rng.choice(CITIES)
        tier = TIERS[(rng.randrange(4) + tier_shift) % 4]
        birthday = date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28)).isoformat()
        rows.append(
            [
                name,
                f"13{index:09d}",
                f"{city}{rng.choice(GIVEN)}{rng.choice(('贸易', '超市', '餐饮', '五金'))}有限公司",
                f"{city}市{rng.randint(1, 999)}号",
                birthday if rng.random() < 0.4 else "",
                tier,
                "、".join(rng.sample(TAGS, rng.randint(0, 3))),
                f"Rep {rng.randrange(REPS)}" if rng.random() < 0.7 else "",
            ]
        )
    return rows


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode("gbk")


def _xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("客户")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def _seed_team(bot: Harness) -> None:
    async with bot.app.db.begin() as session:
        team = Team(name="Bench", timezone="Asia/Shanghai", created_at=utcnow())
        session.add(team)
        await session.flush()
        manager = User(
            telegram_id=MANAGER_TG,
            chat_id=MANAGER_TG,
            first_name="Mona",
            role=Role.MANAGER.value,
            team_id=team.id,
            locale="en",
            timezone="Asia/Shanghai",
        )
        session.add(manager)
        await session.flush()
        session.add_all(
            User(
                telegram_id=MANAGER_TG + 1 + index,
                first_name="Rep",
                last_name=str(index),
                role=Role.REP.value,
                team_id=team.id,
                manager_id=manager.id,
            )
            for index in range(REPS)
        )


async def _run(
    bot: Harness, manager: Person, data: bytes, *, file_name: str, mime: str
) -> tuple[float, float, str]:
    """Seconds to the preview and to the end of the import, and the bot's final words."""
    started = time.perf_counter()
    update_id = await manager.account.send_document(data, filename=file_name, mime_type=mime)
    await manager._settle(update_id)
    previewed = time.perf_counter()
    preview = await manager.last_message()
    status = next((m for m in reversed(await manager.account.bot_messages()) if m.buttons()), None)
    if status is None:
        raise RuntimeError(f"no preview to confirm: {preview.text[:300]}")
    done = await manager.press(status.buttons()[0][0])  # Confirm, whatever the language
    finished = time.perf_counter()
    return previewed - started, finished - started, done.text


async def _customers(bot: Harness) -> int:
    async with bot.app.db() as session:
        return int(await session.scalar(select(func.count()).select_from(Customer)) or 0)


async def main(backend: str, *, rows: int, formats: list[str], postgres_url: str) -> None:
    print(f"import bench: {rows:,} rows, {backend}, formats {', '.join(formats)}")
    print(f"{'format':<6} {'pass':<8} {'file':>9} {'preview':>9} {'total':>9} {'rows/s':>8}  result")
    for file_format in formats:
        async with scratch_bot(
            backend, postgres_url=postgres_url, max_upload_mb=50, log_level="WARNING"
        ) as bot:
            await _seed_team(bot)
            manager = await bot.person(MANAGER_TG, "Mona")
            for label, shift in (("new", 0), ("update", 1)):
                table = _rows(rows, seed=7, tier_shift=shift)
                data = _csv(table) if file_format == "csv" else _xlsx(table)
                mime = CSV_MIME if file_format == "csv" else XLSX_MIME
                preview, total, said = await _run(
                    bot, manager, data, file_name=f"bench-{label}.{file_format}", mime=mime
                )
                result = " ".join(said.split())[:70]
                print(
                    f"{file_format:<6} {label:<8} {len(data) / 1e6:>7.1f}MB {preview:>8.1f}s "
                    f"{total:>8.1f}s {rows / total:>8,.0f}  {result}"
                )
            print(f"{file_format:<6} stored   {await _customers(bot):,} customers")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process (bot, sandbox and generator together): {peak:,.0f} MiB")


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--format", choices=("csv", "xlsx", "both"), default="both")
    parser.add_argument("--database", choices=BACKENDS, default="sqlite")
    parser.add_argument("--postgres-url", default=postgres_admin_url())
    args = parser.parse_args()
    formats = ["csv", "xlsx"] if args.format == "both" else [args.format]
    asyncio.run(main(args.database, rows=args.rows, formats=formats, postgres_url=args.postgres_url))


if __name__ == "__main__":
    cli()
