"""Search as reps and managers: pinyin, initials, phone digits, #tags, substrings, typos, pages."""

from __future__ import annotations

from datetime import timedelta

from bot.services import customers
from sandbox.factories import MANAGER_TG, REP_TG, SalesTeam, customer, person, rep_viewer, sales_team
from sandbox.harness import ADMIN_ID, Harness
from storage.db import utcnow
from storage.models import Visit


async def seed(bot: Harness, *, rep_locale: str = "en") -> SalesTeam:
    staff = await sales_team(bot, rep_locale=rep_locale)
    team_id, rep_id = staff.team_id, staff.rep_id
    await customer(
        bot,
        team_id=team_id,
        owner_id=rep_id,
        name="张三",
        company="上海华联超市",
        phone="+8613812345678",
        tags=("批发",),
    )
    await customer(
        bot, team_id=team_id, owner_id=rep_id, name="张珊珊", company="Beta Foods", phone="+8613900002222"
    )
    await customer(
        bot,
        team_id=team_id,
        owner_id=rep_id,
        name="John Smith",
        company="Acme Trading",
        phone="+8613700003333",
    )
    await customer(
        bot,
        team_id=staff.team_id,
        owner_id=staff.other_rep_id,
        name="张三丰",
        company="武当",
        phone="+8613600005678",
    )
    return staff


def labels(reply_buttons: list[list[str]]) -> list[str]:
    return [row[0] for row in reply_buttons]


async def test_find_by_every_kind_of_key(bot: Harness) -> None:
    await seed(bot)
    rep = await person(bot, REP_TG)
    reply = await rep.send("/find zhangsan")
    assert reply.text == 'Customers matching "zhangsan":'
    assert labels(reply.buttons()) == ["张三 · 上海华联超市 · +86 138****5678"]
    assert reply.message.button_data("张三 · 上海华联超市 · +86 138****5678").startswith("cust:open:")
    assert labels((await rep.send("/find zs")).buttons()) == [
        "张三 · 上海华联超市 · +86 138****5678",
        "张珊珊 · Beta Foods · +86 139****2222",
    ]
    assert labels((await rep.send("/find 张")).buttons())[0].startswith("张三 ·")
    assert labels((await rep.send("/find 5678")).buttons()) == ["张三 · 上海华联超市 · +86 138****5678"]
    assert labels((await rep.send("/find 138 1234 5678")).buttons()) == [
        "张三 · 上海华联超市 · +86 138****5678"
    ]
    assert labels((await rep.send("/find #批发")).buttons()) == ["张三 · 上海华联超市 · +86 138****5678"]
    assert labels((await rep.send("/find 批发")).buttons()) == ["张三 · 上海华联超市 · +86 138****5678"]
    assert labels((await rep.send("/find 华联")).buttons()) == ["张三 · 上海华联超市 · +86 138****5678"]
    assert labels((await rep.send("/find trading")).buttons()) == [
        "John Smith · Acme Trading · +86 137****3333"
    ]
    assert labels((await rep.send("/find acme tradng")).buttons()) == [
        "John Smith · Acme Trading · +86 137****3333"
    ]
    assert labels((await rep.send("/find jonh smith")).buttons()) == [
        "John Smith · Acme Trading · +86 137****3333"
    ]


async def test_any_run_of_four_digits_finds_the_number(bot: Harness) -> None:
    await seed(bot)
    rep = await person(bot, REP_TG)
    assert labels((await rep.send("/find 1234")).buttons()) == ["张三 · 上海华联超市 · +86 138****5678"]
    assert labels((await rep.send("/find 812345")).buttons()) == ["张三 · 上海华联超市 · +86 138****5678"]
    assert labels((await rep.send("/find 0000")).buttons()) == [
        "John Smith · Acme Trading · +86 137****3333",
        "张珊珊 · Beta Foods · +86 139****2222",
    ]
    assert (await rep.send("/find 0005678")).buttons() == []
    assert labels((await rep.send("/find 123")).buttons()) == []


async def test_ranking_puts_exact_before_prefix_before_initials(bot: Harness) -> None:
    staff = await seed(bot)
    await customer(bot, team_id=staff.team_id, owner_id=staff.rep_id, name="Zs Hardware")
    rep = await person(bot, REP_TG)
    names = [label.split(" · ")[0] for label in labels((await rep.send("/find zs")).buttons())]
    assert names == ["Zs Hardware", "张三", "张珊珊"]


async def test_a_rep_never_finds_another_reps_customer_but_the_manager_does(bot: Harness) -> None:
    await seed(bot)
    rep = await person(bot, REP_TG)
    assert "张三丰" not in str((await rep.send("/find zhangsanfeng")).buttons())
    assert "No customer matches" in (await rep.send("武当")).text
    assert "+86 136****5678" not in str((await rep.send("/find 5678")).buttons())
    manager = await person(bot, MANAGER_TG)
    assert labels((await manager.send("/find zhangsanfeng")).buttons()) == ["张三丰 · 武当 · +86 136****5678"]
    assert len((await manager.send("5678")).buttons()) == 2


async def test_plain_text_searches_and_pages(bot: Harness) -> None:
    staff = await sales_team(bot)
    for i in range(19):
        await customer(bot, team_id=staff.team_id, owner_id=staff.rep_id, name=f"Kiosk {i:02d}")
    rep = await person(bot, REP_TG)
    reply = await rep.send("kiosk")
    assert len(reply.buttons()) == 9
    assert reply.buttons()[-1] == ["More ▶"]
    assert reply.buttons()[0] == ["Kiosk 00"]
    reply = await rep.press("More ▶")
    assert reply.text == 'Customers matching "kiosk", page 2:'
    assert reply.buttons()[0] == ["Kiosk 08"]
    assert reply.buttons()[-1] == ["◀ Back", "More ▶"]
    reply = await rep.press("More ▶")
    assert reply.buttons() == [["Kiosk 16"], ["Kiosk 17"], ["Kiosk 18"], ["◀ Back"]]
    reply = await rep.press("◀ Back")
    assert reply.buttons()[0] == ["Kiosk 08"]


async def test_nothing_found_and_bare_find(bot: Harness) -> None:
    await seed(bot)
    rep = await person(bot, REP_TG)
    reply = await rep.send("/find qqqxyz")
    assert reply.text == 'No customer matches "qqqxyz". Try another spelling, or add them with /new.'
    assert "Who are you looking for?" in (await rep.send("/find")).text


async def test_search_in_chinese(bot: Harness) -> None:
    await seed(bot, rep_locale="zh_Hans")
    rep = await person(bot, REP_TG, chinese=True)
    reply = await rep.send("zhangshan")
    assert reply.text == "与“zhangshan”匹配的客户："
    assert labels(reply.buttons())[0] == "张珊珊 · Beta Foods · +86 139****2222"
    assert "/new" in (await rep.send("不存在的客户")).text
    assert "要找哪位客户" in (await rep.send("/find")).text


async def test_recent_offers_due_then_visited_then_newest(bot: Harness) -> None:
    staff = await sales_team(bot)
    now = utcnow()
    team_id, rep_id = staff.team_id, staff.rep_id
    old = await customer(
        bot, team_id=team_id, owner_id=rep_id, name="Old Friend", created_at=now - timedelta(days=300)
    )
    due = await customer(
        bot, team_id=team_id, owner_id=rep_id, name="Due Today", next_follow_up_at=now - timedelta(hours=1)
    )
    visited = await customer(bot, team_id=team_id, owner_id=rep_id, name="Seen Yesterday")
    newest = await customer(bot, team_id=team_id, owner_id=rep_id, name="Brand New")
    await customer(bot, team_id=staff.team_id, owner_id=staff.other_rep_id, name="Not Mine")
    async with bot.app.db.begin() as session:
        session.add(
            Visit(
                team_id=staff.team_id,
                customer_id=visited,
                rep_id=staff.rep_id,
                visited_at=now - timedelta(days=1),
            )
        )
    viewer = rep_viewer(staff)
    async with bot.app.db.begin() as session:
        hits = await customers.recent(session, viewer=viewer, now=now, limit=4)
    assert [hit.id for hit in hits] == [due, visited, newest, old]


async def test_plain_text_from_an_admin_is_not_a_search(bot: Harness) -> None:
    await sales_team(bot)
    admin = await bot.person(ADMIN_ID, "Ada")
    await admin.send("/start")
    assert "didn't understand" in (await admin.send("zhangsan")).text


async def test_careless_and_hostile_digit_searches(bot: Harness) -> None:
    """A 40-digit run, a digit search edited into another, a page button carrying someone else's
    digits, and three searches a second: each answered plainly, nothing of another rep's shown."""
    await seed(bot, rep_locale="zh_Hans")
    rep = await person(bot, REP_TG, chinese=True)
    forty = "1" * 40
    reply = await rep.send(f"/find {forty}")
    assert reply.buttons() == []
    assert forty in reply.text
    typed = max(m.message_id for m in await rep.account.messages() if not m.from_bot)
    edited = await rep.edit(typed, "/find 1234")
    assert edited is not None
    assert edited.text == "修改过的消息不会被处理。请把新内容作为一条新消息发送。"
    found = await rep.send("/find 1234")
    assert labels(found.buttons()) == ["张三 · 上海华联超市 · +86 138****5678"]
    forged = await rep.press_data("find:page:1:5678", message_id=found.message.message_id)
    assert forged is not None
    for query in ("5678", "0000"):
        await rep.account.send(f"/find {query}")
    last = await rep.send("/find 00005678")
    assert last.buttons() == []
    shown = [m for m in await rep.account.bot_messages() if m.buttons()]
    assert {"与“5678”匹配的客户：", "与“0000”匹配的客户："} <= {message.text for message in shown}
    assert all("张三丰" not in str(message.buttons()) for message in shown)
