"""`@bot name` typed in any chat: a rep finds their own customers, a manager the team's, a stranger
nothing but a way in; the card that gets shared holds no phone number."""

from __future__ import annotations

from typing import Any

from sandbox.factories import MANAGER_TG, OTHER_REP_TG, REP_TG, SalesTeam, customer, person, sales_team
from sandbox.harness import Harness, Person


async def ask(who: Person, text: str, *, offset: str = "") -> dict[str, Any]:
    update_id = await who.account.inline_query(text, offset=offset)
    await who._settle(update_id)
    answer = await who.account.inline_answer(update_id)
    assert answer is not None
    return answer


async def acme_pair(bot: Harness) -> SalesTeam:
    team = await sales_team(bot)
    await customer(
        bot,
        team_id=team.team_id,
        owner_id=team.rep_id,
        name="Acme Trading",
        company="Acme Ltd",
        phone="+8613800138000",
        tier="A",
        stage="active",
    )
    await customer(bot, team_id=team.team_id, owner_id=team.other_rep_id, name="Acme Rival", tier="B")
    return team


async def test_a_rep_finds_only_their_own_customers_and_shares_a_minimal_card(bot: Harness) -> None:
    await acme_pair(bot)
    rep = await person(bot, REP_TG)
    answer = await ask(rep, "acme")
    assert answer["is_personal"] is True
    [found] = answer["results"]
    assert found["title"] == "Acme Trading"
    assert found["description"] == "Acme Ltd · Tier A · active"
    card = found["input_message_content"]
    assert card["parse_mode"] == "HTML"
    assert card["message_text"] == (
        "👤 <b>Acme Trading</b> · Acme Ltd\nOwner: Rita Wang · Tier A · active\nShared from FieldCRM"
    )
    assert "138" not in str(answer)


async def test_a_manager_finds_the_whole_teams_customers(bot: Harness) -> None:
    await acme_pair(bot)
    manager = await person(bot, MANAGER_TG)
    titles = sorted(result["title"] for result in (await ask(manager, "acme"))["results"])
    assert titles == ["Acme Rival", "Acme Trading"]


async def test_an_empty_query_lists_recent_customers_and_no_match_offers_the_bot(bot: Harness) -> None:
    await acme_pair(bot)
    other = await person(bot, OTHER_REP_TG)
    assert [r["title"] for r in (await ask(other, ""))["results"]] == ["Acme Rival"]
    nothing = await ask(other, "zzzz")
    assert nothing["results"] == []
    assert nothing["button"] == {"text": "No customer found: search in FieldCRM", "start_parameter": "find"}


async def test_strangers_get_no_customers_only_a_way_in(bot: Harness) -> None:
    await acme_pair(bot)
    stranger = await bot.person(4242, "Eve")
    answer = await ask(stranger, "acme")
    assert answer["results"] == []
    assert answer["button"] == {"text": "Open FieldCRM to get access", "start_parameter": "inline"}
    opened = await stranger.send("/start inline")
    assert "not valid" not in opened.text


async def test_the_card_is_in_the_sharers_language(bot: Harness) -> None:
    team = await sales_team(bot, rep_locale="zh_Hans")
    await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="张三商行", tier="VIP")
    rep = await person(bot, REP_TG, chinese=True)
    [found] = (await ask(rep, "zs"))["results"]
    assert found["input_message_content"]["message_text"] == (
        "👤 <b>张三商行</b>\n负责人：Rita Wang · VIP级 · 潜在客户\n来自 FieldCRM 的分享"
    )
