"""A failing handler: the user gets a short apology, the admin a notice, nobody a traceback."""

from __future__ import annotations

import pytest

from bot.services import teams
from sandbox.harness import ADMIN_ID, Harness


async def test_failure_is_apologised_for_and_reported(bot: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = await bot.person(ADMIN_ID, "Ada")
    await admin.send("/start")
    await admin.send("/newteam")
    await admin.send("Team")
    await admin.press("China (Shanghai) Time UTC+8")
    await admin.press("Create")

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(teams, "overview", broken)
    replies = await admin.send("/team")
    messages = [m.text for m in await admin.replies()][-2:]
    assert any("something went wrong on our side" in text for text in messages), messages
    assert any("Error notice: RuntimeError" in text for text in messages), messages
    assert all("secret internal detail" not in text for text in messages)
    assert replies.text is not None


async def test_group_chats_are_declined(bot: Harness) -> None:
    admin = await bot.person(ADMIN_ID, "Ada")
    reply = await admin.send_in_group(-100123, "/start")
    assert "private chat" in reply.text
