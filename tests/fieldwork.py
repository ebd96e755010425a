"""Factories for the field-work tests (visits, orders, the card): a team, its staff, customers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.roles import Role
from storage.db import utcnow
from storage.models import Base, Customer, Team, User
from tests.harness import Harness, Person, Reply

REP_TG, OTHER_REP_TG, MANAGER_TG = 7001, 7002, 7003


@dataclass(frozen=True)
class Staff:
    team_id: int
    rep_id: int
    other_rep_id: int
    manager_id: int


async def staff(bot: Harness, *, rep_locale: str = "en", manager_locale: str = "en") -> Staff:
    """One team in Shanghai time with a manager and two reps."""
    async with bot.app.db.begin() as session:
        team = Team(name="East", timezone="Asia/Shanghai", currency="CNY", created_at=utcnow())
        session.add(team)
        await session.flush()
        ids = []
        for telegram_id, name, role, locale in (
            (REP_TG, "Rita", Role.REP, rep_locale),
            (OTHER_REP_TG, "Otto", Role.REP, "en"),
            (MANAGER_TG, "Mona", Role.MANAGER, manager_locale),
        ):
            user = User(
                telegram_id=telegram_id,
                chat_id=telegram_id,
                first_name=name,
                role=role.value,
                team_id=team.id,
                locale=locale,
                timezone="Asia/Shanghai",
            )
            session.add(user)
            await session.flush()
            ids.append(user.id)
        return Staff(team.id, *ids)


async def customer(bot: Harness, *, team_id: int, owner_id: int, name: str, **fields: Any) -> int:
    async with bot.app.db.begin() as session:
        row = Customer(team_id=team_id, owner_id=owner_id, name=name, name_pinyin=name.lower(), **fields)
        session.add(row)
        await session.flush()
        return row.id


async def person(bot: Harness, telegram_id: int, *, chinese: bool = False) -> Person:
    return await bot.person(telegram_id, "Rita", language_code="zh-hans" if chinese else "en")


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
        return list((await session.scalars(query)).all())


async def plant_button(
    bot: Harness, who: Person, label: str, data: str, *, message_id: int | None = None
) -> None:
    """Put a button on a bot message in `who`'s chat, as an old card or a forged client would hold."""
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])
    if message_id is None:
        await bot.app.bot.send_message(who.account.chat_id, "…", reply_markup=markup)
    else:
        await bot.app.bot.edit_message_reply_markup(who.account.chat_id, message_id, reply_markup=markup)


async def share_location(
    who: Person, latitude: float, longitude: float, accuracy: float | None = None
) -> Reply:
    update_id = await who.account.send_location(latitude, longitude, horizontal_accuracy=accuracy)
    await who._settle(update_id)
    return await who.last_message()
