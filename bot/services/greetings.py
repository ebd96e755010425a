"""Morning greeting pushes: a customer's birthday or a holiday, sent to the customer's owner.

The owner reads the push in their own language; the suggested greeting is in the customer's. A
birthday is one push per person; a holiday is one push per owner listing their customers, so a
festival does not flood anyone. Dedupe keys make every run after the first queue nothing new.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.greetings import (
    Holiday,
    Kind,
    birthday_greeting,
    birthday_match,
    customer_language,
    greeting_day,
    holiday_greeting,
    holidays_on,
)
from bot.domain.text import clip
from bot.i18n import N_, Translator
from storage.queries import greetings, outbox
from storage.queries.greetings import Born, Listed, Recipient, TeamRow

MAX_BIRTHDAYS = 1000
LISTED_PER_OWNER = 20
MAX_LISTED_NAME = 60
MAX_BUTTON_NAME = 30
PUSH_PRIORITY = 4

TranslatorFor = Callable[[str | None, str], Translator]

HOLIDAY_HEADLINES = {
    Kind.SPRING_FESTIVAL: N_("🧧 Spring Festival today: greet your customers."),
    Kind.MID_AUTUMN: N_("🥮 Mid-Autumn Festival today: greet your customers."),
    Kind.HOLIDAY: N_("🎉 {holiday} today: greet your customers."),
}


@dataclass(frozen=True, slots=True)
class TeamDay:
    """A team whose greeting time has come, and its local date."""

    team: TeamRow
    day: date


@dataclass(frozen=True, slots=True)
class Writer:
    """Renders pushes for one team: translators for owners and for customers' languages."""

    team: TeamRow
    translator: TranslatorFor
    default_locale: str

    def owner_locale(self, owner: Recipient) -> str:
        return owner.locale or self.team.locale or self.default_locale

    def for_owner(self, owner: Recipient) -> Translator:
        return self.translator(self.owner_locale(owner), owner.timezone or self.team.timezone)

    def for_customer(self, owner: Recipient, account_locale: str | None, *names: str | None) -> str:
        return customer_language(
            account_locale=account_locale, names=names, fallback=self.owner_locale(owner)
        )


async def due_teams(session: AsyncSession, *, now: datetime) -> list[TeamDay]:
    """Teams where it is past the greeting hour today, each in its own time zone."""
    due = []
    for team in await greetings.teams(session):
        day = greeting_day(now, team.timezone)
        if day is not None:
            due.append(TeamDay(team, day))
    return due


async def enqueue_for_team(
    session: AsyncSession, *, due: TeamDay, now: datetime, translator: TranslatorFor, default_locale: str
) -> int:
    """Queue the day's birthday and holiday pushes of one team; how many were new."""
    writer = Writer(due.team, translator, default_locale)
    match = birthday_match(due.day)
    born = await greetings.born_on(
        session,
        team_id=due.team.id,
        month=match.month,
        day=match.day,
        with_leap_day=match.with_leap_day,
        limit=MAX_BIRTHDAYS,
    )
    pushes = [_birthday_push(writer, person, due.day) for person in born]
    festivities = holidays_on(due.day, due.team.phone_region)
    if festivities:
        listed = await greetings.first_customers_by_owner(
            session, team_id=due.team.id, per_owner=LISTED_PER_OWNER
        )
        for holiday in festivities:
            pushes += [
                _holiday_push(writer, holiday, customers, due.day) for customers in _by_owner(listed).values()
            ]
    return await outbox.enqueue_many(session, pushes=pushes, now=now)


def _by_owner(listed: Iterable[Listed]) -> dict[int, list[Listed]]:
    grouped: dict[int, list[Listed]] = {}
    for row in listed:
        grouped.setdefault(row.owner.user_id, []).append(row)
    return grouped


def _message(text: str, keyboard: list[list[dict[str, str]]]) -> dict[str, Any]:
    return {
        "method": "sendMessage",
        "params": {"text": text, "parse_mode": "HTML", "reply_markup": {"inline_keyboard": keyboard}},
    }


def _suggestion(t: Translator, greetings_text: Iterable[str]) -> str:
    blocks = "\n".join(f"<code>{escape(text)}</code>" for text in greetings_text)
    return t.gettext("Suggested message:") + "\n" + blocks


def _birthday_push(writer: Writer, person: Born, day: date) -> outbox.Push:
    t = writer.for_owner(person.owner)
    language = writer.for_customer(
        person.owner, person.account_locale, person.person_name, person.customer_name, person.company
    )
    greeting = birthday_greeting(writer.translator(language, writer.team.timezone), person.person_name)
    if person.contact_id is None:
        headline = t.gettext("🎂 Today is {customer}'s birthday.").format(
            customer=escape(person.customer_name)
        )
        occasion = "birthday"
    else:
        headline = t.gettext("🎂 Today is {person}'s birthday ({customer}).").format(
            person=escape(person.person_name), customer=escape(person.customer_name)
        )
        occasion = f"birthday-{person.contact_id}"
    button = {"text": t.gettext("Open customer"), "callback_data": f"cust:open:{person.customer_id}"}
    return outbox.Push(
        dedupe_key=f"greeting:{person.customer_id}:{occasion}:{day.isoformat()}",
        chat_id=person.owner.chat_id,
        user_id=person.owner.user_id,
        kind="greeting",
        payload=_message(f"{headline}\n\n{_suggestion(t, [greeting])}", [[button]]),
        priority=PUSH_PRIORITY,
    )


def _holiday_push(writer: Writer, holiday: Holiday, customers: list[Listed], day: date) -> outbox.Push:
    owner = customers[0].owner
    t = writer.for_owner(owner)
    headline = t.gettext(HOLIDAY_HEADLINES[holiday.kind]).format(holiday=escape(holiday.name(t.locale)))
    lines = [f"• {escape(clip(c.customer_name, MAX_LISTED_NAME))}" for c in customers]
    more = customers[0].owner_total - len(customers)
    if more > 0:
        lines.append(t.ngettext("+{count} more", "+{count} more", more).format(count=more))
    languages = {
        writer.for_customer(owner, c.account_locale, c.customer_name, c.company): None for c in customers
    }
    ordered = sorted(languages, key=lambda language: language != t.locale)
    suggested = [
        holiday_greeting(writer.translator(language, writer.team.timezone), holiday) for language in ordered
    ]
    keyboard = [
        [{"text": clip(c.customer_name, MAX_BUTTON_NAME), "callback_data": f"cust:open:{c.customer_id}"}]
        for c in customers
    ]
    text = "\n".join([headline, *lines]) + "\n\n" + _suggestion(t, suggested)
    return outbox.Push(
        dedupe_key=f"greeting:owner-{owner.user_id}:{holiday.key}:{day.isoformat()}",
        chat_id=owner.chat_id,
        user_id=owner.user_id,
        kind="greeting",
        payload=_message(text, keyboard),
        priority=PUSH_PRIORITY,
    )
