"""/export: pick what (customers, visits, orders, feedback, tickets) and the format; get a document."""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext
from bot.services import exports
from bot.services.errors import NotAllowed, NoTeam
from bot.services.exports import ExportKind, FileFormat
from handlers.common.refusals import Refusals
from handlers.sheets import callbacks, export_sheets
from handlers.sheets.export_sheets import KIND_NAMES

# Telegram's limit for a document a bot sends.
MAX_DOCUMENT_MB = 50
MEGABYTE = 1024 * 1024
MAX_DOCUMENT_BYTES = MAX_DOCUMENT_MB * MEGABYTE
FORMAT_LABELS = {FileFormat.XLSX: "Excel (.xlsx)", FileFormat.CSV: "CSV"}


def _kinds_keyboard(t: Translator) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(t.gettext(KIND_NAMES[kind]), callback_data=callbacks.EXPORT_KIND.data(kind=kind))
        for kind in ExportKind
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def _formats_keyboard(kind: ExportKind) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label, callback_data=callbacks.EXPORT_FORMAT.data(kind=kind, file_format=file_format)
                )
                for file_format, label in FORMAT_LABELS.items()
            ]
        ]
    )


refusal = Refusals(
    (NoTeam, N_("Exports are for a team: join or create one first.")),
    otherwise=N_(
        "Exports are for managers and admins: they hold the whole team's customers. "
        "If you need one, ask your manager."
    ),
)


async def ask_what(update: Update, context: CrmContext) -> None:
    message = update.message
    assert message is not None
    t = context.t
    if not exports.may_export(context.me):
        await message.reply_text(refusal(t, NotAllowed()))
        return
    if context.me.team_id is None:
        await message.reply_text(refusal(t, NoTeam()))
        return
    await message.reply_text(t.gettext("What would you like to export?"), reply_markup=_kinds_keyboard(t))


async def kind_chosen(update: Update, context: CrmContext) -> None:
    query = update.callback_query
    assert query is not None
    t = context.t
    kind = ExportKind(callbacks.EXPORT_KIND.parse(query.data)["kind"])
    await query.answer()
    await query.edit_message_text(
        t.gettext("{what}: in which format?").format(what=t.gettext(KIND_NAMES[kind])),
        reply_markup=_formats_keyboard(kind),
    )


async def format_chosen(update: Update, context: CrmContext) -> None:
    """Query, audit and send: the rows the viewer may see, as a document in their language."""
    query = update.callback_query
    assert query is not None
    t = context.t
    args = callbacks.EXPORT_FORMAT.parse(query.data)
    kind, file_format = ExportKind(args["kind"]), FileFormat(args["file_format"])
    if not isinstance(query.message, Message):
        await query.answer(t.gettext("This button is out of date. Send /export again."), show_alert=True)
        return
    try:
        async with context.work() as work:
            now = work.now
            rows = await exports.export(
                work.session, viewer=work.viewer, kind=kind, file_format=file_format, now=now
            )
    except (NotAllowed, NoTeam) as error:
        await query.answer(refusal(t, error), show_alert=True)
        return
    await query.answer()
    what = t.gettext(KIND_NAMES[kind])
    if not rows:
        await query.edit_message_text(t.gettext("{what}: there is nothing to export yet.").format(what=what))
        return
    await query.edit_message_text(t.gettext("{what}: preparing the file…").format(what=what))
    data = await asyncio.to_thread(export_sheets.render, t, kind, file_format, rows)
    if len(data) > MAX_DOCUMENT_BYTES:
        await query.edit_message_text(
            t.gettext(
                "{what}: the file would be {size} MB, more than the {limit} MB Telegram lets a bot send."
            ).format(what=what, size=t.number(round(len(data) / MEGABYTE)), limit=t.number(MAX_DOCUMENT_MB))
        )
        return
    caption = t.ngettext(
        "{what}: {n} row, exported {when}.", "{what}: {n} rows, exported {when}.", len(rows)
    ).format(what=what, n=t.number(len(rows)), when=t.day_time(now))
    await query.message.reply_document(
        data,
        filename=export_sheets.file_name(t, kind, file_format, now),
        caption=caption,
    )
    await query.message.delete()


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("export", ask_what))
    application.add_handler(CallbackQueryHandler(kind_chosen, pattern=callbacks.EXPORT_KIND))
    application.add_handler(CallbackQueryHandler(format_chosen, pattern=callbacks.EXPORT_FORMAT))
