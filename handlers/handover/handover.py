"""/handover for managers: pick the leaving rep, one successor or several, the options, confirm;
and the successor's "all customers" list from a briefing. Single-customer moves are in
handlers/transfers.py.

The wizard keeps its choices in user_data; every button names the leaving rep it belongs to, so a
press from an older wizard never acts on a newer one, and the service re-checks everything.
"""

from __future__ import annotations

from html import escape
from typing import Any

from pydantic import ConfigDict, Field
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.domain.text import clip, join_list
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext
from bot.services import handover
from bot.services.errors import NotAllowed, NotFound
from bot.services.handover import Done, NoSuccessor, NotInTeam, Plan, RepLoad
from bot.services.transfers import OtherTeam
from handlers.card.callbacks import OPEN_CUSTOMER
from handlers.common import menu
from handlers.common.dialogs import Draft, forget, keep, load
from handlers.common.refusals import NOT_VISIBLE, Refusals
from handlers.handover import briefing, callbacks
from handlers.handover.briefing import item_lines

DRAFT = "handover"
MAX_REPS = 30
NAME = 30
PER_PAGE = 8


class HandoverDraft(Draft):
    """The wizard's choices: the leaving rep (stored as "from"), the successors, the two options."""

    model_config = ConfigDict(validate_by_name=True, serialize_by_alias=True)
    KEY = DRAFT
    leaving: int | None = Field(default=None, alias="from")
    to: list[int] = Field(default_factory=list)
    tell: bool = True
    off: bool = False


# One sentence for each way a handover or transfer press can be refused.
refusal = Refusals(
    (OtherTeam, N_("This request belongs to another team; only its managers can decide it.")),
    (
        NotInTeam,
        N_("That rep is no longer an active rep in your team. Send /handover to start again."),
    ),
    (NoSuccessor, N_("Pick at least one rep to hand the customers to.")),
    NOT_VISIBLE,
    (NotAllowed, N_("Only a manager of this team can move customers between reps.")),
    otherwise=N_("This button is no longer active."),
)


def stale_text(t: Translator) -> str:
    return t.gettext("This handover was finished or cancelled. Send /handover to start again.")


def rep_label(t: Translator, rep: RepLoad) -> str:
    label = f"{clip(rep.name, NAME)} · {t.number(rep.customers)}"
    if rep.is_active:
        return label
    return label + " " + t.gettext("(access switched off)")


def _cancel_row(t: Translator) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(t.gettext("Cancel"), callback_data=callbacks.HANDOVER_CANCEL.data())]


async def start(update: Update, context: CrmContext) -> None:
    """/handover: whose customers move?"""
    assert update.message is not None
    t = context.t
    forget(context, DRAFT)
    try:
        async with context.work() as work:
            reps = await handover.leaving_choices(work.session, viewer=work.viewer)
    except NotAllowed as error:
        await update.message.reply_text(refusal(t, error))
        return
    if not reps:
        await update.message.reply_text(
            t.gettext("Your team has no reps yet, so there is nothing to hand over.")
        )
        return
    buttons = [
        [InlineKeyboardButton(rep_label(t, rep), callback_data=callbacks.HANDOVER_FROM.data(rep_id=rep.id))]
        for rep in reps[:MAX_REPS]
    ]
    await update.message.reply_text(
        t.gettext(
            "Whose customers are you handing over? Pick the rep who is leaving or changing role; "
            "the number after each name is how many customers they have."
        ),
        reply_markup=InlineKeyboardMarkup([*buttons, _cancel_row(t)]),
    )


async def _successors_screen(update: Update, context: CrmContext, from_id: int) -> None:
    query = update.callback_query
    assert query is not None
    t = context.t
    draft = load(context, HandoverDraft)
    try:
        async with context.work() as work:
            leaving, others = await handover.successor_choices(
                work.session, viewer=work.viewer, from_id=from_id
            )
    except (NotFound, NotAllowed) as error:
        forget(context, DRAFT)
        await query.answer(refusal(t, error), show_alert=True)
        return
    await query.answer()
    if not others:
        forget(context, DRAFT)
        await query.edit_message_text(
            t.gettext("There is no other active rep in the team to hand these customers to.")
        )
        return
    chosen = set(draft.to)
    buttons = [
        [
            InlineKeyboardButton(
                ("✅ " if rep.id in chosen else "") + rep_label(t, rep),
                callback_data=callbacks.HANDOVER_TO.data(from_id=from_id, rep_id=rep.id),
            )
        ]
        for rep in others[:MAX_REPS]
    ]
    buttons.append(
        [
            InlineKeyboardButton(
                t.gettext("Continue ▶"), callback_data=callbacks.HANDOVER_NEXT.data(from_id=from_id)
            )
        ]
    )
    text = t.ngettext(
        "Who should take over {rep}'s {n} customer? Pick one rep or several.",
        "Who should take over {rep}'s {n} customers? Pick one rep or several; the customers are shared "
        "out so that everyone ends up with a similar number.",
        leaving.customers,
    ).format(rep=leaving.name, n=t.number(leaving.customers))
    await query.edit_message_text(text, reply_markup=InlineKeyboardMarkup([*buttons, _cancel_row(t)]))


async def leaving_picked(update: Update, context: CrmContext) -> None:
    assert update.callback_query is not None
    from_id = callbacks.HANDOVER_FROM.parse(update.callback_query.data)["rep_id"]
    keep(context, HandoverDraft(leaving=from_id))
    await _successors_screen(update, context, from_id)


def _draft_for(context: CrmContext, from_id: int) -> HandoverDraft | None:
    """The wizard's choices, if the pressed button belongs to the wizard in progress."""
    draft = load(context, HandoverDraft)
    return draft if draft.leaving == from_id else None


async def _stale(update: Update, context: CrmContext) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(stale_text(context.t), show_alert=True)


async def successor_toggled(update: Update, context: CrmContext) -> None:
    assert update.callback_query is not None
    args = callbacks.HANDOVER_TO.parse(update.callback_query.data)
    from_id, to_id = args["from_id"], args["rep_id"]
    draft = _draft_for(context, from_id)
    if draft is None:
        await _stale(update, context)
        return
    chosen = draft.to
    draft.to = [rep for rep in chosen if rep != to_id] if to_id in chosen else [*chosen, to_id]
    keep(context, draft)
    await _successors_screen(update, context, from_id)


def _plan_text(t: Translator, plan: Plan) -> str:
    split = join_list(
        (
            t.gettext("{rep} ({n})").format(rep=rep.name, n=t.number(plan.split.get(rep.id, 0)))
            for rep in plan.successors
        ),
        t.locale,
    )
    lines = [
        t.gettext("Handover of {rep}'s customers").format(rep=plan.leaving.name),
        t.gettext("Customers: {n} → {split}").format(n=t.number(plan.leaving.customers), split=split),
        t.gettext("Open reminders: {n}").format(n=t.number(plan.reminders))
        + " · "
        + t.gettext("Open tickets: {n}").format(n=t.number(plan.tickets)),
        t.gettext("Reminders and tickets go along with their customers; each successor gets one briefing."),
    ]
    return "\n".join(lines)


def _plan_keyboard(t: Translator, plan: Plan, draft: HandoverDraft) -> InlineKeyboardMarkup:
    from_id = plan.leaving.id
    tell = ("☑ " if draft.tell else "☐ ") + t.gettext("Tell customers who their new contact is")
    off = ("☑ " if draft.off else "☐ ") + t.gettext("Switch off {rep}'s access").format(
        rep=clip(plan.leaving.name, NAME)
    )
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tell, callback_data=callbacks.HANDOVER_OPTION.data(from_id=from_id, option="tell")
                )
            ],
            [
                InlineKeyboardButton(
                    off, callback_data=callbacks.HANDOVER_OPTION.data(from_id=from_id, option="off")
                )
            ],
            [
                InlineKeyboardButton(
                    t.gettext("✅ Hand over"), callback_data=callbacks.HANDOVER_GO.data(from_id=from_id)
                )
            ],
            _cancel_row(t),
        ]
    )


async def _plan_screen(update: Update, context: CrmContext, from_id: int, draft: HandoverDraft) -> None:
    query = update.callback_query
    assert query is not None
    t = context.t
    try:
        async with context.work() as work:
            plan = await handover.plan(work.session, viewer=work.viewer, from_id=from_id, to_ids=draft.to)
    except NoSuccessor as error:
        await query.answer(refusal(t, error), show_alert=True)
        return
    except (NotFound, NotAllowed) as error:
        forget(context, DRAFT)
        await query.answer(refusal(t, error), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(_plan_text(t, plan), reply_markup=_plan_keyboard(t, plan, draft))


async def continued(update: Update, context: CrmContext) -> None:
    assert update.callback_query is not None
    from_id = callbacks.HANDOVER_NEXT.parse(update.callback_query.data)["from_id"]
    draft = _draft_for(context, from_id)
    if draft is None:
        await _stale(update, context)
        return
    await _plan_screen(update, context, from_id, draft)


async def option_toggled(update: Update, context: CrmContext) -> None:
    assert update.callback_query is not None
    args = callbacks.HANDOVER_OPTION.parse(update.callback_query.data)
    from_id, option = args["from_id"], args["option"]
    draft = _draft_for(context, from_id)
    if draft is None or not draft.to:
        await _stale(update, context)
        return
    # The codec lets only the two options' names through.
    setattr(draft, option, not getattr(draft, option))
    keep(context, draft)
    await _plan_screen(update, context, from_id, draft)


def done_text(t: Translator, done: Done) -> str:
    split = join_list(
        (t.gettext("{rep} ({n})").format(rep=name, n=t.number(n)) for name, n in done.split), t.locale
    )
    lines = [
        t.ngettext(
            "✅ Handover done: {n} customer of {rep} moved to {split}.",
            "✅ Handover done: {n} customers of {rep} moved to {split}.",
            done.customers,
        ).format(n=t.number(done.customers), rep=done.leaving.name, split=split),
        t.gettext("Open reminders moved: {n}").format(n=t.number(done.reminders))
        + " · "
        + t.gettext("Open tickets moved: {n}").format(n=t.number(done.tickets)),
    ]
    if done.customers_told:
        lines.append(
            t.ngettext(
                "{n} customer on Telegram is told who their new contact is.",
                "{n} customers on Telegram are told who their new contact is.",
                done.customers_told,
            ).format(n=t.number(done.customers_told))
        )
    if done.deactivated:
        lines.append(t.gettext("{rep}'s access is switched off as of now.").format(rep=done.leaving.name))
    if done.customers:
        lines.append(t.gettext("Each successor gets a briefing on the customers they take over."))
    return "\n".join(lines)


async def confirmed(update: Update, context: CrmContext) -> None:
    """✅ Hand over: the whole move in one transaction, then the menu of a deactivated rep goes."""
    query = update.callback_query
    assert query is not None
    t = context.t
    from_id = callbacks.HANDOVER_GO.parse(query.data)["from_id"]
    draft = _draft_for(context, from_id)
    if draft is None:
        await _stale(update, context)
        return
    try:
        async with context.work() as work:
            done = await handover.hand_over(
                work.session,
                viewer=work.viewer,
                from_id=from_id,
                to_ids=draft.to,
                tell_customers=draft.tell,
                deactivate=draft.off,
                now=work.now,
            )
            await work.push(done.pushes)
    except (NotFound, NotAllowed, NoSuccessor) as error:
        await query.answer(refusal(t, error), show_alert=True)
        return
    forget(context, DRAFT)
    await query.answer(t.gettext("Done."))
    await query.edit_message_text(done_text(t, done))
    if done.deactivated and done.leaving_chat_id is not None:
        await menu.set_user_menu(
            context.application, done.leaving_chat_id, None, context.translator_for(done.leaving_locale)
        )


async def cancelled(update: Update, context: CrmContext) -> None:
    query = update.callback_query
    assert query is not None
    forget(context, DRAFT)
    await query.answer()
    await query.edit_message_text(context.t.gettext("Handover cancelled. Nothing was moved."))


def _list_text(t: Translator, items: list[Any], *, page: int, total: int) -> str:
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    lines = [
        "<b>"
        + escape(
            t.gettext("Customers handed to you · page {page} of {pages}").format(
                page=t.number(page + 1), pages=t.number(pages)
            )
        )
        + "</b>"
    ]
    for number, item in enumerate(items, start=page * PER_PAGE + 1):
        lines.extend(item_lines(t, item, number=number, reasons=1))
    return "\n".join(lines)


def _list_keyboard(
    t: Translator, items: list[Any], *, handover_id: int, page: int, total: int
) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            f"{number}. {clip(item.name, 20)}",
            callback_data=OPEN_CUSTOMER.data(customer_id=item.customer_id),
        )
        for number, item in enumerate(items, start=page * PER_PAGE + 1)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                t.gettext("◀ Back"),
                callback_data=callbacks.HANDED_PAGE.data(handover_id=handover_id, page=page - 1),
            )
        )
    if (page + 1) * PER_PAGE < total:
        nav.append(
            InlineKeyboardButton(
                t.gettext("Next ▶"),
                callback_data=callbacks.HANDED_PAGE.data(handover_id=handover_id, page=page + 1),
            )
        )
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


async def handed_list(update: Update, context: CrmContext) -> None:
    """The successor's list of what a handover gave them, as a new message under the briefing."""
    await _handed(update, context, fresh=True)


async def handed_page(update: Update, context: CrmContext) -> None:
    """Previous / Next under that list: another page in place."""
    await _handed(update, context, fresh=False)


async def _handed(update: Update, context: CrmContext, *, fresh: bool) -> None:
    query = update.callback_query
    assert query is not None
    assert update.effective_chat is not None
    t = context.t
    args = (callbacks.HANDED_LIST if fresh else callbacks.HANDED_PAGE).parse(query.data)
    handover_id, page = args["handover_id"], args["page"]
    try:
        async with context.work() as work:
            items, total = await handover.handed_page(
                work.session, viewer=work.viewer, handover_id=handover_id, page=page, per_page=PER_PAGE
            )
    except NotAllowed as error:
        await query.answer(refusal(t, error), show_alert=True)
        return
    if not items:
        await query.answer(t.gettext("You no longer look after any of these customers."), show_alert=True)
        return
    await query.answer()
    text = _list_text(t, items, page=page, total=total)
    keyboard = _list_keyboard(t, items, handover_id=handover_id, page=page, total=total)
    if not fresh:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
        return
    await context.bot.send_message(
        update.effective_chat.id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("handover", start))
    application.add_handler(CallbackQueryHandler(leaving_picked, pattern=callbacks.HANDOVER_FROM))
    application.add_handler(CallbackQueryHandler(successor_toggled, pattern=callbacks.HANDOVER_TO))
    application.add_handler(CallbackQueryHandler(continued, pattern=callbacks.HANDOVER_NEXT))
    application.add_handler(CallbackQueryHandler(option_toggled, pattern=callbacks.HANDOVER_OPTION))
    application.add_handler(CallbackQueryHandler(confirmed, pattern=callbacks.HANDOVER_GO))
    application.add_handler(CallbackQueryHandler(cancelled, pattern=callbacks.HANDOVER_CANCEL))
    application.add_handler(CallbackQueryHandler(handed_list, pattern=callbacks.HANDED_LIST))
    application.add_handler(CallbackQueryHandler(handed_page, pattern=callbacks.HANDED_PAGE))
    briefing.register(application)
