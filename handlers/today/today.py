"""/today: the day's follow-ups, birthdays, customers at risk and revisits, with buttons to act."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import MessageLimit
from telegram.ext import Application, CommandHandler

from bot.domain.roles import Role
from bot.domain.text import clip
from bot.i18n import Translator
from bot.runtime.context import CrmContext
from bot.services import today
from bot.services.errors import NoTeam
from bot.services.today import Agenda, Section
from handlers.card.callbacks import OPEN_CUSTOMER
from handlers.team.invites import no_team_text
from handlers.visit.callbacks import START_VISIT

SHOWN_PER_SECTION = 5
NAME_LIMIT = 40
NOTE_LIMIT = 60
BUTTON_LIMIT = 28

Line = Callable[[dict[str, Any]], str]


class _Renderer:
    """Builds the agenda text for one reader; manager views label each line with its owner."""

    def __init__(self, t: Translator, agenda: Agenda, *, by_owner: bool) -> None:
        self.t = t
        self.agenda = agenda
        self.by_owner = by_owner

    def _owned(self, line: str, item: dict[str, Any]) -> str:
        owner = item.get("owner_name")
        if not self.by_owner or not owner:
            return line
        return self.t.gettext("{item} — {owner}").format(item=line, owner=clip(str(owner), NAME_LIMIT))

    def _customer(self, item: dict[str, Any]) -> str:
        return clip(str(item.get("customer_name") or ""), NAME_LIMIT)

    def follow_up(self, item: dict[str, Any]) -> str:
        t = self.t
        when = t.day_time(item["due_at"])
        note = clip(item["note"], NOTE_LIMIT) if item.get("note") else None
        if item.get("customer_name") is None:
            line = t.gettext("{note} · {when}").format(note=note or t.gettext("Reminder"), when=when)
        elif note:
            line = t.gettext("{customer}: {note} · {when}").format(
                customer=self._customer(item), note=note, when=when
            )
        else:
            line = t.gettext("{customer} · {when}").format(customer=self._customer(item), when=when)
        return self._owned(line, item)

    def birthday(self, item: dict[str, Any]) -> str:
        person = item.get("person_name")
        if person:
            line = self.t.gettext("{person} at {customer}").format(
                person=clip(str(person), NAME_LIMIT), customer=self._customer(item)
            )
        else:
            line = self._customer(item)
        return self._owned(line, item)

    def at_risk(self, item: dict[str, Any]) -> str:
        t = self.t
        score = item.get("health_score")
        if item.get("risk_level") == "high":
            line = t.gettext("{customer} — high risk, health {score}")
        else:
            line = t.gettext("{customer} — medium risk, health {score}")
        return self._owned(
            line.format(customer=self._customer(item), score="—" if score is None else score), item
        )

    def revisit(self, item: dict[str, Any]) -> str:
        t = self.t
        last = item.get("last_visit_at")
        if last is None:
            line = t.gettext("{customer} ({tier}) — never visited").format(
                customer=self._customer(item), tier=item["tier"]
            )
        else:
            line = t.gettext("{customer} ({tier}) — last visit {ago}").format(
                customer=self._customer(item), tier=item["tier"], ago=t.relative(last - self.agenda.now)
            )
        return self._owned(line, item)

    def sections(self) -> list[tuple[str, Section, Line]]:
        t, a = self.t, self.agenda
        return [
            (
                t.ngettext("⚠️ {n} overdue follow-up", "⚠️ {n} overdue follow-ups", a.overdue.total),
                a.overdue,
                self.follow_up,
            ),
            (
                t.ngettext("📌 {n} follow-up due today", "📌 {n} follow-ups due today", a.due_today.total),
                a.due_today,
                self.follow_up,
            ),
            (
                t.ngettext("🎂 {n} birthday today", "🎂 {n} birthdays today", a.birthdays.total),
                a.birthdays,
                self.birthday,
            ),
            (
                t.ngettext(
                    "🔥 {n} customer newly at risk", "🔥 {n} customers newly at risk", a.at_risk.total
                ),
                a.at_risk,
                self.at_risk,
            ),
            (
                t.ngettext("🚗 {n} customer due a visit", "🚗 {n} customers due a visit", a.revisits.total),
                a.revisits,
                self.revisit,
            ),
        ]

    def text(self, shown: int) -> str:
        t = self.t
        day = t.day(self.agenda.day, weekday=True)
        lines = [t.gettext("📅 Today, {date}").format(date=day)]
        for title, section, line in self.sections():
            if not section.total:
                continue
            lines += ["", title.format(n=section.total)]
            lines += ["• " + line(item) for item in section.items[:shown]]
            hidden = section.total - min(shown, len(section.items))
            if hidden > 0:
                lines.append(t.ngettext("+{n} more", "+{n} more", hidden).format(n=hidden))
        return "\n".join(lines)


def render(t: Translator, agenda: Agenda, *, by_owner: bool) -> tuple[str, InlineKeyboardMarkup | None]:
    """The agenda message and its buttons, always within Telegram's message length."""
    if agenda.is_empty:
        return (
            t.gettext(
                "Nothing is due today: no follow-ups, birthdays or customers at risk. "
                "A good day to visit someone new! ☀️"
            ),
            None,
        )
    renderer = _Renderer(t, agenda, by_owner=by_owner)
    shown = SHOWN_PER_SECTION
    text = renderer.text(shown)
    while len(text) > MessageLimit.MAX_TEXT_LENGTH and shown > 1:
        shown -= 1
        text = renderer.text(shown)
    return text, _keyboard(t, agenda, shown)


def _keyboard(t: Translator, agenda: Agenda, shown: int) -> InlineKeyboardMarkup | None:
    seen: dict[int, str] = {}
    for section in (agenda.overdue, agenda.due_today, agenda.birthdays, agenda.at_risk, agenda.revisits):
        for item in section.items[:shown]:
            customer_id = item.get("customer_id")
            if customer_id is not None and customer_id not in seen:
                seen[customer_id] = clip(str(item["customer_name"]), BUTTON_LIMIT)
    rows = [
        [
            InlineKeyboardButton(name, callback_data=OPEN_CUSTOMER.data(customer_id=customer_id)),
            InlineKeyboardButton(
                t.gettext("📝 Log visit"), callback_data=START_VISIT.data(customer_id=customer_id)
            ),
        ]
        for customer_id, name in seen.items()
    ]
    return InlineKeyboardMarkup(rows) if rows else None


async def show_today(update: Update, context: CrmContext) -> None:
    assert update.message is not None
    t = context.t
    try:
        async with context.work() as work:
            agenda = await today.today(work.session, viewer=work.viewer, now=work.now)
    except NoTeam:
        await update.message.reply_text(no_team_text(t))
        return
    text, keyboard = render(t, agenda, by_owner=work.viewer.effective_role is not Role.REP)
    await update.message.reply_text(text, reply_markup=keyboard)


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("today", show_today))
