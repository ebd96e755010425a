"""How one agenda item reads, in /today and in a whole section's list, and the buttons to act on the
customers named: their card and a visit to log. A manager's lines name each item's owner."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton

from bot.domain.text import clip
from bot.i18n import Translator
from bot.services.today import Part
from handlers.card.callbacks import OPEN_CUSTOMER
from handlers.visit.callbacks import START_VISIT

NAME_LIMIT = 40
NOTE_LIMIT = 60
BUTTON_LIMIT = 28

Item = Mapping[str, Any]
Line = Callable[[Item], str]


class Lines:
    """The line of each kind of item, for one reader; manager views label each line with its owner."""

    def __init__(self, t: Translator, *, now: datetime, by_owner: bool) -> None:
        self.t = t
        self.now = now
        self.by_owner = by_owner

    def of(self, part: Part) -> Line:
        return {
            Part.OVERDUE: self.follow_up,
            Part.DUE_TODAY: self.follow_up,
            Part.BIRTHDAYS: self.birthday,
            Part.AT_RISK: self.at_risk,
            Part.REVISITS: self.revisit,
        }[part]

    def _owned(self, line: str, item: Item) -> str:
        owner = item.get("owner_name")
        if not self.by_owner or not owner:
            return line
        return self.t.gettext("{item} — {owner}").format(item=line, owner=clip(str(owner), NAME_LIMIT))

    def _customer(self, item: Item) -> str:
        return clip(str(item.get("customer_name") or ""), NAME_LIMIT)

    def follow_up(self, item: Item) -> str:
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

    def birthday(self, item: Item) -> str:
        person = item.get("person_name")
        if person:
            line = self.t.gettext("{person} at {customer}").format(
                person=clip(str(person), NAME_LIMIT), customer=self._customer(item)
            )
        else:
            line = self._customer(item)
        return self._owned(line, item)

    def at_risk(self, item: Item) -> str:
        t = self.t
        score = item.get("health_score")
        if item.get("risk_level") == "high":
            line = t.gettext("{customer} — high risk, health {score}")
        else:
            line = t.gettext("{customer} — medium risk, health {score}")
        return self._owned(
            line.format(customer=self._customer(item), score="—" if score is None else score), item
        )

    def revisit(self, item: Item) -> str:
        t = self.t
        last = item.get("last_visit_at")
        if last is None:
            line = t.gettext("{customer} ({tier}) — never visited").format(
                customer=self._customer(item), tier=item["tier"]
            )
        else:
            line = t.gettext("{customer} ({tier}) — last visit {ago}").format(
                customer=self._customer(item), tier=item["tier"], ago=t.relative(last - self.now)
            )
        return self._owned(line, item)


def heading(t: Translator, part: Part, n: int) -> str:
    """A section's heading with its count, as /today and the section's own list start."""
    return {
        Part.OVERDUE: t.ngettext("⚠️ {n} overdue follow-up", "⚠️ {n} overdue follow-ups", n),
        Part.DUE_TODAY: t.ngettext("📌 {n} follow-up due today", "📌 {n} follow-ups due today", n),
        Part.BIRTHDAYS: t.ngettext("🎂 {n} birthday today", "🎂 {n} birthdays today", n),
        Part.AT_RISK: t.ngettext("🔥 {n} customer newly at risk", "🔥 {n} customers newly at risk", n),
        Part.REVISITS: t.ngettext("🚗 {n} customer due a visit", "🚗 {n} customers due a visit", n),
    }[part].format(n=n)


def customer_rows(t: Translator, items: Iterable[Item]) -> list[list[InlineKeyboardButton]]:
    """One row per customer named (once, in order): their card, and a visit to log."""
    seen: dict[int, str] = {}
    for item in items:
        customer_id = item.get("customer_id")
        if customer_id is not None and customer_id not in seen:
            seen[int(customer_id)] = clip(str(item["customer_name"]), BUTTON_LIMIT)
    return [
        [
            InlineKeyboardButton(name, callback_data=OPEN_CUSTOMER.data(customer_id=customer_id)),
            InlineKeyboardButton(
                t.gettext("📝 Log visit"), callback_data=START_VISIT.data(customer_id=customer_id)
            ),
        ]
        for customer_id, name in seen.items()
    ]
