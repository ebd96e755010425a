"""Editing a customer from the profile card's ✏️ Edit: pick a field, send the new value.

Who may edit is re-checked on every step (a rep their own customers, a manager the team's), so
a crafted or stale button changes nothing. Every change is written to the audit log.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.domain import phones
from bot.domain.customer_fields import TIERS, Field
from bot.domain.text import join_list
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext, Work
from bot.services import customer_records, customers
from bot.services.visibility import NotVisible
from handlers.card import card
from handlers.common import dialogs
from handlers.common.refusals import not_visible_text
from handlers.customer import callbacks, field_input

PICK, VALUE = range(2)
TIMEOUT = timedelta(minutes=15)
OPTIONAL = (Field.COMPANY, Field.PHONE, Field.ADDRESS, Field.BIRTHDAY, Field.TAGS)


class EditDraft(dialogs.Draft):
    """Which customer is being edited and which field the next answer is for; the field names are
    the JSON keys earlier releases wrote."""

    KEY = "edit_customer"

    id: int | None = None
    # The editor's language, for the note if the edit times out.
    locale: str | None = None
    field: Field | None = None


# Whether the field changed, or why it could not be.
Outcome = bool | NotVisible | customer_records.PhoneTaken


def _shown(field: Field, value: Any, t: Translator, *, is_owner: bool) -> str:
    """The current value as the card shows it: a phone in full to its owner only."""
    if value in (None, "", []):
        return "—"
    if field is Field.PHONE:
        return phones.display(str(value)) if is_owner else phones.mask(str(value))
    if field is Field.BIRTHDAY and isinstance(value, date):
        return field_input.birthday_text(value, t)
    if field is Field.TAGS:
        return join_list((f"#{tag}" for tag in value), t.locale)
    return str(value)


def _cancel_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(t.gettext("Cancel"), callback_data=callbacks.EDIT_CANCEL.data())


async def start(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    assert update.effective_chat is not None
    t = context.t
    customer_id = callbacks.EDIT_CUSTOMER.parse(query.data)["customer_id"]
    try:
        async with context.work() as work:
            record = await customer_records.editable(
                work.session, viewer=work.viewer, customer_id=customer_id
            )
    except NotVisible:
        await query.answer(not_visible_text(t), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    dialogs.keep(context, EditDraft(id=record.customer_id, locale=context.me.locale))
    cid = record.customer_id
    buttons = [
        InlineKeyboardButton(
            field_input.field_label(field, t),
            callback_data=callbacks.EDIT_FIELD.data(customer_id=cid, field=field),
        )
        for field in Field
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_cancel_button(t)])
    await context.bot.send_message(
        update.effective_chat.id,
        t.gettext("What would you like to change for {name}?").format(name=record.name),
        reply_markup=InlineKeyboardMarkup(rows),
    )
    return PICK


async def field_picked(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    t = context.t
    args = callbacks.EDIT_FIELD.parse(query.data)
    customer_id, field = args["customer_id"], Field(args["field"])
    draft = dialogs.load(context, EditDraft)
    if draft.id != customer_id:
        await query.answer(t.gettext("This button is no longer active."), show_alert=True)
        return PICK
    try:
        async with context.work() as work:
            record = await customer_records.editable(
                work.session, viewer=work.viewer, customer_id=customer_id
            )
    except NotVisible:
        dialogs.forget(context, EditDraft.KEY)
        await query.answer(not_visible_text(t), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    draft.field = field
    dialogs.keep(context, draft)
    rows: list[list[InlineKeyboardButton]] = []
    if field is Field.TIER:
        rows.append(
            [InlineKeyboardButton(tier, callback_data=callbacks.EDIT_TIER.data(tier=tier)) for tier in TIERS]
        )
    if field in OPTIONAL and record.values.get(field) not in (None, "", []):
        rows.append([InlineKeyboardButton(t.gettext("Clear"), callback_data=callbacks.EDIT_CLEAR.data())])
    rows.append([_cancel_button(t)])
    await query.edit_message_text(
        t.gettext("{field} of {name} is now: {value}\nSend the new value.").format(
            field=field_input.field_label(field, t),
            name=record.name,
            value=_shown(field, record.values.get(field), t, is_owner=record.is_owner),
        ),
        reply_markup=InlineKeyboardMarkup(rows),
    )
    return VALUE


async def value_typed(update: Update, context: CrmContext) -> int:
    message = update.message
    assert message is not None
    assert message.text is not None
    t = context.t
    draft = dialogs.load(context, EditDraft)
    if draft.field is None:
        await message.reply_text(t.gettext("Please pick a field above, or send /cancel."))
        return PICK
    field = draft.field
    outcome: Outcome = False
    try:
        # The team's phone region to read the value by, and the change, in one transaction.
        async with context.work() as work:
            region = await customers.team_region(work.session, viewer=work.viewer)
            today = work.now.astimezone(ZoneInfo(work.viewer.timezone)).date()
            parsed = field_input.parse(field, message.text, region=region, today=today, t=t)
            if parsed.error is None:
                outcome = await _change(work, draft, field, parsed.value)
    except (NotVisible, customer_records.PhoneTaken) as refused:
        outcome = refused
    if parsed.error is not None:
        await message.reply_text(parsed.error + "\n\n" + t.gettext("Send the new value, or /cancel."))
        return VALUE
    if parsed.note is not None:
        await message.reply_text(parsed.note)
    return await _told(update, context, draft, field, outcome)


async def tier_pressed(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    tier = callbacks.EDIT_TIER.parse(query.data)["tier"]
    draft = dialogs.load(context, EditDraft)
    if draft.field is not Field.TIER:
        await query.answer(context.t.gettext("This button is no longer active."))
        return VALUE
    await query.answer()
    await query.edit_message_reply_markup(None)
    return await _save(update, context, draft, Field.TIER, tier)


async def cleared(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    draft = dialogs.load(context, EditDraft)
    field = draft.field
    if field is None or field not in OPTIONAL:
        await query.answer(context.t.gettext("This button is no longer active."))
        return VALUE
    await query.answer()
    await query.edit_message_reply_markup(None)
    return await _save(update, context, draft, field, [] if field is Field.TAGS else None)


async def _change(work: Work, draft: EditDraft, field: Field, value: Any) -> bool:
    return await customer_records.update_field(
        work.session,
        viewer=work.viewer,
        customer_id=draft.id or 0,
        field_name=field,
        value=value,
        now=work.now,
    )


async def _save(update: Update, context: CrmContext, draft: EditDraft, field: Field, value: Any) -> int:
    """A pressed value (a tier, or Clear): the change in one transaction, then what came of it."""
    outcome: Outcome
    try:
        async with context.work() as work:
            outcome = await _change(work, draft, field, value)
    except (NotVisible, customer_records.PhoneTaken) as refused:
        outcome = refused
    return await _told(update, context, draft, field, outcome)


async def _told(update: Update, context: CrmContext, draft: EditDraft, field: Field, outcome: Outcome) -> int:
    """Say whether the field changed, then show the card; the edit ends either way."""
    assert update.effective_chat is not None
    t = context.t
    dialogs.forget(context, EditDraft.KEY)
    customer_id = draft.id or 0
    if isinstance(outcome, NotVisible):
        await context.bot.send_message(update.effective_chat.id, not_visible_text(t))
        return ConversationHandler.END
    if isinstance(outcome, customer_records.PhoneTaken):
        await context.bot.send_message(update.effective_chat.id, phone_taken_text(outcome, t))
        await card.send_card(update, context, customer_id)
        return ConversationHandler.END
    label = field_input.field_label(field, t)
    text = (
        t.gettext("Saved: {field} changed.").format(field=label)
        if outcome
        else t.gettext("{field} was already like that; nothing changed.").format(field=label)
    )
    await context.bot.send_message(update.effective_chat.id, text)
    await card.send_card(update, context, customer_id)
    return ConversationHandler.END


def phone_taken_text(taken: customer_records.PhoneTaken, t: Translator) -> str:
    if taken.owner_name:
        return t.gettext(
            "Not saved: {customer}, a customer of {owner}, already has this number. "
            "Ask your manager if the customer should move to you."
        ).format(customer=taken.customer_name, owner=taken.owner_name)
    return t.gettext("Not saved: {customer} already has this number.").format(customer=taken.customer_name)


not_text = dialogs.nudge(N_("Please answer with text, or send /cancel."), VALUE)
waiting_for_pick = dialogs.nudge(N_("Please pick a field above, or send /cancel."), PICK)
cancelled = dialogs.canceller(N_("Cancelled. Nothing was changed."), EditDraft.KEY)


def _timeout_text(t: Translator) -> str:
    return t.gettext(
        "The edit was closed after {minutes} minutes without an answer; nothing was changed."
    ).format(minutes=int(TIMEOUT.total_seconds() // 60))


timed_out = dialogs.timeout_note(_timeout_text, EditDraft.KEY, in_draft_language=True)


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(
        dialogs.conversation(
            "edit_customer",
            entry_points=[CallbackQueryHandler(start, pattern=callbacks.EDIT_CUSTOMER)],
            states={
                PICK: [
                    CallbackQueryHandler(field_picked, pattern=callbacks.EDIT_FIELD),
                    CallbackQueryHandler(cancelled, pattern=callbacks.EDIT_CANCEL),
                    MessageHandler(~filters.COMMAND, waiting_for_pick),
                ],
                VALUE: [
                    MessageHandler(filters.TEXT & ~filters.COMMAND, value_typed),
                    CallbackQueryHandler(tier_pressed, pattern=callbacks.EDIT_TIER),
                    CallbackQueryHandler(cleared, pattern=callbacks.EDIT_CLEAR),
                    CallbackQueryHandler(cancelled, pattern=callbacks.EDIT_CANCEL),
                    MessageHandler(~filters.COMMAND, not_text),
                ],
            },
            cancel=cancelled,
            timed_out=timed_out,
            timeout=TIMEOUT,
        )
    )
