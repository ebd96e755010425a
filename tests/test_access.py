"""Every command for every role: allowed ones do their job, the rest are refused politely."""

from __future__ import annotations

import pytest

from bot.domain.roles import Role
from bot.i18n import I18n
from handlers.common.refusals import command_refusal
from handlers.registry import COMMANDS
from sandbox.harness import Harness, Person
from storage.db import utcnow
from storage.models import Team, User

REFUSALS = (
    "don't know you yet",
    "has been switched off",
    "don't know that command",
)


async def member(bot: Harness, telegram_id: int, role: Role | None, *, active: bool = True) -> Person:
    async with bot.app.db.begin() as session:
        team = Team(name="North", timezone="Asia/Shanghai", created_at=utcnow())
        session.add(team)
        await session.flush()
        session.add(
            User(
                telegram_id=telegram_id,
                chat_id=telegram_id,
                first_name="Sam",
                role=role.value if role else None,
                team_id=team.id if role else None,
                locale="en",
                is_active=active,
            )
        )
    return await bot.person(telegram_id, "Sam")


def refused(text: str | None) -> bool:
    return text is not None and any(phrase in text for phrase in REFUSALS)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER, Role.REP, Role.CUSTOMER], ids=str)
async def test_every_command_for_a_role(bot: Harness, role: Role) -> None:
    person = await member(bot, 4242, role)
    t = I18n().translator("en", "Asia/Shanghai")
    for command in COMMANDS:
        if command.name == "start":
            continue
        reply = await person.send(f"/{command.name}")
        refusal = command_refusal(t, command.name, role)
        if role in command.roles:
            assert not refused(reply.text), (role, command.name, reply.text)
            assert reply.text != refusal, (role, command.name)
        else:
            assert reply.text == refusal, (role, command.name, reply.text)
        await person.send("/cancel")


async def test_stranger_gets_an_explanation_for_anything(bot: Harness) -> None:
    stranger = await bot.person(5000, "Li", language_code="zh-hans")
    for text in ("/start", "/invite manager", "/newteam", "hello", "/nonsense"):
        reply = await stranger.send(text)
        assert "邀请链接" in reply.text, text
    assert await stranger.menu() == ["start", "feedback", "lang", "help"]
    assert (await stranger.send("/lang")).buttons() == [["English", "✓ 简体中文"]]
    assert "没有需要取消" in (await stranger.send("/cancel")).text


async def test_deactivated_staff_lose_access(bot: Harness) -> None:
    person = await member(bot, 4243, Role.REP, active=False)
    assert "has been switched off" in (await person.send("/help")).text
    assert "has been switched off" in (await person.send("/start")).text


async def test_unknown_command_for_staff(bot: Harness) -> None:
    person = await member(bot, 4244, Role.MANAGER)
    assert "don't know that command" in (await person.send("/frobnicate")).text
    # Plain text from field staff is a customer search (issue 3).
    assert "No customer matches" in (await person.send("just some words")).text
