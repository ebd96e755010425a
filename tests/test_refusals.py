"""A refused command says why in plain words and what to do instead, for every command and role.

The pairs are generated from the registry, so a new command that some role lacks fails here until
its reason is written.
"""

from __future__ import annotations

import pytest

from bot.domain.roles import Role
from bot.i18n import I18n
from handlers.common.refusals import ROLE_REFUSAL
from handlers.registry import COMMANDS
from sandbox.documents import csv_bytes, send_file
from sandbox.harness import Harness, Person
from storage.db import utcnow
from storage.models import Team, User

ROLES = (Role.ADMIN, Role.MANAGER, Role.REP, Role.CUSTOMER)


async def member(bot: Harness, telegram_id: int, role: Role, locale: str) -> Person:
    async with bot.app.db.begin() as session:
        team = Team(name="North", timezone="Asia/Shanghai", created_at=utcnow())
        session.add(team)
        await session.flush()
        session.add(
            User(
                telegram_id=telegram_id,
                chat_id=telegram_id,
                first_name="Sam",
                role=role.value,
                team_id=team.id,
                locale=locale,
            )
        )
    return await bot.person(telegram_id, "Sam")


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
@pytest.mark.parametrize("role", ROLES, ids=str)
async def test_every_refused_command_names_its_reason(bot: Harness, role: Role, locale: str) -> None:
    person = await member(bot, 4300, role, locale)
    generic = I18n().translator(locale, "Asia/Shanghai").gettext(ROLE_REFUSAL)
    english = I18n().translator("en", "Asia/Shanghai").gettext(ROLE_REFUSAL)
    answers: dict[str, str] = {}
    for command in COMMANDS:
        if role in command.roles:
            continue
        reply = await person.send(f"/{command.name}")
        assert reply.text is not None
        assert generic not in reply.text, (command.name, reply.text)
        assert english not in reply.text, (command.name, reply.text)
        answers[command.name] = reply.text
    # Each refused command has a sentence of its own, not one line for all.
    assert len(set(answers.values())) == len(answers), answers
    if locale == "zh_Hans":
        assert all("。" in text and "role" not in text for text in answers.values()), answers


async def test_refusals_read_like_the_readme(bot: Harness) -> None:
    rep = await member(bot, 4301, Role.REP, "en")
    assert (await rep.send("/export")).text == (
        "Exports are for managers and admins: they hold the whole team's customers. "
        "If you need this, ask your manager."
    )
    assert (await rep.send("/import")).text == (
        "Imports are for managers: an import adds customers to the whole team. "
        "If you need this, ask your manager."
    )
    admin = await member(bot, 4302, Role.ADMIN, "en")
    assert (await admin.send("/visit")).text == (
        "/visit is for the sales rep or manager who made the visit. "
        "The team's managers can do this; /invite manager adds one."
    )
    customer = await member(bot, 4303, Role.CUSTOMER, "zh_Hans")
    assert (await customer.send("/digest")).text == (
        "日报仅供经理和管理员查看：内容涵盖整个团队。"
        "您的专属销售可以帮助您；/complaint 可以投诉问题，/feedback 可以给我们留言。"
    )
    manager = await member(bot, 4304, Role.MANAGER, "zh_Hans")
    assert (await manager.send("/complaint")).text == (
        "/complaint 是客户投诉问题用的。客户发来的内容会转给经理；/tickets 可以查看投诉工单。"
    )


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_a_spreadsheet_from_an_admin_says_who_imports(bot: Harness, locale: str) -> None:
    admin = await member(bot, 4305, Role.ADMIN, locale)
    reply = await send_file(admin, csv_bytes([["name"], ["Acme"]]), filename="team.csv")
    assert (
        reply.text
        == {
            "en": "Imports are for managers: an import adds customers to the whole team. "
            "The team's managers can do this; /invite manager adds one.",
            "zh_Hans": "导入只供经理使用：导入会给整个团队添加客户。"
            "这件事由团队的经理来做；/invite manager 可以邀请一位经理。",
        }[locale]
    )


async def test_an_invite_the_role_cannot_make_says_who_invites_whom(bot: Harness) -> None:
    manager = await member(bot, 4306, Role.MANAGER, "zh_Hans")
    assert (
        await manager.send("/invite manager")
    ).text == "经理邀请销售代表，管理员邀请经理。\n你可以这样邀请：/invite rep"
    admin = await member(bot, 4307, Role.ADMIN, "en")
    assert (await admin.send("/invite rep")).text == (
        "Managers invite reps, and admins invite managers.\nYou can invite with: /invite manager"
    )
    assert (await admin.send("/invite nobody")).text == "You can invite with: /invite manager"
