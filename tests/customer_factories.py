"""Factories for the customer tests (creation, search, editing): a team, its staff, customers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.roles import Role
from bot.services.customers import search_columns
from storage.db import utcnow
from storage.models import Base, Customer, Tag, Team, User, customer_tags
from tests.harness import Harness, Person

REP_TG, OTHER_REP_TG, MANAGER_TG = 8101, 8102, 8103
NAMES = {REP_TG: ("Rita", "Wang"), OTHER_REP_TG: ("Li", "Wei"), MANAGER_TG: ("Mona", "Chen")}


@dataclass(frozen=True)
class Team3:
    team_id: int
    rep_id: int
    other_rep_id: int
    manager_id: int


async def team(bot: Harness, *, rep_locale: str = "en", manager_locale: str = "en") -> Team3:
    """A team with a manager (Mona Chen) and two reps (Rita Wang, Li Wei) who report to her."""
    async with bot.app.db.begin() as session:
        row = Team(name="East", timezone="Asia/Shanghai", created_at=utcnow())
        session.add(row)
        await session.flush()
        manager = User(
            telegram_id=MANAGER_TG,
            chat_id=MANAGER_TG,
            first_name="Mona",
            last_name="Chen",
            role=Role.MANAGER.value,
            team_id=row.id,
            locale=manager_locale,
            timezone="Asia/Shanghai",
        )
        session.add(manager)
        await session.flush()
        ids = []
        for telegram_id, first, last, locale in (
            (REP_TG, "Rita", "Wang", rep_locale),
            (OTHER_REP_TG, "Li", "Wei", "en"),
        ):
            user = User(
                telegram_id=telegram_id,
                chat_id=telegram_id,
                first_name=first,
                last_name=last,
                role=Role.REP.value,
                team_id=row.id,
                manager_id=manager.id,
                locale=locale,
                timezone="Asia/Shanghai",
            )
            session.add(user)
            await session.flush()
            ids.append(user.id)
        return Team3(row.id, ids[0], ids[1], manager.id)


async def customer(
    bot: Harness,
    *,
    team_id: int,
    owner_id: int,
    name: str,
    company: str | None = None,
    phone: str | None = None,
    tags: tuple[str, ...] = (),
    **fields: Any,
) -> int:
    """A customer with its search columns filled as the app fills them."""
    async with bot.app.db.begin() as session:
        row = Customer(
            team_id=team_id,
            owner_id=owner_id,
            name=name,
            company=company,
            phone_e164=phone,
            **search_columns(name=name, company=company, e164=phone),
            **fields,
        )
        session.add(row)
        await session.flush()
        for tag_name in tags:
            tag_id = await session.scalar(select(Tag.id).where(Tag.team_id == team_id, Tag.name == tag_name))
            if tag_id is None:
                tag = Tag(team_id=team_id, name=tag_name)
                session.add(tag)
                await session.flush()
                tag_id = tag.id
            await session.execute(insert(customer_tags).values(customer_id=row.id, tag_id=tag_id))
        return row.id


async def person(bot: Harness, telegram_id: int, *, chinese: bool = False) -> Person:
    """A staff member who has opened the chat (so the bot may write first), named as in `team`."""
    first, last = NAMES[telegram_id]
    account = await bot.client.user(
        telegram_id, first_name=first, last_name=last, language_code="zh-hans" if chinese else "en"
    )
    who = Person(bot.app, bot.client, account)
    await who.send("/help")
    return who


async def plant_button(bot: Harness, who: Person, label: str, data: str) -> None:
    """A button as an old message or a forged client would hold it."""
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])
    await bot.app.bot.send_message(who.account.chat_id, "…", reply_markup=markup)


async def count(bot: Harness, model: type[Base], **where: Any) -> int:
    async with bot.app.db() as session:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return int(await session.scalar(query) or 0)


async def fetch(bot: Harness, model: type[Base], **where: Any) -> list[Any]:
    async with bot.app.db() as session:
        query = select(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return list((await session.scalars(query.order_by(model.id))).all())  # type: ignore[attr-defined]


async def tag_names(bot: Harness, customer_id: int) -> list[str]:
    async with bot.app.db() as session:
        rows = await session.scalars(
            select(Tag.name)
            .join(customer_tags, customer_tags.c.tag_id == Tag.id)
            .where(customer_tags.c.customer_id == customer_id)
            .order_by(Tag.name)
        )
        return list(rows)
