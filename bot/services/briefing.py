"""What people hear when customers change hands, queued in each reader's language and time zone.

The successor gets one message per handover, whatever its size: a summary with the customers to
look at first and a button to the full list (or, for a single customer, that customer's briefing).
The customers are told who their new contact is; the previous owner is told where they went.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit

from bot.domain.briefing import Briefing, BriefItem, summarize
from bot.domain.text import clip
from bot.i18n import N_, Translator
from bot.outbox import payloads
from bot.present.explain import reason_texts, risk_label
from storage.models import Team, User
from storage.queries import handover as queries
from storage.queries import outbox

TranslatorFor = Callable[[str | None, str | None], Translator]

PUSH_PRIORITY = 3
TOP = 10
BUTTONS = 6
MAX_NAME = 60
BUTTON_NAME = 24
# Room left under Telegram's limit for the closing lines.
BUDGET = MessageLimit.MAX_TEXT_LENGTH - 400

STAGE_LABELS = {
    "potential": N_("potential"),
    "new": N_("new"),
    "active": N_("active"),
    "loyal": N_("loyal"),
    "at_risk": N_("at risk"),
    "churned": N_("churned"),
}


@dataclass(frozen=True, slots=True)
class Audience:
    """Who hears about a move, loaded once: the team, the people by id."""

    team: Team
    people: dict[int, User]

    def translator(self, user: User, translator_for: TranslatorFor) -> Translator:
        return translator_for(user.locale or self.team.locale, user.timezone or self.team.timezone)

    def name(self, user_id: int | None) -> str | None:
        user = self.people.get(user_id) if user_id is not None else None
        return user.full_name if user is not None else None


def reachable(user: User | None) -> bool:
    return user is not None and user.chat_id is not None and user.is_active and not user.blocked_bot


def stage_label(t: Translator, stage: str) -> str:
    return t.gettext(STAGE_LABELS[stage]) if stage in STAGE_LABELS else stage


def health_text(t: Translator, item: BriefItem) -> str:
    if item.health_score is None:
        return t.gettext("Health: not scored yet")
    return t.gettext("Health: {score}/100, {risk}").format(
        score=item.health_score, risk=risk_label(t, item.risk_level)
    )


def last_visit_text(t: Translator, item: BriefItem) -> str:
    if item.last_visit_at is None:
        return t.gettext("No visit logged yet.")
    return t.gettext("Last visit: {date}").format(date=t.date(item.last_visit_at))


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
    lines = [f"{head} · {stage_label(t, item.stage)} · {health_text(t, item)}"]
    detail = [last_visit_text(t, item)]
    if (items := open_items_text(t, item)) is not None:
        detail.append(items)
    lines.append("   " + " · ".join(detail))
    lines.extend(f"   • {escape(text)}" for text in reason_texts(t, item.reasons, limit=reasons))
    return lines


def _counts(t: Translator, summary: Briefing) -> list[str]:
    stages = " · ".join(f"{stage_label(t, stage)} {t.number(n)}" for stage, n in summary.by_stage.items())
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
                "… and {n} more needing attention: see the full list.",
                "… and {n} more needing attention: see the full list.",
                more,
            ).format(n=t.number(more))
        )
    return "\n".join(lines), shown


def briefing_keyboard(
    t: Translator, shown: Sequence[BriefItem], *, handover_id: int, total: int
) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            f"{number}. {clip(item.name, BUTTON_NAME)}", callback_data=f"cust:open:{item.customer_id}"
        )
        for number, item in enumerate(shown[:BUTTONS], start=1)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [
            InlineKeyboardButton(
                t.ngettext("📋 All {n} customer", "📋 All {n} customers", total).format(n=t.number(total)),
                callback_data=f"hol:list:{handover_id}:0",
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
            stage=stage_label(t, item.stage), tier=escape(item.tier)
        )
    )
    lines.append(health_text(t, item))
    lines.extend(f"  • {escape(text)}" for text in reason_texts(t, item.reasons))
    lines.append(last_visit_text(t, item))
    lines.append(open_items_text(t, item) or t.gettext("No open tickets or reminders."))
    return "\n".join(lines)


def open_customer_keyboard(t: Translator, customer_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t.gettext("Open customer"), callback_data=f"cust:open:{customer_id}")]]
    )


async def push_to(
    session: AsyncSession,
    user: User,
    *,
    key: str,
    kind: str,
    text: str,
    keyboard: InlineKeyboardMarkup | None,
    now: datetime,
) -> bool:
    """Queue one message to a staff member who is known to be reachable."""
    assert user.chat_id is not None
    return await outbox.enqueue(
        session,
        dedupe_key=key,
        chat_id=user.chat_id,
        user_id=user.id,
        kind=kind,
        payload=payloads.message(text, keyboard),
        now=now,
        priority=PUSH_PRIORITY,
    )


async def brief_successors(
    session: AsyncSession,
    *,
    handover_id: int,
    audience: Audience,
    from_user_id: int | None,
    now: datetime,
    translator_for: TranslatorFor,
    head: Callable[[Translator], str] | None = None,
) -> int:
    """One briefing per successor of the handover, in their language; how many were queued."""
    queued = 0
    for to_user_id in await queries.successors_of(session, handover_id=handover_id):
        successor = audience.people.get(to_user_id)
        if successor is None or not reachable(successor):
            continue
        items = await queries.brief_items(session, handover_id=handover_id, to_user_id=to_user_id)
        if not items:
            continue
        t = audience.translator(successor, translator_for)
        from_name = audience.name(from_user_id)
        if len(items) == 1:
            text = single_text(t, items[0], from_name=from_name, head=head(t) if head else None)
            keyboard = open_customer_keyboard(t, items[0].customer_id)
        else:
            text, shown = briefing_text(t, summarize(items, top=TOP), from_name=from_name)
            keyboard = briefing_keyboard(t, shown, handover_id=handover_id, total=len(items))
        key = f"handover:{handover_id}:{to_user_id}"
        queued += await push_to(
            session, successor, key=key, kind="handover", text=text, keyboard=keyboard, now=now
        )
    return queued


async def tell_customers(
    session: AsyncSession,
    *,
    handover_id: int,
    audience: Audience,
    now: datetime,
    translator_for: TranslatorFor,
) -> int:
    """Each moved customer on Telegram learns their new contact's name, in their language; one insert."""
    pushes = []
    for linked in await queries.linked_accounts(session, handover_id=handover_id):
        rep = audience.name(linked.to_user_id)
        if rep is None:
            continue
        t = translator_for(linked.locale or audience.team.locale, audience.team.timezone)
        text = t.gettext(
            "Hello! From now on {rep} is your contact at {team}. You can keep writing to me here as before."
        ).format(rep=f"<b>{escape(rep)}</b>", team=escape(audience.team.name))
        pushes.append(
            outbox.Push(
                dedupe_key=f"handover-customer:{handover_id}:{linked.customer_id}",
                chat_id=linked.chat_id,
                user_id=linked.account_id,
                kind="handover_customer",
                payload=payloads.message(text),
            )
        )
    return await outbox.enqueue_many(session, pushes=pushes, now=now) if pushes else 0


async def tell_previous_owner(
    session: AsyncSession,
    *,
    handover_id: int,
    audience: Audience,
    previous_id: int,
    moved: dict[int, int],
    customer_name: str | None,
    now: datetime,
    translator_for: TranslatorFor,
) -> bool:
    """The previous owner, if still active, hears where their customers went."""
    previous = audience.people.get(previous_id)
    if previous is None or not reachable(previous):
        return False
    t = audience.translator(previous, translator_for)
    names = ", ".join(escape(audience.name(to) or "—") for to in moved)
    if customer_name is not None:
        text = t.gettext("🔁 {customer} has been handed over to {rep}.").format(
            customer=f"<b>{escape(customer_name)}</b>", rep=names
        )
    else:
        n = sum(moved.values())
        text = t.ngettext(
            "🔁 Your {n} customer was handed over to {reps}.",
            "🔁 Your {n} customers were handed over to {reps}.",
            n,
        ).format(n=t.number(n), reps=names)
    key = f"handover-previous:{handover_id}:{previous_id}"
    return await push_to(session, previous, key=key, kind="handover", text=text, keyboard=None, now=now)


async def audience_of(session: AsyncSession, *, team_id: int, user_ids: Sequence[int | None]) -> Audience:
    team = await session.get(Team, team_id)
    assert team is not None
    ids = sorted({user_id for user_id in user_ids if user_id is not None})
    return Audience(team=team, people=await queries.people(session, ids=ids))
