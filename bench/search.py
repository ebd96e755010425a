"""Search latency with a big team: `python -m bench.search --database sqlite|postgresql --customers 100000`.

Seeds one team (a manager, reps, realistic Chinese and English names, companies, phones and tags)
with bulk inserts into a database of its own, then times `bot.services.customers.search` over a
few hundred varied queries as a rep and as the manager, and the profile card if it exists.
Prints figures; the goal is p99 under 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.database import BACKENDS, postgres_admin_url, scratch_database
from bot.domain.roles import Role
from bot.domain.viewer import Viewer
from bot.services import card, customer_records, customers
from storage.db import create_engine, create_session_factory
from storage.models import Customer, Tag, Team, User, customer_tags

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红鹏建飞鑫波斌宇"
    "浩凯健俊帆帅旭宁龙林欣佳怡婷雪琳晨阳辉"
)
FIRST = [
    "James",
    "Mary",
    "John",
    "Linda",
    "Robert",
    "Susan",
    "Michael",
    "Karen",
    "David",
    "Lisa",
    "William",
    "Nancy",
    "Richard",
    "Betty",
]
LAST = [
    "Smith",
    "Johnson",
    "Brown",
    "Taylor",
    "Miller",
    "Wilson",
    "Moore",
    "Anderson",
    "Thomas",
    "Jackson",
    "White",
    "Harris",
]
CITIES = [
    "上海",
    "北京",
    "广州",
    "深圳",
    "杭州",
    "南京",
    "苏州",
    "成都",
    "武汉",
    "西安",
    "天津",
    "重庆",
    "青岛",
    "厦门",
    "宁波",
    "长沙",
]
TRADES = ["商贸", "五金", "建材", "超市", "餐饮", "食品", "电器", "科技", "物流", "药房", "服饰", "酒业"]
EN_TRADES = ["Trading", "Hardware", "Foods", "Logistics", "Electric", "Pharmacy", "Textiles", "Supplies"]
EN_BRANDS = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Wonka",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Oscorp",
    "Cyberdyne",
]
TAGS = [
    "批发",
    "零售",
    "北区",
    "南区",
    "东区",
    "西区",
    "重点",
    "新客",
    "wholesale",
    "retail",
    "export",
    "vip-prospect",
    "chain",
    "kiosk",
]
REPS = 20
PER_PAGE = 8


@dataclass
class Fixture:
    team_id: int
    manager: Viewer
    reps: list[Viewer]


def _person_name(rng: random.Random) -> str:
    if rng.random() < 0.8:
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _company(rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < 0.15:
        return None
    if roll < 0.8:
        return f"{rng.choice(CITIES)}{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(TRADES)}有限公司"
    return f"{rng.choice(EN_BRANDS)} {rng.choice(EN_TRADES)} Co."


def _phone(rng: random.Random) -> str:
    return f"+861{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _viewer(user: User, role: Role, team_id: int) -> Viewer:
    return Viewer(
        user_id=user.id,
        telegram_id=user.telegram_id,
        first_name=user.first_name,
        role=role,
        team_id=team_id,
        locale="zh_Hans",
        timezone="Asia/Shanghai",
    )


async def seed(db: async_sessionmaker[AsyncSession], *, count: int, rng: random.Random) -> Fixture:
    """One team of `count` customers spread over the reps, in batches of plain inserts."""
    async with db.begin() as session:
        team = Team(name="Bench")
        session.add(team)
        await session.flush()
        manager = User(telegram_id=1, first_name="Boss", role=Role.MANAGER, team_id=team.id)
        session.add(manager)
        await session.flush()
        reps = [
            User(
                telegram_id=100 + i,
                first_name=f"Rep{i}",
                role=Role.REP,
                team_id=team.id,
                manager_id=manager.id,
            )
            for i in range(REPS)
        ]
        session.add_all(reps)
        tags = [Tag(team_id=team.id, name=name) for name in TAGS]
        session.add_all(tags)
        await session.flush()
        fixture = Fixture(
            team_id=team.id,
            manager=_viewer(manager, Role.MANAGER, team.id),
            reps=[_viewer(rep, Role.REP, team.id) for rep in reps],
        )
        tag_ids = [tag.id for tag in tags]
        rep_ids = [rep.id for rep in reps]
    now = datetime.now(UTC)
    batch = 5000
    for start in range(0, count, batch):
        rows: list[dict[str, Any]] = []
        for _ in range(min(batch, count - start)):
            name, company, phone = _person_name(rng), _company(rng), _phone(rng)
            rows.append(
                {
                    "team_id": fixture.team_id,
                    "owner_id": rng.choice(rep_ids),
                    "name": name,
                    "company": company,
                    "phone_e164": phone,
                    "tier": rng.choice("ABBC"),
                    "created_at": now - timedelta(minutes=rng.randrange(500_000)),
                    "updated_at": now,
                    "health_reasons": [],
                    **customers.search_columns(name=name, company=company, e164=phone),
                }
            )
        async with db.begin() as session:
            ids = list(await session.scalars(insert(Customer).returning(Customer.id), rows))
            links = {(cid, tid) for cid in ids for tid in rng.sample(tag_ids, rng.choice((0, 1, 1, 2)))}
            if links:
                await session.execute(
                    insert(customer_tags), [{"customer_id": c, "tag_id": t} for c, t in links]
                )
    return fixture


async def queries(
    db: async_sessionmaker[AsyncSession], *, rng: random.Random, n: int
) -> list[tuple[str, str]]:
    """(kind, text) pairs drawn from what was seeded, so most of them find something."""
    async with db.begin() as session:
        sample = (
            await session.execute(
                select(
                    Customer.name,
                    Customer.name_pinyin,
                    Customer.name_initials,
                    Customer.company,
                    Customer.phone_last4,
                )
                .order_by(Customer.id)
                .limit(5000)
            )
        ).all()
    result: list[tuple[str, str]] = []
    kinds = ("pinyin", "initials", "last4", "tag", "substring", "name", "typo", "nothing")
    for i in range(n):
        name, pinyin_or_none, initials_or_none, company, last4_or_none = rng.choice(sample)
        initials, last4 = initials_or_none or "", last4_or_none or ""
        pinyin = pinyin_or_none or name
        kind = kinds[i % len(kinds)]
        if kind == "pinyin":
            text = pinyin[: rng.randint(3, len(pinyin))]
        elif kind == "initials":
            text = initials
        elif kind == "last4":
            text = last4
        elif kind == "tag":
            text = "#" + rng.choice(TAGS)
        elif kind == "substring":
            source = company or name
            start = rng.randrange(max(1, len(source) - 2))
            text = source[start : start + 2]
        elif kind == "name":
            text = name
        elif kind == "typo":
            chars = list(pinyin)
            j = rng.randrange(len(chars) - 1) if len(chars) > 4 else 0
            chars[j], chars[j + 1] = chars[j + 1], chars[j]
            text = "".join(chars)
        else:
            text = "qqxz" + str(rng.randrange(1000))
        result.append((kind, text))
    return result


async def timed(call: Callable[[], Awaitable[object]]) -> float:
    start = time.perf_counter()
    await call()
    return (time.perf_counter() - start) * 1000


def _line(label: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"{label:<28} {len(samples):>6} {statistics.median(ordered):>9.2f} {p99:>9.2f} {ordered[-1]:>9.2f}"


async def measure(
    db: async_sessionmaker[AsyncSession], fixture: Fixture, texts: list[tuple[str, str]], rng: random.Random
) -> None:
    print(f"{'what':<28} {'n':>6} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9}")
    for label, viewer in (("rep", fixture.reps[0]), ("manager", fixture.manager)):
        by_kind: dict[str, list[float]] = {}
        for kind, text in texts:

            async def run(viewer: Viewer = viewer, text: str = text) -> object:
                async with db.begin() as session:
                    return await customers.search(session, viewer=viewer, text=text, per_page=PER_PAGE)

            by_kind.setdefault(kind, []).append(await timed(run))
        everything = [ms for samples in by_kind.values() for ms in samples]
        print(_line(f"search as {label}", everything))
        for kind, samples in by_kind.items():
            print(_line(f"  {kind}", samples))
    await measure_duplicate_guard(db, fixture, rng)
    await measure_card(db, fixture)


async def measure_duplicate_guard(
    db: async_sessionmaker[AsyncSession], fixture: Fixture, rng: random.Random
) -> None:
    """The 撞单 check /new runs before saving: a rep adds someone who may exist anywhere in the team."""
    samples = []
    for _ in range(100):
        name, company, phone = _person_name(rng), _company(rng), _phone(rng)
        draft = customer_records.Draft(name=name, company=company, phone=phone)

        async def run(draft: customer_records.Draft = draft) -> object:
            async with db.begin() as session:
                return await customer_records.lookalikes(session, viewer=fixture.reps[0], draft=draft)

        samples.append(await timed(run))
    print(_line("duplicate guard (/new)", samples))


async def measure_card(db: async_sessionmaker[AsyncSession], fixture: Fixture) -> None:
    async with db.begin() as session:
        ids = list(
            await session.scalars(
                select(Customer.id).where(Customer.owner_id == fixture.reps[0].user_id).limit(100)
            )
        )
    now = datetime.now(UTC)
    samples = []
    for customer_id in ids:

        async def run(customer_id: int = customer_id) -> object:
            async with db.begin() as session:
                return await card.card_for(session, viewer=fixture.reps[0], customer_id=customer_id, now=now)

        samples.append(await timed(run))
    print(_line("profile card (owner)", samples))


async def main(database: str, count: int, n_queries: int, postgres_url: str) -> None:
    rng = random.Random(20261124)
    async with scratch_database(database, postgres_url=postgres_url) as url:
        engine = create_engine(url)
        db = create_session_factory(engine)
        try:
            started = time.perf_counter()
            fixture = await seed(db, count=count, rng=rng)
            print(f"{database}: seeded {count} customers in {time.perf_counter() - started:.1f} s")
            # Planner statistics, as autovacuum (PostgreSQL) or PRAGMA optimize (SQLite) keep them.
            async with engine.begin() as connection:
                await connection.exec_driver_sql("ANALYZE")
            texts = await queries(db, rng=rng, n=n_queries)
            await measure(db, fixture, texts, rng)
        finally:
            await engine.dispose()


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", choices=BACKENDS, default="sqlite")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument(
        "--postgres-url",
        default=postgres_admin_url(),
        help="a PostgreSQL URL allowed to create and drop databases",
    )
    args = parser.parse_args()
    asyncio.run(main(args.database, args.customers, args.queries, args.postgres_url))


if __name__ == "__main__":
    cli()
