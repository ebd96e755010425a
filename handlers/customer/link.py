"""The customer's personal link: a rep shows it as a QR code or sends it on; `/start c_<token>` opens it,
and the owner hears that the customer is now connected."""

from __future__ import annotations

import io
from html import escape

import segno
from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler

from bot.i18n import Translator
from bot.outbox import payloads
from bot.runtime.context import CrmContext
from bot.runtime.pushes import Payload, render_with
from bot.services import linking
from bot.services.linking import CustomerLinked, Linking, LinkOutcome
from bot.services.visibility import NotVisible
from handlers.card.links import open_customer_markup
from handlers.common import menu
from handlers.common.refusals import not_visible_text
from handlers.customer import callbacks

QR_SCALE = 10


def qr_png(url: str) -> bytes:
    """A QR code a phone camera reads off another phone's screen: generous scale and quiet zone."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=QR_SCALE, border=4)
    return buffer.getvalue()


def link_caption(t: Translator, *, customer: str, url: str, had_account: bool) -> str:
    lines = [
        t.gettext("🔗 Personal link for {customer}").format(customer=f"<b>{escape(customer)}</b>"),
        "",
        url,
        "",
        t.gettext(
            "Let them scan the code with their phone camera, or send them the link. "
            "It works once, and this new link replaces any earlier one."
        ),
    ]
    if had_account:
        lines += [
            "",
            t.gettext("They are already connected; opening this link on another phone moves them there."),
        ]
    return "\n".join(lines)


async def send_link(update: Update, context: CrmContext) -> None:
    query = update.callback_query
    assert query is not None
    chat = update.effective_chat
    assert chat is not None
    customer_id = callbacks.CUSTOMER_LINK.parse(query.data)["customer_id"]
    t = context.t
    try:
        async with context.work() as work:
            issued = await linking.issue_link(
                work.session, viewer=work.viewer, customer_id=customer_id, now=work.now
            )
    except NotVisible:
        await query.answer(not_visible_text(t), show_alert=True)
        return
    await query.answer()
    url = f"https://t.me/{context.bot.username}?start={linking.PAYLOAD_PREFIX}{issued.token}"
    await context.bot.send_photo(
        chat.id,
        InputFile(qr_png(url), filename=t.gettext("QR code") + ".png"),
        caption=link_caption(t, customer=issued.customer_name, url=url, had_account=issued.had_account),
        parse_mode=ParseMode.HTML,
    )


def linking_text(t: Translator, result: Linking) -> str:
    if result.outcome is LinkOutcome.INVALID:
        return t.gettext(
            "This link is not valid any more: it was used already or replaced by a newer one. "
            "Please ask your sales contact for a new link."
        )
    if result.outcome is LinkOutcome.STAFF:
        return t.gettext(
            "This is a customer's personal link, and you use FieldCRM as staff, so it was not used. "
            "Give it to the customer to open on their own phone."
        )
    if result.outcome is LinkOutcome.ALREADY:
        return t.gettext("You are already connected as {customer}. /help shows what you can do here.").format(
            customer=result.customer_name
        )
    greeting = t.gettext(
        "Welcome, {customer}! You are now connected with {team}. After a visit we may ask you for a quick "
        "rating, and anything you send here reaches your sales contact."
    ).format(customer=result.customer_name, team=result.team_name)
    if result.outcome is LinkOutcome.MOVED:
        greeting += "\n\n" + t.gettext("This account is no longer connected as {previous}.").format(
            previous=result.previous_customer
        )
    return greeting


async def open_link(update: Update, context: CrmContext, payload: str) -> None:
    """Called by /start for a `c_` payload."""
    assert update.message is not None
    async with context.work() as work:
        result = await linking.open_link(work.session, viewer=work.viewer, payload=payload, now=work.now)
        await work.push(result.pushes)
    context.set_viewer(result.viewer)
    t = context.t
    await update.message.reply_text(linking_text(t, result))
    await menu.set_user_menu(context.application, update.message.chat_id, result.viewer.effective_role, t)


def linked_payload(notice: CustomerLinked, t: Translator) -> Payload:
    """The owner's news that their customer is now connected."""
    text = t.gettext(
        "🔗 {customer} is now connected on Telegram: visit surveys and answers to their complaints "
        "reach them here."
    ).format(customer=f"<b>{escape(notice.customer_name)}</b>")
    return payloads.message(text, open_customer_markup(t, notice.customer_id))


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CallbackQueryHandler(send_link, pattern=callbacks.CUSTOMER_LINK))
    render_with(application, CustomerLinked, linked_payload)
