"""Admin → manager → rep through invite links, as the people themselves would do it."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from bot.runtime.jobs import background
from bot.services.invites import hash_token
from sandbox.harness import ADMIN_ID, Harness, Person
from storage.db import utcnow
from storage.models import AuditLog, Invite, Team, User

LINK = re.compile(r"https://t\.me/(\w+)\?start=inv_([A-Za-z0-9_-]+)")


async def create_team(admin: Person, name: str = "East China Sales") -> None:
    await admin.send("/start")
    await admin.send("/newteam")
    await admin.send(name)
    await admin.press("China (Shanghai) Time UTC+8")
    reply = await admin.press("Create")
    assert f"Team {name} is ready" in reply.text


async def invite_link(person: Person, role: str) -> str:
    reply = await person.send(f"/invite {role}")
    match = LINK.search(reply.text)
    assert match, reply.text
    return match.group(2)


async def user_row(bot: Harness, telegram_id: int) -> User:
    async with bot.app.db() as session:
        user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
    assert user is not None
    return user


async def test_admin_onboards_manager_and_rep(bot: Harness) -> None:
    admin = await bot.person(ADMIN_ID, "Ada")
    welcome = await admin.send("/start")
    assert "You are a FieldCRM admin" in welcome.text
    assert "newteam" in await admin.menu()

    await create_team(admin)
    async with bot.app.db() as session:
        team = await session.scalar(select(Team))
    assert team is not None
    assert team.name == "East China Sales"
    assert team.timezone == "Asia/Shanghai"

    token = await invite_link(admin, "manager")
    manager = await bot.person(2000, "Mei", language_code="zh-hans")
    joined = await manager.send(f"/start inv_{token}")
    assert "欢迎加入East China Sales" in joined.text
    assert "/invite" in joined.text
    assert await manager.menu() == [
        "start",
        "today",
        "find",
        "visit",
        "order",
        "new",
        "remind",
        "digest",
        "team",
        "invite",
        "invites",
        "handover",
        "import",
        "export",
        "settings",
        "tickets",
        "lang",
        "help",
    ]
    assert "邀请" in " ".join(await manager.menu_descriptions())

    rep_token = await invite_link(manager, "rep")
    rep = await bot.person(3000, "Ravi")
    joined = await rep.send(f"/start inv_{rep_token}")
    assert "You have joined as sales rep" in joined.text
    assert await rep.menu() == [
        "start",
        "today",
        "find",
        "visit",
        "order",
        "new",
        "remind",
        "tickets",
        "lang",
        "help",
    ]

    manager_row, rep_row = await user_row(bot, 2000), await user_row(bot, 3000)
    assert (manager_row.role, manager_row.team_id) == ("manager", team.id)
    assert (rep_row.role, rep_row.team_id, rep_row.manager_id) == ("rep", team.id, manager_row.id)
    async with bot.app.db() as session:
        grants = (
            await session.scalars(select(AuditLog.action).where(AuditLog.action == "role.granted"))
        ).all()
    assert len(grants) == 3

    await background(bot.app).deliver()
    notices = [reply.text for reply in await admin.replies()]
    assert "Mei has joined East China Sales as manager." in notices
    manager_notices = [reply.text for reply in await manager.replies()]
    assert "Ravi已以销售代表身份加入East China Sales。" in manager_notices

    overview = await manager.send("/team")
    assert "Ravi" in overview.text
    assert "Mei" in overview.text
    assert "销售代表" in overview.text


async def test_only_the_token_hash_is_stored(bot: Harness) -> None:
    admin = await bot.person(ADMIN_ID, "Ada")
    await create_team(admin)
    token = await invite_link(admin, "manager")
    async with bot.app.db() as session:
        invite = await session.scalar(select(Invite))
    assert invite is not None
    assert invite.token_hash == hash_token(token)
    assert token not in invite.token_hash
    assert invite.expires_at - invite.created_at == timedelta(days=7)


async def test_bare_invite_offers_the_roles_the_inviter_may_create(bot: Harness) -> None:
    admin = await bot.person(ADMIN_ID, "Ada")
    await create_team(admin)
    offer = await admin.send("/invite")
    assert offer.buttons() == [["manager"]]
    reply = await admin.press("manager")
    assert LINK.search(reply.text)

    refused = await admin.send("/invite rep")
    assert "/invite manager" in refused.text


async def test_a_link_works_once(bot: Harness) -> None:
    admin = await bot.person(ADMIN_ID, "Ada")
    await create_team(admin)
    token = await invite_link(admin, "manager")
    first = await bot.person(2000, "Mei")
    await first.send(f"/start inv_{token}")
    second = await bot.person(2001, "Max")
    reply = await second.send(f"/start inv_{token}")
    assert "already been used" in reply.text
    assert (await user_row(bot, 2001)).role is None
    assert "don't know you yet" in (await second.send("/team")).text


async def test_expired_revoked_and_malformed_links_are_explained(bot: Harness) -> None:
    admin = await bot.person(ADMIN_ID, "Ada")
    await create_team(admin)
    expired = await invite_link(admin, "manager")
    async with bot.app.db.begin() as session:
        await session.execute(
            update(Invite)
            .where(Invite.token_hash == hash_token(expired))
            .values(expires_at=utcnow() - timedelta(days=1))
        )
    withdrawn = await invite_link(admin, "manager")
    listing = await admin.send("/invites")
    assert listing.buttons() == [["Withdraw 1"]]
    answer = await admin.press_for_answer("Withdraw 1")
    assert answer is not None
    assert "withdrawn" in str(answer["text"])
    assert "no open invite links" in (await admin.last_message()).text

    stranger = await bot.person(2000, "Mei", language_code="zh-CN")
    assert "过期" in (await stranger.send(f"/start inv_{expired}")).text
    assert "已撤回" in (await stranger.send(f"/start inv_{withdrawn}")).text
    assert "无效" in (await stranger.send("/start inv_not*a*token")).text
    assert "无效" in (await stranger.send("/start inv_" + "A" * 22)).text
    assert (await user_row(bot, 2000)).role is None


async def test_someone_with_a_role_keeps_it(bot: Harness) -> None:
    admin = await bot.person(ADMIN_ID, "Ada")
    await create_team(admin)
    token = await invite_link(admin, "manager")
    reply = await admin.send(f"/start inv_{token}")
    assert "already use FieldCRM as admin" in reply.text
    assert (await user_row(bot, ADMIN_ID)).role == "admin"
