"""The card of an erased customer: a neutral label and what is kept for the statistics.

Managers and admins of the team see it wherever a card would open; everyone else is told the
customer is not in their list, as for any customer they may not see.
"""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.constants import ParseMode

from bot.domain.text import join_list
from bot.i18n import Translator
from bot.runtime.context import CrmContext
from bot.services.erase import ErasedCard
from handlers.common.labels import owner_line


def erased_label(t: Translator, customer_id: int) -> str:
    return t.gettext("Erased customer #{id}").format(id=customer_id)


def render_erased(card: ErasedCard, t: Translator) -> str:
    kept = card.kept
    lines = [
        f"<b>{escape(erased_label(t, card.id))}</b>",
        t.gettext(
            "Personal data erased on {date} at the customer's request. "
            "The record is kept for statistics only."
        ).format(date=t.day(card.erased_at)),
        owner_line(t, owner=card.owner_name, tier=card.tier, stage=card.stage),
        t.gettext("Visits: {visits} · Orders: {orders} · Tickets: {tickets} · Scores: {scores}").format(
            visits=t.number(kept.visits),
            orders=t.number(kept.orders),
            tickets=t.number(kept.tickets),
            scores=t.number(kept.scores),
        ),
    ]
    if kept.totals:
        total = join_list((t.total(amount, currency) for currency, amount in kept.totals.items()), t.locale)
        lines.append(t.gettext("Orders in total: {total}").format(total=total))
    return "\n".join(lines)


async def send_erased(update: Update, context: CrmContext, card: ErasedCard) -> None:
    """Show the erased card where a card was asked for (answering a press first)."""
    assert update.effective_chat is not None
    if update.callback_query is not None:
        await update.callback_query.answer()
    await context.bot.send_message(
        update.effective_chat.id, render_erased(card, context.t), parse_mode=ParseMode.HTML
    )
