"""Factories for the customer and field-work tests: a sales team with its staff, customers, buttons, rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.roles import Role
from bot.domain.viewer import Viewer
from bot.services.customers import search_columns
from sandbox.harness import Harness, Person, Reply
from storage.db import utcnow
from storage.models import Base, Customer, Order, Tag, Team, User, Visit, customer_tags

REP_TG, OTHER_REP_TG, MANAGER_TG = 8101, 8102, 8103
NAMES = {REP_TG: ("Rita", "Wang"), OTHER_REP_TG: ("Li", "Wei"), MANAGER_TG: ("Mona", "Chen")}
# What a pressed button answers when its data is junk, and when it belongs to another role.
STALE = "This button is no longer active. Please start again from the menu."
NOT_YOURS = "This button is not available to you."


@dataclass(frozen=True)
class SalesTeam:
    team_id: int
    rep_id: int
    other_rep_id: int
    manager_id: int


async def sales_team(bot: Harness, *, rep_locale: str = "en", manager_locale: str = "en") -> SalesTeam:
    """A team in Shanghai time: a manager (Mona Chen) and two reps (Rita Wang, Li Wei) reporting to her."""
    async with bot.app.db.begin() as session:
        row = Team(name="East", timezone="Asia/Shanghai", currency="CNY", created_at=utcnow())
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
        return SalesTeam(row.id, ids[0], ids[1], manager.id)


def rep_viewer(team: SalesTeam) -> Viewer:
    """Rita as the services see her, for calling a service directly."""
    return Viewer(
        user_id=team.rep_id,
        telegram_id=REP_TG,
        first_name="Rita",
        role=Role.REP,
        team_id=team.team_id,
        locale="en",
        timezone="Asia/Shanghai",
    )


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
    e164 = phone or fields.pop("phone_e164", None)
    columns = {**search_columns(name=name, company=company, e164=e164), **fields}
    async with bot.app.db.begin() as session:
        row = Customer(
            team_id=team_id, owner_id=owner_id, name=name, company=company, phone_e164=e164, **columns
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


async def buyer(
    bot: Harness, team: SalesTeam, name: str, *, now: datetime, every: int, last: int, orders: int = 8
) -> int:
    """A customer with `orders` orders `every` days apart, the latest `last` days ago, and a recent visit."""
    customer_id = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name=name, tier="A")
    async with bot.app.db.begin() as session:
        for index in range(orders):
            session.add(
                Order(
                    team_id=team.team_id,
                    customer_id=customer_id,
                    rep_id=team.rep_id,
                    amount=Decimal("500"),
                    currency="CNY",
                    ordered_at=now - timedelta(days=last + index * every),
                    created_at=now - timedelta(days=last + index * every),
                )
            )
        session.add(
            Visit(
                team_id=team.team_id,
                customer_id=customer_id,
                rep_id=team.rep_id,
                kind="on_site",
                visited_at=now - timedelta(days=3),
                created_at=now - timedelta(days=3),
            )
        )
    return customer_id


async def person(bot: Harness, telegram_id: int, *, chinese: bool = False) -> Person:
    """A staff member who has opened the chat (so the bot may write first), named as in `team`."""
    first, last = NAMES[telegram_id]
    account = await bot.client.user(
        telegram_id, first_name=first, last_name=last, language_code="zh-hans" if chinese else "en"
    )
    who = bot.person_type(bot.app, bot.client, account)
    await who.send("/help")
    return who


async def plant_button(
    bot: Harness, who: Person, label: str, data: str, *, message_id: int | None = None
) -> None:
    """Put a button on a bot message in `who`'s chat, as an old card or a forged client would hold."""
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])
    if message_id is None:
        await bot.app.bot.send_message(who.account.chat_id, "…", reply_markup=markup)
    else:
        await bot.app.bot.edit_message_reply_markup(who.account.chat_id, message_id, reply_markup=markup)


async def count(bot: Harness, model: type[Base], **where: Any) -> int:
    async with bot.app.db() as session:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return int(await session.scalar(query) or 0)


async def row_counts(bot: Harness, *models: type[Base]) -> dict[str, int]:
    """How many rows each table holds, by table name: a refused action changes none."""
    return {model.__tablename__: await count(bot, model) for model in models}


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


async def share_location(
    who: Person, latitude: float, longitude: float, accuracy: float | None = None
) -> Reply:
    update_id = await who.account.send_location(latitude, longitude, horizontal_accuracy=accuracy)
    await who._settle(update_id)
    return await who.last_message()


async def press_through(who: Person, *labels: str) -> Reply:
    """Press each button in turn, as a rep walks a dialog's steps; the answer to the last press."""
    reply = None
    for label in labels:
        reply = await who.press(label)
    assert reply is not None, "press_through needs at least one label"
    return reply


async def rep_and_others_customer(bot: Harness) -> tuple[Person, int]:
    """Rita, chat opened with /start, and Otto's Shop: a customer owned by the other rep (Li Wei)."""
    team = await sales_team(bot)
    theirs = await customer(bot, team_id=team.team_id, owner_id=team.other_rep_id, name="Otto's Shop")
    rep = await person(bot, REP_TG)
    await rep.send("/start")
    return rep, theirs


async def press_forged(bot: Harness, who: Person, label: str, data: str) -> dict[str, object] | None:
    """Plant a button with `data` in `who`'s chat, press it, and return the bot's toast or alert."""
    await plant_button(bot, who, label, data)
    return await who.press_for_answer(label)


async def refused_as(bot: Harness, who: Person, data: str) -> str:
    """The text of the answer to a forged press of `data`, which must be answered."""
    answer = await press_forged(bot, who, "Forged", data)
    assert answer is not None, f"{data!r} was never answered"
    return str(answer["text"])


def junk(prefix: str, *shapes: str) -> list[str]:
    """Button data under `prefix` with each of `shapes` after it."""
    return [f"{prefix}:{shape}" for shape in shapes]
