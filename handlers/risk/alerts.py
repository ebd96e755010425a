"""The buttons on a churn-risk alert: Schedule visit, Snooze 7 days, Not a risk, Reassign.

Each press is checked against the database (the alert, the customer's current owner, the
presser's role), so a stale or forwarded alert changes nothing it should not. The answered
alert keeps its text and gains a line saying what was done.
"""

from __future__ import annotations

from functools import partial
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler

from bot.domain.enums import RiskAnswer
from bot.domain.text import clip
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext
from bot.services import risk_alerts
from bot.services.errors import NotAllowed, NotFound
from bot.services.risk_alerts import AlertGone, Answered, NotYours
from handlers.card.links import open_customer_markup
from handlers.common.buttons import Button
from handlers.common.refusals import REP_GONE_TEXT, Refusals
from handlers.risk import callbacks, pushes

# The answers a rep or manager gives on the alert itself; None schedules a visit.
ANSWERS = {
    callbacks.RISK_VISIT: None,
    callbacks.RISK_SNOOZE: RiskAnswer.SNOOZED,
    callbacks.RISK_FINE: RiskAnswer.NOT_A_RISK,
}
MAX_REPS = 20
MAX_BUTTON_NAME = 30


_refusal = Refusals(
    (NotYours, N_("This customer is no longer yours; the alert is for the current owner.")),
    (AlertGone, N_("This alert is no longer valid.")),
    (NotAllowed, N_("Only a manager can reassign a customer.")),
    otherwise=REP_GONE_TEXT,
)


def outcome_text(t: Translator, done: Answered) -> str:
    match done.answer:
        case RiskAnswer.VISIT_SCHEDULED:
            assert done.until is not None
            return t.gettext("📅 Visit scheduled: a follow-up is due {when}.").format(
                when=t.day_time(done.until)
            )
        case RiskAnswer.SNOOZED:
            assert done.until is not None
            return t.gettext("💤 Snoozed: no risk alerts for this customer until {date}.").format(
                date=t.day(done.until)
            )
        case RiskAnswer.NOT_A_RISK:
            assert done.until is not None
            return t.gettext(
                "👍 Marked as not a risk: no alerts for 30 days. Thanks, this helps tune the score."
            )
    return t.gettext("🔁 {customer} now belongs to {rep}; they have been told.").format(
        customer=f"<b>{escape(done.customer_name)}</b>", rep=escape(done.new_owner or "")
    )


async def _show(update: Update, t: Translator, done: Answered) -> None:
    query = update.callback_query
    assert query is not None
    message = query.message
    original = message.text_html if isinstance(message, Message) and message.text else ""
    await query.answer(t.gettext("Done."))
    await query.edit_message_text(
        f"{original}\n\n{outcome_text(t, done)}".strip(),
        parse_mode=ParseMode.HTML,
        reply_markup=open_customer_markup(t, done.customer_id),
    )


async def answered(button: Button, update: Update, context: CrmContext) -> None:
    """One of ANSWERS pressed on the alert (`button` is bound where the handler is registered)."""
    query = update.callback_query
    assert query is not None
    answer, alert_id = ANSWERS[button], button.parse(query.data)["alert_id"]
    try:
        async with context.work() as work:
            if answer is None:
                done = await risk_alerts.schedule_visit(
                    work.session, viewer=work.viewer, alert_id=alert_id, now=work.now
                )
            else:
                done = await risk_alerts.mute(
                    work.session, viewer=work.viewer, alert_id=alert_id, answer=answer, now=work.now
                )
    except (NotFound, NotAllowed) as error:
        await query.answer(_refusal(context.t, error), show_alert=True)
        return
    await _show(update, context.t, done)


async def choose_rep(update: Update, context: CrmContext) -> None:
    """A manager's Reassign: the team's other reps as buttons, the alert itself left as it is."""
    query = update.callback_query
    assert query is not None
    t = context.t
    alert_id = callbacks.RISK_MOVE.parse(query.data)["alert_id"]
    try:
        async with context.work() as work:
            customer, reps = await risk_alerts.reassign_choices(
                work.session, viewer=work.viewer, alert_id=alert_id
            )
    except (NotFound, NotAllowed) as error:
        await query.answer(_refusal(t, error), show_alert=True)
        return
    chat = update.effective_chat
    assert chat is not None
    await query.answer()
    if not reps:
        await context.bot.send_message(
            chat.id, t.gettext("There is no other rep in the team to hand this customer to.")
        )
        return
    buttons = [
        [
            InlineKeyboardButton(
                clip(rep.full_name, MAX_BUTTON_NAME),
                callback_data=callbacks.RISK_MOVE_TO.data(alert_id=alert_id, rep_id=rep.id),
            )
        ]
        for rep in reps[:MAX_REPS]
    ]
    await context.bot.send_message(
        chat.id,
        t.gettext("Who should take over {customer}?").format(customer=f"<b>{escape(customer.name)}</b>"),
        parse_mode=ParseMode.HTML,
        reply_markup=InlineKeyboardMarkup(buttons),
    )


async def moved(update: Update, context: CrmContext) -> None:
    query = update.callback_query
    assert query is not None
    args = callbacks.RISK_MOVE_TO.parse(query.data)
    try:
        async with context.work() as work:
            done = await risk_alerts.reassign(
                work.session,
                viewer=work.viewer,
                alert_id=args["alert_id"],
                to_user_id=args["rep_id"],
                now=work.now,
            )
            await work.push(done.pushes)
    except (NotFound, NotAllowed) as error:
        await query.answer(_refusal(context.t, error), show_alert=True)
        return
    await query.answer(context.t.gettext("Done."))
    await query.edit_message_text(
        outcome_text(context.t, done),
        parse_mode=ParseMode.HTML,
        reply_markup=open_customer_markup(context.t, done.customer_id),
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    for button in ANSWERS:
        application.add_handler(CallbackQueryHandler(partial(answered, button), pattern=button))
    application.add_handler(CallbackQueryHandler(choose_rep, pattern=callbacks.RISK_MOVE))
    application.add_handler(CallbackQueryHandler(moved, pattern=callbacks.RISK_MOVE_TO))
    pushes.register(application)
