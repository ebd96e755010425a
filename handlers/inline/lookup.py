"""Inline mode: typing `@bot name` in any chat offers the typist's matching customers as cards.

The card is what a colleague needs to recognise the customer and who to ask (name, company,
tier, stage, owner), in the sharer's language; never a phone number, notes or health reasons,
since the chat it lands in may hold anyone. People without a field role get no results, only a
button that opens the bot.
"""

from __future__ import annotations

from html import escape

from telegram import InlineQueryResultArticle, InlineQueryResultsButton, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.ext import Application, InlineQueryHandler

from bot.domain.roles import Role
from bot.i18n import Translator
from bot.runtime.context import CrmContext
from bot.services import inline_lookup
from bot.services.inline_lookup import SharedCard
from handlers.common.buttons import PAGE, StaleButton
from handlers.common.labels import STAGE_LABELS, label, owner_line

MAY_LOOK_UP = (Role.REP, Role.MANAGER, Role.ADMIN)
# The buttons above the results open the bot with these /start payloads: a plain start page.
ACCESS_PAYLOAD, FIND_PAYLOAD = "inline", "find"
START_PAYLOADS = (ACCESS_PAYLOAD, FIND_PAYLOAD)
# Results differ per person and change as customers move: keep Telegram's cache short.
CACHE_SECONDS = 10


def card_text(t: Translator, card: SharedCard) -> str:
    lines = [f"👤 <b>{escape(card.name)}</b>" + (f" · {escape(card.company)}" if card.company else "")]
    lines.append(owner_line(t, owner=card.owner, tier=card.tier, stage=card.stage))
    lines.append(t.gettext("Shared from FieldCRM"))
    return "\n".join(lines)


def page_of(offset: str) -> int | None:
    """The page an offset asks for: "" is the first; one we never write (a crafted "²", 40 digits)
    asks for nothing more."""
    if not offset:
        return 0
    try:
        return PAGE.read(offset)
    except StaleButton:
        return None


def result(t: Translator, card: SharedCard) -> InlineQueryResultArticle:
    details = [
        card.company or "",
        t.gettext("Tier {tier}").format(tier=card.tier),
        label(t, STAGE_LABELS, card.stage),
    ]
    return InlineQueryResultArticle(
        id=str(card.id),
        title=card.name,
        description=" · ".join(part for part in details if part),
        input_message_content=InputTextMessageContent(card_text(t, card), parse_mode=ParseMode.HTML),
    )


async def answer(update: Update, context: CrmContext) -> None:
    query = update.inline_query
    assert query is not None
    t = context.t
    viewer = context.viewer
    if viewer is None or viewer.effective_role not in MAY_LOOK_UP:
        await query.answer(
            [],
            cache_time=0,
            is_personal=True,
            button=InlineQueryResultsButton(
                t.gettext("Open FieldCRM to get access"), start_parameter=ACCESS_PAYLOAD
            ),
        )
        return
    page = page_of(query.offset)
    if page is None:
        await query.answer([], cache_time=CACHE_SECONDS, is_personal=True, next_offset="")
        return
    async with context.work() as work:
        found = await inline_lookup.lookup(
            work.session, viewer=work.viewer, text=query.query, page=page, now=work.now
        )
    button = None
    if not found.cards and page == 0:
        button = InlineQueryResultsButton(
            t.gettext("No customer found: search in FieldCRM"), start_parameter=FIND_PAYLOAD
        )
    await query.answer(
        [result(t, card) for card in found.cards],
        cache_time=CACHE_SECONDS,
        is_personal=True,
        next_offset=str(found.next_page) if found.next_page is not None else "",
        button=button,
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(InlineQueryHandler(answer))
