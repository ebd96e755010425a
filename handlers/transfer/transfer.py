"""Single customers changing hands: 🔁 Transfer on a manager's card, and the manager's ✅ Approve /
✖ Refuse under a rep's transfer request from the duplicate guard. Both go through the one service
that moves customers (bot/services/ownership.py), as /handover does."""

from __future__ import annotations

from functools import partial
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler

from bot.domain.enums import TransferStatus
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext
from bot.services import handover, transfers
from bot.services.errors import NotAllowed, NotFound
from bot.services.transfers import Decision
from handlers.card.links import open_customer_markup
from handlers.common.buttons import Button
from handlers.handover.handover import MAX_REPS, refusal, rep_label
from handlers.transfer import callbacks, pushes

# A manager's decision on a request: the request may be gone, besides what a handover press meets.
_decision_refusal = refusal.first((NotFound, N_("This request no longer exists.")))


async def transfer_picked(update: Update, context: CrmContext) -> None:
    """🔁 Transfer on a manager's card: the team's other active reps as buttons."""
    query = update.callback_query
    assert query is not None
    assert update.effective_chat is not None
    t = context.t
    customer_id = callbacks.XFER_PICK.parse(query.data)["customer_id"]
    try:
        async with context.work() as work:
            customer, reps = await handover.transfer_choices(
                work.session, viewer=work.viewer, customer_id=customer_id
            )
    except (NotFound, NotAllowed) as error:
        await query.answer(refusal(t, error), show_alert=True)
        return
    await query.answer()
    if not reps:
        await context.bot.send_message(
            update.effective_chat.id, t.gettext("There is no other rep in the team to hand this customer to.")
        )
        return
    buttons = [
        [
            InlineKeyboardButton(
                rep_label(t, rep),
                callback_data=callbacks.XFER_TO.data(customer_id=customer_id, rep_id=rep.id),
            )
        ]
        for rep in reps[:MAX_REPS]
    ]
    await context.bot.send_message(
        update.effective_chat.id,
        t.gettext("Who should take over {customer}?").format(customer=f"<b>{escape(customer.name)}</b>"),
        parse_mode=ParseMode.HTML,
        reply_markup=InlineKeyboardMarkup(buttons),
    )


async def transferred(update: Update, context: CrmContext) -> None:
    query = update.callback_query
    assert query is not None
    t = context.t
    args = callbacks.XFER_TO.parse(query.data)
    customer_id, to_id = args["customer_id"], args["rep_id"]
    try:
        async with context.work() as work:
            moved = await handover.transfer_one(
                work.session, viewer=work.viewer, customer_id=customer_id, to_user_id=to_id, now=work.now
            )
            await work.push(moved.pushes)
    except (NotFound, NotAllowed) as error:
        await query.answer(refusal(t, error), show_alert=True)
        return
    await query.answer(t.gettext("Done."))
    await query.edit_message_text(
        t.gettext("🔁 {customer} now belongs to {rep}; they have been told.").format(
            customer=f"<b>{escape(moved.customer_name)}</b>", rep=escape(moved.rep_name)
        ),
        parse_mode=ParseMode.HTML,
        reply_markup=open_customer_markup(t, customer_id),
    )


def decision_text(t: Translator, decision: Decision, *, html: bool = True) -> str:
    """What became of the request; plain text (for an alert) when not `html`."""

    def shown(text: str) -> str:
        return escape(text) if html else text

    customer = f"<b>{escape(decision.customer_name)}</b>" if html else decision.customer_name
    rep, by = shown(decision.requester_name), shown(decision.decided_by or "—")
    if decision.status is TransferStatus.VOID:
        return t.gettext(
            "This request no longer applies: the customer or the rep has changed since. Nothing was done."
        )
    if decision.already and decision.status is TransferStatus.APPROVED:
        return t.gettext("{manager} already approved this request.").format(manager=by)
    if decision.already:
        return t.gettext("{manager} already refused this request.").format(manager=by)
    if decision.status is TransferStatus.APPROVED:
        return t.gettext(
            "✅ Approved: {customer} now belongs to {rep}; they and the previous owner have been told."
        ).format(customer=customer, rep=rep)
    return t.gettext("✖ Refused: {customer} keeps its owner; {rep} has been told.").format(
        customer=customer, rep=rep
    )


async def decided(button: Button, update: Update, context: CrmContext) -> None:
    """✅ Approve / ✖ Refuse (`button`, bound where the handler is registered) under a rep's transfer
    request: the notice gains a line saying what happened."""
    query = update.callback_query
    assert query is not None
    t = context.t
    approve = button is callbacks.XFER_APPROVE
    request_id = button.parse(query.data)["request_id"]
    try:
        async with context.work() as work:
            decision = await transfers.decide(
                work.session,
                viewer=work.viewer,
                request_id=request_id,
                approve=approve,
                now=work.now,
            )
            await work.push(decision.pushes)
    except (NotFound, NotAllowed) as error:
        await query.answer(_decision_refusal(t, error), show_alert=True)
        return
    if decision.already:
        await query.answer(decision_text(t, decision, html=False), show_alert=True)
    else:
        await query.answer(t.gettext("Done."))
    message = query.message
    original = escape(message.text) if isinstance(message, Message) and message.text else ""
    await query.edit_message_text(
        f"{original}\n\n{decision_text(t, decision)}".strip(),
        parse_mode=ParseMode.HTML,
        reply_markup=InlineKeyboardMarkup([[pushes.customer_button(t, decision.customer_id)]]),
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CallbackQueryHandler(transfer_picked, pattern=callbacks.XFER_PICK))
    application.add_handler(CallbackQueryHandler(transferred, pattern=callbacks.XFER_TO))
    for button in (callbacks.XFER_APPROVE, callbacks.XFER_REFUSE):
        application.add_handler(CallbackQueryHandler(partial(decided, button), pattern=button))
    pushes.register(application)
