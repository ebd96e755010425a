"""How people read that customers changed hands (bot/services/briefing.py says who hears what).

The successor's briefing stays under Telegram's limit however many customers it covers; a single
customer gets its own briefing. The customers hear who their new contact is; the previous owner
hears where their customers went. The successor's list of them shows each the way the briefing does.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit
from telegram.ext import Application

from bot.domain.briefing import Briefing, BriefItem
from bot.domain.text import clip, join_list
from bot.i18n import Translator
from bot.outbox import payloads
from bot.present.explain import reason_texts, risk_label
from bot.runtime.pushes import render_with
from bot.services.briefing import CustomerBriefing, HandedOn, HandoverBriefing, NewContact
from handlers.card.callbacks import OPEN_CUSTOMER
from handlers.card.links import open_customer_markup
from handlers.common.labels import STAGE_LABELS, label
from handlers.handover.callbacks import HANDED_LIST

BUTTONS = 6
MAX_NAME = 60
BUTTON_NAME = 24
# Room left under Telegram's limit for the closing lines.
BUDGET = MessageLimit.MAX_TEXT_LENGTH - 400


def health_text(t: Translator, item: BriefItem) -> str:
    if item.health_score is None:
        return t.gettext("Health: not scored yet")
    return t.gettext("Health: {score}/100, {risk}").format(
        score=item.health_score, risk=risk_label(t, item.risk_level)
    )


def last_visit_text(t: Translator, item: BriefItem) -> str:
    if item.last_visit_at is None:
        return t.gettext("No visit logged yet.")
    return t.gettext("Last visit: {date}").format(date=t.day(item.last_visit_at))


def open_items_text(t: Translator, item: BriefItem) -> str | None:
    parts = []
    if item.open_tickets:
        parts.append(
            t.ngettext("{n} open ticket", "{n} open tickets", item.open_tickets).format(n=item.open_tickets)
        )
    if item.open_reminders:
        parts.append(
            t.ngettext("{n} open reminder", "{n} open reminders", item.open_reminders).format(
                n=item.open_reminders
            )
        )
    return " · ".join(parts) or None


def item_lines(t: Translator, item: BriefItem, *, number: int | None = None, reasons: int = 2) -> list[str]:
    """A customer in a briefing or a list: name, stage, health, last visit, open items, reasons."""
    name = f"<b>{escape(clip(item.name, MAX_NAME))}</b>"
    if item.company:
        name += f" · {escape(clip(item.company, MAX_NAME))}"
    head = f"{number}. {name}" if number is not None else name
    lines = [f"{head} · {label(t, STAGE_LABELS, item.stage)} · {health_text(t, item)}"]
    detail = [last_visit_text(t, item)]
    if (items := open_items_text(t, item)) is not None:
        detail.append(items)
    lines.append("   " + " · ".join(detail))
    lines.extend(f"   • {escape(text)}" for text in reason_texts(t, item.reasons, limit=reasons))
    return lines


def _counts(t: Translator, summary: Briefing) -> list[str]:
    stages = " · ".join(
        f"{label(t, STAGE_LABELS, stage)} {t.number(n)}" for stage, n in summary.by_stage.items()
    )
    levels = [f"{risk_label(t, level)} {t.number(n)}" for level, n in summary.by_risk.items()]
    if summary.unscored:
        unscored = t.gettext("not scored")
        levels.append(f"{unscored} {t.number(summary.unscored)}")
    lines = [t.gettext("By stage: {stages}").format(stages=stages)]
    lines.append(t.gettext("Risk: {levels}").format(levels=" · ".join(levels)))
    lines.append(
        " · ".join(
            (
                t.gettext("Open reminders: {n}").format(n=t.number(summary.open_reminders)),
                t.gettext("Open tickets: {n}").format(n=t.number(summary.open_tickets)),
                t.gettext("Never visited: {n}").format(n=t.number(summary.never_visited)),
            )
        )
    )
    return lines


def briefing_text(t: Translator, summary: Briefing, *, from_name: str | None) -> tuple[str, list[BriefItem]]:
    """The digest of a handover for one successor, under Telegram's limit however many customers;
    with the customers it shows, in order."""
    n = summary.total
    if from_name:
        head = t.ngettext(
            "🤝 {n} customer of {rep} is now yours.", "🤝 {n} customers of {rep} are now yours.", n
        ).format(n=t.number(n), rep=escape(from_name))
    else:
        head = t.ngettext("🤝 {n} customer is now yours.", "🤝 {n} customers are now yours.", n).format(
            n=t.number(n)
        )
    lines = [head, *_counts(t, summary), ""]
    if summary.attention:
        lines.append("<b>" + escape(t.gettext("Needs attention first")) + "</b>")
        shown_list = summary.attention
    else:
        lines.append(t.gettext("Nobody is at risk or waiting for an answer."))
        lines.append("<b>" + escape(t.gettext("Most valuable")) + "</b>")
        shown_list = summary.valuable
    size = sum(len(line) + 1 for line in lines)
    shown: list[BriefItem] = []
    for item in shown_list:
        entry = item_lines(t, item, number=len(shown) + 1)
        cost = sum(len(line) + 1 for line in entry)
        if size + cost > BUDGET:
            break
        lines.extend(entry)
        size += cost
        shown.append(item)
    more = summary.more_attention + (len(summary.attention) - len(shown) if summary.attention else 0)
    if more > 0:
        lines.append(
            t.ngettext(
                "… and {n} more needing attention: the 📋 button below lists them all.",
                "… and {n} more needing attention: the 📋 button below lists them all.",
                more,
            ).format(n=t.number(more))
        )
    return "\n".join(lines), shown


def briefing_keyboard(
    t: Translator, shown: Sequence[BriefItem], *, handover_id: int, total: int
) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            f"{number}. {clip(item.name, BUTTON_NAME)}",
            callback_data=OPEN_CUSTOMER.data(customer_id=item.customer_id),
        )
        for number, item in enumerate(shown[:BUTTONS], start=1)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [
            InlineKeyboardButton(
                t.ngettext("📋 All {n} customer", "📋 All {n} customers", total).format(n=t.number(total)),
                callback_data=HANDED_LIST.data(handover_id=handover_id, page=0),
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


def single_text(t: Translator, item: BriefItem, *, from_name: str | None, head: str | None = None) -> str:
    """One customer's briefing: stage, health and reasons, last visit, open items."""
    name = f"<b>{escape(item.name)}</b>"
    if from_name:
        intro = t.gettext("🤝 {customer} is now your customer, handed over from {rep}.").format(
            customer=name, rep=escape(from_name)
        )
    else:
        intro = t.gettext("🤝 {customer} is now your customer.").format(customer=name)
    lines = [head, intro] if head else [intro]
    if item.company:
        lines.append(escape(item.company))
    lines.append(
        t.gettext("Stage: {stage} · Tier {tier}").format(
            stage=label(t, STAGE_LABELS, item.stage), tier=escape(item.tier)
        )
    )
    lines.append(health_text(t, item))
    lines.extend(f"  • {escape(text)}" for text in reason_texts(t, item.reasons))
    lines.append(last_visit_text(t, item))
    lines.append(open_items_text(t, item) or t.gettext("No open tickets or reminders."))
    return "\n".join(lines)


def handover_payload(briefing: HandoverBriefing, t: Translator) -> dict[str, Any]:
    text, shown = briefing_text(t, briefing.summary, from_name=briefing.from_name)
    keyboard = briefing_keyboard(t, shown, handover_id=briefing.handover_id, total=briefing.summary.total)
    return payloads.message(text, keyboard)


def customer_payload(briefing: CustomerBriefing, t: Translator) -> dict[str, Any]:
    head = None
    if briefing.approved_by is not None:
        head = t.gettext("✅ {manager} approved your request.").format(manager=escape(briefing.approved_by))
    text = single_text(t, briefing.item, from_name=briefing.from_name, head=head)
    return payloads.message(text, open_customer_markup(t, briefing.item.customer_id))


def handed_on_payload(handed: HandedOn, t: Translator) -> dict[str, Any]:
    names = join_list((escape(name or "—") for name in handed.to), t.locale)
    if handed.customer_name is not None:
        text = t.gettext("🔁 {customer} has been handed over to {rep}.").format(
            customer=f"<b>{escape(handed.customer_name)}</b>", rep=names
        )
    else:
        text = t.ngettext(
            "🔁 Your {n} customer was handed over to {reps}.",
            "🔁 Your {n} customers were handed over to {reps}.",
            handed.count,
        ).format(n=t.number(handed.count), reps=names)
    return payloads.message(text)


def new_contact_payload(contact: NewContact, t: Translator) -> dict[str, Any]:
    text = t.gettext(
        "Hello! From now on {rep} is your contact at {team}. You can keep writing to me here as before."
    ).format(rep=f"<b>{escape(contact.rep)}</b>", team=escape(contact.team))
    return payloads.message(text)


def register(application: Application) -> None:  # type: ignore[type-arg]
    render_with(application, HandoverBriefing, handover_payload)
    render_with(application, CustomerBriefing, customer_payload)
    render_with(application, HandedOn, handed_on_payload)
    render_with(application, NewContact, new_contact_payload)
