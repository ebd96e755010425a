"""/new: a guided dialog that adds a customer, one field at a time, behind the duplicate guard.

Name, company, phone, address, contact birthday, tier and tags; every optional step has Skip.
The whole team is checked for the same customer as soon as the name is typed, again after the phone
(no later answer changes who matches), and once more in the transaction that saves, in case a
colleague saved the same customer meanwhile. Another rep's match offers "Request transfer" (after the
phone, never "create anyway"); the rep's own match offers to open it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.domain.customer_fields import DEFAULT_TIER, TIERS, Field
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext
from bot.services import customer_records, customers, transfers
from bot.services.customer_records import DuplicateOfAnother, Lookalike
from bot.services.errors import NotAllowed, NoTeam, NotFound
from handlers.card import card
from handlers.card.callbacks import OPEN_CUSTOMER
from handlers.card.links import open_card_markup
from handlers.common import dialogs
from handlers.customer import callbacks, field_input
from handlers.customer.duplicate_offers import early_warning, final_offer

NAME, COMPANY, PHONE, ADDRESS, BIRTHDAY, TIER, TAGS, DUPLICATE, LOOKALIKE = range(9)
TIMEOUT = timedelta(minutes=15)

STEPS: tuple[tuple[int, Field], ...] = (
    (NAME, Field.NAME),
    (COMPANY, Field.COMPANY),
    (PHONE, Field.PHONE),
    (ADDRESS, Field.ADDRESS),
    (BIRTHDAY, Field.BIRTHDAY),
    (TIER, Field.TIER),
    (TAGS, Field.TAGS),
)
FIELD_OF = dict(STEPS)
NEXT = {state: STEPS[i + 1][0] if i + 1 < len(STEPS) else None for i, (state, _) in enumerate(STEPS)}
# The steps after which the team is searched for the same customer.
GUARDED = (NAME, PHONE)


class NewCustomerDraft(dialogs.Draft):
    """The answers so far; the field names are the JSON keys earlier releases wrote."""

    KEY = "new_customer"

    # Set at /new: where a phone without a country code is from, and the rep's language and time
    # zone for the note if the form times out.
    region: str = "CN"
    locale: str | None = None
    timezone: str | None = None
    state: int = NAME
    name: str | None = None
    company: str | None = None
    phone: str | None = None
    address: str | None = None
    birthday: date | None = None
    tier: str | None = None
    tags: tuple[str, ...] = ()
    # The rep's own lookalikes shown by the early guard (`offered`) and those they said this is not.
    offered: tuple[int, ...] = ()
    passed: tuple[int, ...] = ()

    def answer(self, field: Field, value: Any) -> None:
        setattr(self, field.value, value)

    def record(self) -> customer_records.Draft | None:
        """The customer to look for and create, once it has a name."""
        if self.name is None:
            return None
        return customer_records.Draft(
            name=self.name,
            company=self.company,
            phone=self.phone,
            address=self.address,
            birthday=self.birthday,
            tier=self.tier or DEFAULT_TIER,
            tags=list(self.tags),
        )


def _skip_row(state: int, t: Translator) -> list[InlineKeyboardButton]:
    """Skip names its step, so a Skip left on an earlier question cannot skip the current one."""
    return [
        InlineKeyboardButton(t.gettext("Skip"), callback_data=callbacks.NEW_SKIP.data(field=FIELD_OF[state])),
        InlineKeyboardButton(t.gettext("Cancel"), callback_data=callbacks.NEW_CANCEL.data()),
    ]


def _question(state: int, draft: NewCustomerDraft, t: Translator) -> tuple[str, InlineKeyboardMarkup | None]:
    name = draft.name or ""
    if state == NAME:
        return t.gettext("New customer. What is the customer's name?\n\n/cancel stops."), None
    if state == COMPANY:
        return t.gettext("Which company is {name} with?").format(name=name), InlineKeyboardMarkup(
            [_skip_row(state, t)]
        )
    if state == PHONE:
        text = t.gettext(
            "{name}'s phone number? Without a + and country code it is read as a number in {country}."
        ).format(name=name, country=field_input.country_name(draft.region, t))
        return text, InlineKeyboardMarkup([_skip_row(state, t)])
    if state == ADDRESS:
        return t.gettext("{name}'s address?").format(name=name), InlineKeyboardMarkup([_skip_row(state, t)])
    if state == BIRTHDAY:
        text = t.gettext(
            "The contact's birthday? For example 1990-05-17, 5/17, 5月17日 or 17 May; the year is optional."
        )
        return text, InlineKeyboardMarkup([_skip_row(state, t)])
    if state == TIER:
        tiers = [
            InlineKeyboardButton(tier, callback_data=callbacks.NEW_TIER.data(tier=tier)) for tier in TIERS
        ]
        text = t.gettext("Which tier is {name}? VIP, A, B or C; B if you skip.").format(name=name)
        return text, InlineKeyboardMarkup([tiers, _skip_row(state, t)])
    text = t.gettext("Tags for {name}? Separate them with commas or spaces, e.g. #wholesale, north.").format(
        name=name
    )
    return text, InlineKeyboardMarkup([_skip_row(state, t)])


async def _ask(update: Update, context: CrmContext, state: int) -> int:
    assert update.effective_chat is not None
    text, markup = _question(state, dialogs.load(context, NewCustomerDraft), context.t)
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)
    return state


async def start(update: Update, context: CrmContext) -> int:
    async with context.work() as work:
        region = await customers.team_region(work.session, viewer=work.viewer)
    me = context.me
    dialogs.keep(context, NewCustomerDraft(region=region, locale=me.locale, timezone=me.timezone))
    return await _ask(update, context, NAME)


async def typed(update: Update, context: CrmContext) -> int:
    """A typed answer to the current step: saved and on to the next, or explained and asked again."""
    assert update.message is not None
    assert update.message.text is not None
    draft = dialogs.load(context, NewCustomerDraft)
    state = draft.state
    field = FIELD_OF[state]
    today = context.now().astimezone(ZoneInfo(context.me.timezone)).date()
    parsed = field_input.parse(field, update.message.text, region=draft.region, today=today, t=context.t)
    if parsed.error is not None:
        text, markup = _question(state, draft, context.t)
        await update.message.reply_text(f"{parsed.error}\n\n{text}", reply_markup=markup)
        return state
    if parsed.note is not None:
        await update.message.reply_text(parsed.note)
    draft.answer(field, parsed.value)
    return await _advance(update, context, draft)


async def _advance(update: Update, context: CrmContext, draft: NewCustomerDraft) -> int:
    """After the name and the phone, warn at once of a customer the team may already have;
    otherwise (or when the rep carries on) ask the next step."""
    if draft.state in GUARDED:
        stopped = await _early_guard(update, context, draft)
        if stopped is not None:
            return stopped
    return await _next(update, context, draft)


async def _next(update: Update, context: CrmContext, draft: NewCustomerDraft) -> int:
    """Keep the answers and ask the next step, or, after the last, look for duplicates and save."""
    following = NEXT[draft.state]
    if following is not None:
        draft.state = following
    dialogs.keep(context, draft)
    if following is None:
        return await _finish(update, context)
    return await _ask(update, context, following)


async def skipped(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    draft = dialogs.load(context, NewCustomerDraft)
    field = callbacks.NEW_SKIP.parse(query.data)["field"]
    if field != FIELD_OF[draft.state] or draft.state == NAME:
        await query.answer(context.t.gettext("This button is no longer active."))
        return draft.state
    await query.answer()
    await query.edit_message_reply_markup(None)
    return await _advance(update, context, draft)


async def tier_pressed(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    tier = callbacks.NEW_TIER.parse(query.data)["tier"]
    draft = dialogs.load(context, NewCustomerDraft)
    if draft.state != TIER:
        await query.answer(context.t.gettext("This button is no longer active."))
        return draft.state
    await query.answer()
    await query.edit_message_reply_markup(None)
    draft.tier = tier
    return await _advance(update, context, draft)


async def not_text(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    draft = dialogs.load(context, NewCustomerDraft)
    state = draft.state
    text, markup = _question(state, draft, context.t)
    await update.message.reply_text(
        context.t.gettext("Please answer with text.") + "\n\n" + text, reply_markup=markup
    )
    return state


async def _early_guard(update: Update, context: CrmContext, draft: NewCustomerDraft) -> int | None:
    """The state to wait in when the team may already have this customer, else None.

    After the phone the matches are final: a colleague's customer can then only be asked for.
    """
    assert update.effective_chat is not None
    chat_id = update.effective_chat.id
    t = context.t
    record = draft.record()
    assert record is not None
    try:
        async with context.work() as work:
            found = await customer_records.lookalikes(work.session, viewer=work.viewer, draft=record)
    except NoTeam:
        dialogs.forget(context, NewCustomerDraft.KEY)
        await context.bot.send_message(chat_id, t.gettext("You need to be in a team to add customers."))
        return ConversationHandler.END
    fresh = [f for f in found if not f.visible or f.customer_id not in draft.passed]
    if not fresh:
        return None
    if draft.state == PHONE and any(not f.visible for f in fresh):
        return await _offer_final(update, context, draft, fresh)
    draft.offered = tuple(f.customer_id for f in fresh if f.visible)
    dialogs.keep(context, draft)
    text, markup = early_warning(fresh, after=FIELD_OF[draft.state], t=t)
    await context.bot.send_message(chat_id, text, reply_markup=markup)
    return LOOKALIKE


async def _offer_final(
    update: Update, context: CrmContext, draft: NewCustomerDraft, found: list[Lookalike]
) -> int:
    assert update.effective_chat is not None
    draft.state, draft.offered = DUPLICATE, ()
    dialogs.keep(context, draft)
    text, markup = final_offer(found, context.t)
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)
    return DUPLICATE


async def carry_on(update: Update, context: CrmContext) -> int:
    """The rep says the customer is a different one: the warning is not repeated for those shown."""
    query = update.callback_query
    assert query is not None
    draft = dialogs.load(context, NewCustomerDraft)
    field = callbacks.NEW_CONTINUE.parse(query.data)["field"]
    if field != FIELD_OF.get(draft.state):
        await query.answer(context.t.gettext("This button is no longer active."))
        return LOOKALIKE
    await query.answer()
    await query.edit_message_reply_markup(None)
    draft.passed, draft.offered = (*draft.passed, *draft.offered), ()
    return await _next(update, context, draft)


async def _finish(update: Update, context: CrmContext, *, anyway: bool = False) -> int:
    """The duplicate guard, then the save."""
    assert update.effective_chat is not None
    t = context.t
    draft = dialogs.load(context, NewCustomerDraft)
    record = draft.record()
    if record is None:
        await context.bot.send_message(update.effective_chat.id, t.gettext("Let's start again: /new"))
        return ConversationHandler.END
    customer_id: int | None = None
    try:
        async with context.work() as work:
            found = (
                []
                if anyway
                else await customer_records.lookalikes(work.session, viewer=work.viewer, draft=record)
            )
            # The rep already said this is not one of these (their own); a colleague's still stops it.
            found = [f for f in found if not f.visible or f.customer_id not in draft.passed]
            if not found:
                customer_id = await customer_records.create(
                    work.session, viewer=work.viewer, draft=record, now=work.now
                )
    except DuplicateOfAnother as duplicate:
        found = [duplicate.lookalike]
    except (NoTeam, NotAllowed):
        dialogs.forget(context, NewCustomerDraft.KEY)
        await context.bot.send_message(
            update.effective_chat.id, t.gettext("You need to be in a team to add customers.")
        )
        return ConversationHandler.END
    if found or customer_id is None:
        return await _offer_final(update, context, draft, found)
    dialogs.forget(context, NewCustomerDraft.KEY)
    await context.bot.send_message(
        update.effective_chat.id,
        t.gettext("Saved: {name} is now one of your customers.").format(name=record.name),
        reply_markup=open_card_markup(t, customer_id),
    )
    return ConversationHandler.END


async def create_anyway(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_reply_markup(None)
    return await _finish(update, context, anyway=True)


async def open_existing(update: Update, context: CrmContext) -> int:
    """The rep picked the existing customer: the draft is dropped and the card opened."""
    query = update.callback_query
    assert query is not None
    customer_id = OPEN_CUSTOMER.parse(query.data)["customer_id"]
    dialogs.forget(context, NewCustomerDraft.KEY)
    await query.answer()
    await query.edit_message_reply_markup(None)
    await card.send_card(update, context, customer_id)
    return ConversationHandler.END


async def transfer_requested(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    t = context.t
    customer_id = callbacks.NEW_TRANSFER.parse(query.data)["customer_id"]
    # The service asks again whether this customer matches what was typed: a crafted id is refused.
    draft = dialogs.load(context, NewCustomerDraft)
    waiting = DUPLICATE if draft.state == DUPLICATE else LOOKALIKE
    record = draft.record()
    if record is None:
        await query.answer(t.gettext("This button is no longer active."), show_alert=True)
        return waiting
    try:
        async with context.work() as work:
            result = await transfers.request_transfer(
                work.session,
                viewer=work.viewer,
                customer_id=customer_id,
                draft=record,
                now=work.now,
            )
            await work.push(result.pushes)
    except (NotFound, NotAllowed, NoTeam):
        await query.answer(t.gettext("This button is no longer active."), show_alert=True)
        return waiting
    dialogs.forget(context, NewCustomerDraft.KEY)
    await query.answer()
    if result.managers_told == 0:
        text = t.gettext(
            "I couldn't reach a manager of your team. "
            "Please ask them directly to transfer {customer} to you. Nothing was created."
        ).format(customer=result.customer_name)
    elif result.already_asked:
        text = t.gettext(
            "You have already asked for {customer}; your manager has it. Nothing was created."
        ).format(customer=result.customer_name)
    else:
        text = t.gettext(
            "Done: your manager has been asked to transfer {customer} to you. Nothing was created."
        ).format(customer=result.customer_name)
    await query.edit_message_text(text)
    return ConversationHandler.END


PRESS_A_BUTTON = N_("Please press one of the buttons above, or send /cancel.")
waiting_for_button = dialogs.nudge(PRESS_A_BUTTON, DUPLICATE)
waiting_for_warning = dialogs.nudge(PRESS_A_BUTTON, LOOKALIKE)
cancelled = dialogs.canceller(N_("Cancelled. Nothing was saved."), NewCustomerDraft.KEY)


def _timeout_text(t: Translator) -> str:
    return t.gettext(
        "The new customer form was closed after {minutes} minutes without an answer; "
        "nothing was saved. /new starts again."
    ).format(minutes=int(TIMEOUT.total_seconds() // 60))


timed_out = dialogs.timeout_note(_timeout_text, NewCustomerDraft.KEY, in_draft_language=True)


def register(application: Application) -> None:  # type: ignore[type-arg]
    text = filters.TEXT & ~filters.COMMAND
    step = [
        MessageHandler(text, typed),
        CallbackQueryHandler(skipped, pattern=callbacks.NEW_SKIP),
        CallbackQueryHandler(cancelled, pattern=callbacks.NEW_CANCEL),
        MessageHandler(~filters.COMMAND, not_text),
    ]
    states: dict[object, list[Any]] = {state: list(step) for state, _ in STEPS}
    states[TIER] = [CallbackQueryHandler(tier_pressed, pattern=callbacks.NEW_TIER), *step]
    states[DUPLICATE] = [
        CallbackQueryHandler(transfer_requested, pattern=callbacks.NEW_TRANSFER),
        CallbackQueryHandler(create_anyway, pattern=callbacks.NEW_ANYWAY),
        CallbackQueryHandler(open_existing, pattern=OPEN_CUSTOMER),
        CallbackQueryHandler(cancelled, pattern=callbacks.NEW_CANCEL),
        MessageHandler(~filters.COMMAND, waiting_for_button),
    ]
    states[LOOKALIKE] = [
        CallbackQueryHandler(carry_on, pattern=callbacks.NEW_CONTINUE),
        CallbackQueryHandler(transfer_requested, pattern=callbacks.NEW_TRANSFER),
        CallbackQueryHandler(open_existing, pattern=OPEN_CUSTOMER),
        CallbackQueryHandler(cancelled, pattern=callbacks.NEW_CANCEL),
        MessageHandler(~filters.COMMAND, waiting_for_warning),
    ]
    application.add_handler(
        dialogs.conversation(
            "new_customer",
            entry_points=[CommandHandler("new", start)],
            states=states,
            cancel=cancelled,
            timed_out=timed_out,
            timeout=TIMEOUT,
        )
    )
