"""`fieldcrm demo` and its web chat: the served page, the demo's first minute, and a real browser.

The browser tests drive the page in headless Chromium (Debian's package, driven by Playwright with
`executable_path`; nothing is downloaded). They skip when /usr/bin/chromium is missing, unless
CI_REQUIRE_BROWSER=1 (set by .ci/run), where they fail instead. Screenshots go to
test-artifacts/web-demo/.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from playwright.async_api import Page, async_playwright, expect
from sqlalchemy import select

from bot.demo import server
from bot.demo.team import STRANGER
from bot.domain.enums import FeedbackKind, ReminderKind
from sandbox import SandboxClient, SandboxServer, SandboxUser
from storage.models import Customer, Feedback, Reminder, Visit

CHROMIUM = Path("/usr/bin/chromium")
HAVE_CHROMIUM = CHROMIUM.exists()
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "web-demo"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Pushes go through the outbox, which the demo looks at every two seconds.
PUSH_WAIT_MS = 15_000
# One action a second: the pace of a person reading each answer before the next tap.
HUMAN_PACE = 1.0


@pytest.fixture
async def running(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[server.Demo]:
    """`fieldcrm demo` on a free port, on a seeded copy of the migrated database."""
    database = tmp_path / "server.db"
    shutil.copyfile(sqlite_template, database)
    url = f"sqlite+aiosqlite:///{database}"
    assert await server.seed(url)
    async with server.running_demo(url, port=0) as running:
        yield running


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    """A page in headless Chromium; errors in the page's scripts fail the test. Asked for before the
    demo, so a missing browser skips the test before the demo starts."""
    if not HAVE_CHROMIUM:
        reason = "no Chromium at /usr/bin/chromium (apt-get install chromium)"
        if os.environ.get("CI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason}; CI_REQUIRE_BROWSER=1", pytrace=False)
        pytest.skip(reason)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            context = await browser.new_context(
                viewport={"width": 1100, "height": 900}, locale="en-US", timezone_id="Asia/Shanghai"
            )
            opened = await context.new_page()
            errors: list[str] = []
            opened.on("pageerror", lambda error: errors.append(str(error)))
            expect.set_options(timeout=PUSH_WAIT_MS)
            yield opened
            assert errors == []
        finally:
            await browser.close()


class Chat:
    """The web chat as a person uses it: reads what the bot said, types and taps at human pace."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url
        self._last = 0.0

    async def open(self, persona: int) -> None:
        await self.page.goto(f"{self.url}/#{persona}")
        await expect(self.page.locator(f'.persona.selected[data-persona="{persona}"]')).to_be_visible()

    async def _pace(self) -> None:
        loop = asyncio.get_running_loop()
        await asyncio.sleep(max(0.0, self._last + HUMAN_PACE - loop.time()))
        self._last = loop.time()

    async def as_person(self, persona: int) -> None:
        await self.page.click(f'[data-persona="{persona}"]')
        await expect(self.page.locator(f'.persona.selected[data-persona="{persona}"]')).to_be_visible()

    async def say(self, text: str) -> None:
        await self._pace()
        await self.page.fill("#composer-input", text)
        await self.page.press("#composer-input", "Enter")

    async def press(self, label: str, *, exact: bool = False) -> None:
        """The button with this label (or containing it) in the newest bot message that has one."""
        await self._pace()
        wanted = re.compile(f"^{re.escape(label)}$") if exact else label
        await self.page.locator(".message.in .inline-keyboard button", has_text=wanted).last.click()

    async def sees(self, text: str) -> None:
        """A bot message says `text` (now or once it arrives). Not necessarily the newest one:
        a reminder or an alert may arrive in between, as on a real phone."""
        await expect(self.page.locator(".message.in", has_text=text).last).to_be_visible()

    async def screenshot(self, name: str) -> None:
        await self.page.screenshot(path=str(ARTIFACTS / name))


async def test_rep_logs_a_visit_and_the_customer_rates_it(page: Page, running: server.Demo) -> None:
    chat = Chat(page, running.url)
    await chat.open(3000)
    await page.click("#menu-button")
    await expect(page.locator('#menu [data-command="visit"]')).to_contain_text("Log a visit")
    await page.click("#messages")

    await chat.say("/visit")
    await chat.sees("Which customer did you visit?")
    await chat.say("acme")
    await chat.sees("acme")
    await chat.press("Acme Trading")
    await chat.sees("How did you meet?")
    await chat.press("On-site")
    await chat.sees("How did it go?")
    await chat.press("Positive")
    await chat.sees("Any notes?")
    await chat.say("Tasted the new spicy line; wants 20 cases.")
    await chat.sees("Check in: share your location")
    await page.click('.reply-keyboard button:has-text("Share my location")')
    await page.click('[data-place^="Acme Trading"]')
    await expect(page.locator(".message.out .map")).to_have_count(1)
    await chat.sees("When is the next follow-up?")
    await expect(page.locator(".message.in", has_text="Checked in 38 m from Acme Trading.")).to_be_visible()
    await expect(page.locator(".reply-keyboard")).to_be_hidden()
    await chat.press("Tomorrow")
    await chat.sees("Next follow-up:")
    await chat.press("Save")
    await chat.sees("Visit to Acme Trading saved.")
    await chat.sees("Next follow-up:")
    await chat.screenshot("01-rep-visit-saved.png")

    tomorrow = datetime.now(SHANGHAI).date() + timedelta(days=1)
    async with running.app.db() as session:
        acme = await session.scalar(select(Customer).where(Customer.name == "Acme Trading"))
        assert acme is not None
        visit = await session.scalar(
            select(Visit).where(Visit.customer_id == acme.id).order_by(Visit.id.desc()).limit(1)
        )
        follow_up = await session.scalar(
            select(Reminder)
            .where(Reminder.customer_id == acme.id, Reminder.kind == ReminderKind.FOLLOW_UP)
            .order_by(Reminder.id.desc())
            .limit(1)
        )
    assert visit is not None
    assert visit.notes == "Tasted the new spicy line; wants 20 cases."
    assert visit.distance_m is not None
    assert round(visit.distance_m) == 38
    assert follow_up is not None
    assert follow_up.due_at == datetime(tomorrow.year, tomorrow.month, tomorrow.day, 9, tzinfo=SHANGHAI)

    await chat.as_person(5000)
    await chat.sees("How was the visit from Ravi")
    await chat.screenshot("02-customer-csat-question.png")
    await chat.press("5", exact=True)
    await chat.sees("You rated the visit 5 out of 5.")
    await chat.screenshot("03-customer-rated.png")
    async with running.app.db() as session:
        rating = await session.scalar(select(Feedback).where(Feedback.visit_id == visit.id))
    assert rating is not None
    assert (rating.kind, rating.score) == (FeedbackKind.CSAT, 5)

    await chat.as_person(3000)
    await expect(page.locator(".message.in", has_text="Visit to Acme Trading saved.")).to_be_visible()


async def test_manager_gets_the_digest_chart_and_a_stranger_starts(page: Page, running: server.Demo) -> None:
    chat = Chat(page, running.url)
    await chat.open(2001)
    await page.click('[data-action="digest"]')
    # After 18:00 in Shanghai the day's digest has gone out by itself; the button says so.
    await expect(page.locator("#toast")).to_contain_text(re.compile("on its way to 2 managers|sent already"))
    await expect(page.locator(".message.in", has_text="Daily digest")).to_be_visible()
    chart = page.locator(".message.in img.photo").last
    await expect(chart).to_be_visible()
    await page.wait_for_function(
        "img => img.complete && img.naturalWidth > 600", arg=await chart.element_handle()
    )
    await chart.scroll_into_view_if_needed()
    await chat.screenshot("04-manager-digest-chart.png")

    await chat.as_person(2000)
    await expect(page.locator("#composer-input")).to_have_attribute("placeholder", "消息")
    await expect(page.locator(".message.in", has_text="📊 日报")).to_be_visible()
    await chat.screenshot("05-manager-in-chinese.png")

    await chat.as_person(STRANGER.telegram_id)
    await expect(page.locator(".empty")).to_be_visible()
    await chat.say("/start")
    await chat.sees("I don't know you yet")
    await chat.screenshot("06-stranger.png")


async def test_demo_starts_with_everyones_chat_open_and_news_pushed(running: server.Demo) -> None:
    async with SandboxClient(running.url, server.DEMO_TOKEN) as client:
        chats = {chat["id"]: chat for chat in await client.request("GET", "chats")}
        assert STRANGER.telegram_id not in chats
        welcomed = await client.chat_messages(1000)
        assert welcomed[0].text == "/start"
        assert welcomed[1].from_bot
        assert await _pushed_soon(client, "risk of churning", chats=range(3000, 3008))
        menu = await client.request("GET", "users/3000/commands")
        assert "visit" in [command["command"] for command in menu]
        stranger_menu = await client.request("GET", f"users/{STRANGER.telegram_id}/commands")
        assert "feedback" in [command["command"] for command in stranger_menu]
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{running.url}/") as response:
            assert response.status == 200
            assert "web/static/app.js" in await response.text()
        async with session.get(f"{running.url}/web/config") as response:
            config: dict[str, Any] = await response.json()
    assert config["token"] == server.DEMO_TOKEN
    assert [p["role"] for p in config["personas"]].count("rep") == 8
    assert {"admin", "manager", "customer", "stranger"} <= {p["role"] for p in config["personas"]}
    assert any(place["label"].startswith("Acme Trading") for place in config["places"])
    assert [action["name"] for action in config["actions"]] == ["digest", "rescan"]


async def test_chat_events_carry_the_messages_and_answers_they_touched(sandbox: SandboxServer) -> None:
    """What the web chat redraws from: one long poll brings the messages as they are now."""
    token = "555:web-chat-events-token"
    async with SandboxClient(sandbox.url, token) as client:
        person = await client.user(42, first_name="Ann")
        await person.send("hi")
        sent = await client.bot_api(
            "sendMessage",
            chat_id=42,
            text="<b>Pick</b>",
            parse_mode="HTML",
            reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
        )
        update_id = await person.press("A")
        query_id = (await client.update(update_id))["update"]["callback_query"]["id"]
        await client.bot_api("answerCallbackQuery", callback_query_id=query_id, text="Picked A")
        await client.bot_api("editMessageText", chat_id=42, message_id=sent["message_id"], text="Done")
        batch = await client.request("GET", "chats/42/events", params={"after": "1", "messages": "1"})
        plain = await client.request("GET", "chats/42/events", params={"after": "1"})
    assert [message["text"] for message in batch["messages"]] == ["Done"]
    assert batch["messages"][0]["edited"]
    assert batch["answers"][query_id]["text"] == "Picked A"
    assert "messages" not in plain


async def _pushed_soon(client: SandboxClient, text: str, *, chats: range) -> bool:
    """Whether a bot message with `text` reaches one of `chats` within a few seconds (the outbox
    sender delivers pushes in the background)."""
    for _ in range(50):
        for chat_id in chats:
            if any(m.from_bot and text in m.content for m in await client.chat_messages(chat_id)):
                return True
        await asyncio.sleep(0.2)
    return False


# Whether the newest bot message can be read: its end inside the chat's visible rect, and its top
# too unless it is taller than the chat. A sentence saying where it is when it cannot.
REPLY_IN_VIEW = """() => {
  const box = document.getElementById("messages");
  const replies = box.querySelectorAll(".message.in");
  if (!replies.length) return "no reply";
  const reply = replies[replies.length - 1].getBoundingClientRect();
  const frame = box.getBoundingClientRect();
  const top = frame.top + box.clientTop;
  const bottom = top + box.clientHeight;
  const endSeen = reply.bottom <= bottom + 1 && reply.bottom > top;
  const startSeen = reply.top >= top - 1 || reply.height > box.clientHeight;
  if (endSeen && startSeen) return null;
  const span = (from, to) => `${Math.round(from)}..${Math.round(to)}`;
  return `reply at ${span(reply.top, reply.bottom)}, chat shows ${span(top, bottom)}`;
}"""
# How many messages the chat shows, whether the bot wrote one after the first `before`, and whether
# each picture in sight has loaded (a photo changes the chat's height when it does; those further
# away load lazily, when the reader gets near them).
CHAT_STATE = """(before) => {
  const box = document.getElementById("messages");
  const messages = [...box.querySelectorAll(".message")];
  const answered = messages.slice(before).some((node) => node.classList.contains("in"));
  const frame = box.getBoundingClientRect();
  const inSight = (img) => {
    const rect = img.getBoundingClientRect();
    return rect.bottom >= frame.top && rect.top <= frame.bottom;
  };
  const loaded = [...box.querySelectorAll("img")].filter(inSight).every((img) => img.complete);
  return [messages.length, answered, loaded];
}"""
NEXT_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
SCROLL_TOP = "() => document.getElementById('messages').scrollTop"


async def _settled(page: Page, before: int) -> None:
    """Waits for the bot to answer (a message of its own after the first `before`) and then to stay
    quiet for a moment with its pictures loaded, as a reader waits before reading."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PUSH_WAIT_MS / 1000
    quiet_since, last = 0.0, None
    while loop.time() < deadline:
        state = await page.evaluate(CHAT_STATE, before)
        if state != last or not state[1] or not state[2]:
            quiet_since, last = loop.time(), state
        elif loop.time() - quiet_since >= 0.8:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"no answer from the bot, or it kept writing: {last}")


async def _reply_in_view(page: Page) -> str | None:
    """None once the newest bot message is in view (given two frames to settle), else where it is."""
    await page.evaluate(NEXT_FRAMES)
    where = await page.evaluate(REPLY_IN_VIEW)
    return None if where is None else str(where)


async def test_every_answer_is_scrolled_into_view(page: Page, running: server.Demo) -> None:
    chat = Chat(page, running.url)
    await chat.open(2001)
    await expect(page.locator(".message.in").first).to_be_visible()
    commands = [
        "/help",
        "/today",
        "/digest",
        "/team",
        "/tickets",
        "/find",
        "acme",
        "/cancel",
        "/settings",
        "/invites",
        "/digest",
        "/help",
        "/today",
        "/team",
    ]
    for command in commands:
        before = await page.locator(".message").count()
        await chat.say(command)
        await _settled(page, before)
        where = await _reply_in_view(page)
        if where:
            await chat.screenshot("07-reply-off-screen.png")
        assert where is None, f"after {command}: {where}"
    await expect(page.locator("#new-below")).to_be_hidden()


async def _scroll_chat(page: Page, pixels: int) -> float:
    """Scrolls the chat with the mouse wheel (up when negative); its scrollTop once it has stopped."""
    await page.hover("#messages .chat")
    await page.mouse.wheel(0, pixels)
    top = None
    for _ in range(50):
        await asyncio.sleep(0.1)
        now = await page.evaluate(SCROLL_TOP)
        if now == top:
            return float(now)
        top = now
    raise AssertionError("the chat kept scrolling")


async def test_reader_scrolled_up_stays_put_and_is_told_of_news(page: Page, running: server.Demo) -> None:
    chat = Chat(page, running.url)
    await chat.open(2001)
    for command in ["/help", "/digest", "/team"]:
        before = await page.locator(".message").count()
        await chat.say(command)
        await _settled(page, before)
    marker = page.locator("#new-below")
    await expect(marker).to_be_hidden()
    assert await _reply_in_view(page) is None

    async with SandboxClient(running.url, server.DEMO_TOKEN) as client:
        # Marcus on his phone: the reply reaches the web chat while it is scrolled up.
        phone = SandboxUser(client, 2001)
        top = await _scroll_chat(page, -1500)
        before = await page.locator(".message").count()
        await phone.send("/help")
        await _settled(page, before)
        await expect(marker).to_be_visible()
        await expect(marker).to_have_text("↓ new")
        assert await page.evaluate(SCROLL_TOP) == pytest.approx(top, abs=1)
        assert await _reply_in_view(page) is not None
        await chat.screenshot("07-news-below.png")
        await marker.click()
        await expect(marker).to_be_hidden()
        assert await _reply_in_view(page) is None

        # Reaching the end by scrolling does as much as the marker.
        await _scroll_chat(page, -1500)
        before = await page.locator(".message").count()
        await phone.send("/today")
        await _settled(page, before)
        await expect(marker).to_be_visible()
        await _scroll_chat(page, 20_000)
        await expect(marker).to_be_hidden()
        assert await _reply_in_view(page) is None

    await chat.as_person(2000)
    await expect(marker).to_have_text("↓ 新消息")
