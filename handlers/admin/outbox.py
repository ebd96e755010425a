"""/outbox for admins: what is waiting to be sent, what could not be delivered, and a retry."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.domain.enums import OutboxStatus
from bot.domain.text import one_line
from bot.i18n import Translator
from bot.runtime.context import CrmContext
from bot.runtime.pushes import render_with
from bot.services import dead_letters
from bot.services.dead_letters import DeadLetter, OutboxState, Undelivered
from handlers.admin import callbacks
from handlers.admin import dead_letters as dead_letters_notice

SHOWN = 10
ERROR_PREVIEW = 80


def dead_line(t: Translator, letter: DeadLetter) -> str:
    who = escape(letter.recipient) if letter.recipient else str(letter.chat_id)
    if dead_letters.blocked(letter):
        why = t.gettext("blocked the bot")
    else:
        why = escape(one_line(letter.last_error or "—", ERROR_PREVIEW))
    return t.gettext("#{id} {kind} → {who} · {when} · {why}").format(
        id=letter.id, kind=escape(letter.kind), who=who, when=t.day_time(letter.created_at), why=why
    )


def report(t: Translator, state: OutboxState) -> str:
    counts, letters = state.counts, state.dead
    lines = [
        t.gettext("📮 Outbox: {pending} waiting, {sending} being sent, {dead} undelivered.").format(
            pending=t.number(counts.get(OutboxStatus.PENDING, 0)),
            sending=t.number(counts.get(OutboxStatus.SENDING, 0)),
            dead=t.number(counts.get(OutboxStatus.DEAD, 0)),
        )
    ]
    if letters:
        lines += ["", t.gettext("Undelivered, newest first:")]
        lines += [f"• {dead_line(t, letter)}" for letter in letters]
        lines += ["", t.gettext("Retry sends them again, except to people who blocked the bot.")]
    return "\n".join(lines)


async def show(update: Update, context: CrmContext) -> None:
    assert update.message is not None
    t = context.t
    async with context.work() as work:
        state = await dead_letters.outbox_state(work.session, shown=SHOWN)
    keyboard = (
        InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t.gettext("🔁 Retry undelivered"), callback_data=callbacks.RETRY_OUTBOX.data()
                    )
                ]
            ]
        )
        if state.dead
        else None
    )
    await update.message.reply_text(report(t, state), parse_mode=ParseMode.HTML, reply_markup=keyboard)


async def retry(update: Update, context: CrmContext) -> None:
    """Queue the undelivered pushes again and show the outbox as that left it (one transaction)."""
    query = update.callback_query
    assert query is not None
    t = context.t
    async with context.work() as work:
        revived = await dead_letters.retry_undelivered(work.session, now=work.now)
        state = await dead_letters.outbox_state(work.session, shown=SHOWN)
    await query.answer(
        t.ngettext("{n} push queued again.", "{n} pushes queued again.", revived).format(n=revived)
    )
    await query.edit_message_text(report(t, state), parse_mode=ParseMode.HTML)


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("outbox", show))
    application.add_handler(CallbackQueryHandler(retry, pattern=callbacks.RETRY_OUTBOX))
    render_with(application, Undelivered, dead_letters_notice.notice_payload)
