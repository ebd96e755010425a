"""The demo team: seeded once, and its people can work at once."""

from __future__ import annotations

from sqlalchemy import func, select

from bot import demo_seed
from storage.db import utcnow
from storage.models import Customer, Team
from tests.harness import Harness


async def test_seed_is_idempotent_and_usable(bot: Harness) -> None:
    async with bot.app.db.begin() as session:
        assert await demo_seed.seed(session, now=utcnow())
    async with bot.app.db.begin() as session:
        assert not await demo_seed.seed(session, now=utcnow())
    async with bot.app.db() as session:
        assert await session.scalar(select(func.count()).select_from(Team)) == 1
        assert await session.scalar(select(func.count()).select_from(Customer)) == len(demo_seed.CUSTOMERS)

    ravi = await bot.person(3000, "Ravi")
    found = await ravi.send("/find acme")
    assert found.buttons()[0][0].startswith("Acme Trading")
    wei = await bot.person(3001, "伟", language_code="zh-hans")
    assert "张三" in str((await wei.send("zs")).buttons())
    assert "Acme" not in str((await wei.send("acme")).buttons())
