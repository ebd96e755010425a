"""Importing customers: a manager sends a CSV or XLSX file, sees a preview, confirms or cancels.

Only a small note of the pending import lives in user_data (JSON, so it survives a restart):
the file's Telegram file_id and the counts shown. Confirm downloads the file again, checks it
again and applies it only if the outcome is still what the manager saw. The note is dropped as
soon as Confirm or Cancel is handled, so a second press gets a clear answer instead of a second
import.

Reading and checking a file runs beside the updates (bot.runtime.background), one file per manager at a
time: the handler answers "Reading…" and returns, so nobody else waits for a big or hostile file.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from datetime import date
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.domain.import_plan import Counts, Plan
from bot.domain.import_rows import COLUMN_LABELS, Column
from bot.domain.roles import Role
from bot.domain.spreadsheets import TableError, looks_like_table, write_xlsx
from bot.i18n import LOCALES, Translator
from bot.runtime import background
from bot.runtime.context import CrmContext
from bot.services import imports
from bot.services.errors import NotAllowed, NoTeam
from bot.services.imports import CheckedFile, HeadersNotFound, NoRows, PlanChanged, Setup, SheetFile
from handlers.common import fallback
from handlers.common.dialogs import Draft, forget, keep, load
from handlers.common.refusals import Refusals, command_refusal
from handlers.sheets import callbacks
from handlers.sheets import import_text as text
from handlers.sheets.export_sheets import CUSTOMER_EXTRA_LABELS

log = logging.getLogger(__name__)

# The token of the last preview confirmed, so a second press hears it was applied.
APPLIED = "import_applied"
# Telegram's Bot API lets a bot download files of up to 20 MB.
DOWNLOAD_LIMIT_MB = 20
MEGABYTE = 1024 * 1024
# Progress is edited in place at most this often (seconds), and only for files this big.
PROGRESS_EVERY = 1.0
PROGRESS_FROM_ROWS = imports.CHECK_CHUNK
STAFF = (Role.REP, Role.MANAGER, Role.ADMIN)


class PendingImport(Draft):
    """The preview a manager may confirm: the token its buttons carry, the file to read again and
    the counts it showed."""

    KEY = "import_pending"
    token: str = ""
    file_id: str = ""
    file_name: str = ""
    counts: tuple[int, ...] = ()


def _translators(context: CrmContext) -> list[Translator]:
    return [context.translator_for(locale) for locale in LOCALES]


def _aliases(context: CrmContext) -> dict[Column, set[str]]:
    """Our own header labels in every language, so any export reads back whatever its language."""
    return {
        column: {t.gettext(label) for t in _translators(context)} for column, label in COLUMN_LABELS.items()
    }


def _known_extra(context: CrmContext) -> set[str]:
    translators = _translators(context)
    return text.known_extra(translators) | {
        t.gettext(label) for t in translators for label in CUSTOMER_EXTRA_LABELS
    }


def _keyboard(t: Translator, token: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("Confirm import"), callback_data=callbacks.CONFIRM_IMPORT.data(token=token)
                ),
                InlineKeyboardButton(
                    t.gettext("Cancel"), callback_data=callbacks.CANCEL_IMPORT.data(token=token)
                ),
            ]
        ]
    )


class _Progress:
    """Edits one status message in place as chunks are checked, no more than once a second."""

    def __init__(self, status: Message, t: Translator) -> None:
        self.status = status
        self.t = t
        self.last = 0.0

    async def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_FROM_ROWS or done == total or time.monotonic() - self.last < PROGRESS_EVERY:
            return
        self.last = time.monotonic()
        await _edit(self.status, text.checking(self.t, done, total))


async def _edit(status: Message, message: str, markup: InlineKeyboardMarkup | None = None) -> None:
    try:
        await status.edit_text(message, reply_markup=markup)
    except BadRequest as exc:
        # "message is not modified" after a repeated progress figure is harmless.
        if "not modified" not in str(exc).lower():
            raise


class FileGone(Exception):
    """Telegram no longer serves the file the preview was made from."""


async def _download(context: CrmContext, file_id: str) -> bytes:
    try:
        telegram_file = await context.bot.get_file(file_id)
    except BadRequest as exc:
        raise FileGone(file_id) from exc
    return bytes(await telegram_file.download_as_bytearray())


def _today(context: CrmContext) -> date:
    return context.now().astimezone(ZoneInfo(context.me.timezone)).date()


async def _read_and_check(
    context: CrmContext, status: Message, *, file_id: str, file_name: str
) -> tuple[Setup, SheetFile, CheckedFile]:
    async with context.work() as work:
        setup = await imports.setup(work.session, viewer=work.viewer)
    data = await _download(context, file_id)
    sheet = await imports.read(file_name, data, aliases=_aliases(context), known_extra=_known_extra(context))
    checked = await imports.check(sheet, setup, today=_today(context), progress=_Progress(status, context.t))
    return setup, sheet, checked


EXPECTED = (TableError, HeadersNotFound, NoRows, NotAllowed, NoTeam, FileGone)


# The message for one of the EXPECTED failures.
_refusal = Refusals(
    (
        TableError,
        lambda t, error: text.table_problem(
            t, error.problem, max_rows=imports.MAX_ROWS, limits=imports.LIMITS
        ),
    ),
    (HeadersNotFound, lambda t, error: text.headers_not_found(t, error.problem)),
    (NoRows, text.NO_ROWS_TEXT),
    (NoTeam, text.NO_TEAM_TEXT),
    (NotAllowed, text.ONLY_MANAGERS_TEXT),
    otherwise=text.FILE_GONE_TEXT,
)


async def _show_preview(
    context: CrmContext, status: Message, *, sheet: SheetFile, plan: Plan, file_id: str, file_name: str
) -> None:
    """The preview in the status message; the rejected rows as a file under it; the note to confirm."""
    t = context.t
    counts = plan.counts
    body = text.preview(
        t,
        file_name=file_name,
        counts=counts,
        unowned=plan.unowned,
        rejected=plan.rejected,
        ignored=sheet.headers.ignored,
    )
    forget(context, PendingImport.KEY)
    markup = None
    if counts.new or counts.updated:
        token = secrets.token_urlsafe(6)
        keep(
            context,
            PendingImport(token=token, file_id=file_id, file_name=file_name, counts=tuple(counts.as_list())),
        )
        markup = _keyboard(t, token)
    await _edit(status, body, markup)
    if plan.rejected:
        data = await asyncio.to_thread(
            text.rejected_file,
            t,
            kind=sheet.kind,
            header=sheet.header_cells,
            width=sheet.headers.width,
            rejected=plan.rejected,
        )
        await status.reply_document(
            data,
            filename=text.rejected_file_name(t, file_name, sheet.kind),
            caption=text.rejected_caption(t),
        )


async def document_sent(update: Update, context: CrmContext) -> None:
    """A file from a staff member: a manager's spreadsheet is previewed; others are told why not."""
    message = update.message
    assert message is not None
    assert message.document is not None
    viewer = context.viewer
    t = context.t
    document = message.document
    role = viewer.effective_role if viewer is not None else None
    if role not in STAFF or (role is not Role.MANAGER and not looks_like_table(document.file_name)):
        await fallback.not_understood(update, context)
        return
    if role is Role.ADMIN:
        # An admin has no manager to send the file to: say who imports and how to get one.
        await message.reply_text(command_refusal(t, "import", role))
        return
    if role is not Role.MANAGER:
        await message.reply_text(t.gettext(text.ONLY_MANAGERS_TEXT))
        return
    limit_mb = min(DOWNLOAD_LIMIT_MB, context.settings.max_upload_mb)
    if (document.file_size or 0) > limit_mb * MEGABYTE:
        await message.reply_text(
            text.too_big(t, size_mb=(document.file_size or 0) / MEGABYTE, limit_mb=limit_mb)
        )
        return
    user_id = _sender_id(update)
    if background.busy(context.application, user_id):
        await message.reply_text(text.still_working(t))
        return
    file_name = document.file_name or t.gettext("file")
    status = await message.reply_text(text.reading(t, file_name))
    background.start(
        context.application,
        user_id,
        _preview(context, status, file_id=document.file_id, file_name=file_name),
        update=update,
        name="import preview",
    )


def _sender_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def _preview(context: CrmContext, status: Message, *, file_id: str, file_name: str) -> None:
    """Read and check the file, then show what confirming would do (beside the updates)."""
    t = context.t
    try:
        setup, sheet, checked = await _read_and_check(context, status, file_id=file_id, file_name=file_name)
        async with context.work() as work:
            plan = await imports.preview(work.session, viewer=work.viewer, setup=setup, checked=checked)
    except EXPECTED as error:
        await _edit(status, _refusal(t, error))
        return
    except Exception:
        await _safely_edit(status, text.failed(t))
        raise
    await _show_preview(context, status, sheet=sheet, plan=plan, file_id=file_id, file_name=file_name)


async def confirmed(update: Update, context: CrmContext) -> None:
    """Confirm import under a preview."""
    await _pressed(update, context, confirm=True)


async def cancelled(update: Update, context: CrmContext) -> None:
    """Cancel under a preview."""
    await _pressed(update, context, confirm=False)


async def _pressed(update: Update, context: CrmContext, *, confirm: bool) -> None:
    """Only the buttons of this user's current preview act: the token is kept in their own user_data."""
    query = update.callback_query
    assert query is not None
    assert context.user_data is not None
    t = context.t
    token = (callbacks.CONFIRM_IMPORT if confirm else callbacks.CANCEL_IMPORT).parse(query.data)["token"]
    if background.busy(context.application, _sender_id(update)):
        await query.answer(text.still_working(t), show_alert=True)
        return
    pending = load(context, PendingImport)
    if pending.token != token:
        done = context.user_data.get(APPLIED) == token
        await query.answer(text.already_applied(t) if done else text.stale(t), show_alert=True)
        return
    forget(context, PendingImport.KEY)
    await query.answer()
    status = query.message
    assert isinstance(status, Message)
    if not confirm:
        await _edit(status, text.cancelled(t))
        return
    background.start(
        context.application,
        _sender_id(update),
        _confirm(context, status, pending, token=token),
        update=update,
        name="import",
    )


async def _confirm(context: CrmContext, status: Message, pending: PendingImport, *, token: str) -> None:
    assert context.user_data is not None
    t = context.t
    file_id, file_name = pending.file_id, pending.file_name
    await _edit(status, text.importing(t, file_name))
    try:
        setup, sheet, checked = await _read_and_check(context, status, file_id=file_id, file_name=file_name)
        await _edit(status, text.saving(t))
        async with context.work() as work:
            plan = await imports.apply(
                work.session,
                viewer=work.viewer,
                setup=setup,
                checked=checked,
                expected=Counts(*pending.counts),
                file_name=file_name,
                now=work.now,
            )
    except PlanChanged as changed:
        await _show_preview(
            context, status, sheet=sheet, plan=changed.plan, file_id=file_id, file_name=file_name
        )
        await status.reply_text(text.changed_since_preview(t))
        return
    except EXPECTED as error:
        log.info("import of %s refused on confirmation: %r", file_name, error)
        await _edit(status, _refusal(t, error))
        return
    except Exception:
        await _safely_edit(status, text.failed(t))
        raise
    context.user_data[APPLIED] = token
    await _edit(status, text.finished(t, file_name=file_name, counts=plan.counts))


async def _safely_edit(status: Message, message: str) -> None:
    try:
        await status.edit_text(message)
    except TelegramError:
        log.warning("could not say that an import stopped")


async def show_help(update: Update, context: CrmContext) -> None:
    """/import: how to import, and a template with the headers in the manager's language."""
    message = update.message
    assert message is not None
    t = context.t
    await message.reply_text(
        t.gettext(
            "To import customers, send me an Excel (.xlsx) or CSV file: one customer per row, under a "
            "header row in English or Chinese.\n\n"
            "Columns: {columns}. Only the name is required.\n"
            "• Phone numbers without a country code are read as numbers of your team's country.\n"
            "• Tier: VIP, A, B or C. Tags: separated by commas.\n"
            "• Owner: a team member's name or @username. New customers without one are yours.\n"
            "• A row with the phone number (or else the exact name) of a customer you have updates "
            "that customer: filled cells replace what is stored, empty cells change nothing.\n\n"
            "You get a preview first; nothing changes until you confirm. Here is a template."
        ).format(columns=text.column_list(t, Column))
    )
    template = write_xlsx(
        [t.gettext(label) for label in COLUMN_LABELS.values()], [], title=t.gettext("Customers")
    )
    await message.reply_document(template, filename=t.gettext("FieldCRM import template") + ".xlsx")


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("import", show_help))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.Document.ALL, document_sent))
    application.add_handler(CallbackQueryHandler(confirmed, pattern=callbacks.CONFIRM_IMPORT))
    application.add_handler(CallbackQueryHandler(cancelled, pattern=callbacks.CANCEL_IMPORT))
