"""How a greeting push reads: the birthday or the holiday for the owner, in the owner's language,
and the greeting to send, in the customer's; a holiday's list cut short has a button to all of it."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any, cast

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import Application

from bot.domain.greetings import birthday_greeting, holiday_greeting
from bot.domain.holiday_calendar import Holiday, Kind
from bot.domain.text import clip
from bot.i18n import N_, I18n, Translator
from bot.outbox import payloads
from bot.runtime.context import CrmApplication
from bot.runtime.pushes import render_with
from bot.services.greetings import Birthday, HolidayGreetings
from handlers.card.callbacks import OPEN_CUSTOMER
from handlers.card.links import open_customer_markup
from handlers.reminder import greeting_list

MAX_LISTED_NAME = 60
MAX_BUTTON_NAME = 30

HOLIDAY_HEADLINES = {
    Kind.SPRING_FESTIVAL: N_("🧧 Spring Festival today: greet your customers."),
    Kind.MID_AUTUMN: N_("🥮 Mid-Autumn Festival today: greet your customers."),
    Kind.HOLIDAY: N_("🎉 {holiday} today: greet your customers."),
}
UNNAMED_HOLIDAY_HEADLINE = N_("🎉 A public holiday today: greet your customers.")


def _suggestion(t: Translator, greetings_text: Iterable[str]) -> str:
    blocks = "\n".join(f"<code>{escape(text)}</code>" for text in greetings_text)
    return t.gettext("Suggested message:") + "\n" + blocks


def _open(label: str, customer_id: int) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(label, callback_data=OPEN_CUSTOMER.data(customer_id=customer_id))]


def _headline(t: Translator, holiday: Holiday) -> str:
    name = holiday.name(t.locale)
    if name is None:
        return t.gettext(UNNAMED_HOLIDAY_HEADLINE)
    return t.gettext(HOLIDAY_HEADLINES[holiday.kind]).format(holiday=escape(name))


def birthday_payload(i18n: I18n, birthday: Birthday, t: Translator) -> dict[str, Any]:
    greeting = birthday_greeting(i18n.translator(birthday.language, birthday.timezone), birthday.person_name)
    if birthday.contact:
        headline = t.gettext("🎂 Today is {person}'s birthday ({customer}).").format(
            person=escape(birthday.person_name), customer=escape(birthday.customer_name)
        )
    else:
        headline = t.gettext("🎂 Today is {customer}'s birthday.").format(
            customer=escape(birthday.customer_name)
        )
    keyboard = open_customer_markup(t, birthday.customer_id)
    return payloads.message(f"{headline}\n\n{_suggestion(t, [greeting])}", keyboard)


def holiday_payload(i18n: I18n, day: HolidayGreetings, t: Translator) -> dict[str, Any]:
    holiday = day.holiday
    headline = _headline(t, holiday)
    lines = [f"• {escape(clip(c.customer_name, MAX_LISTED_NAME))}" for c in day.customers]
    if day.more > 0:
        lines.append(t.ngettext("+{count} more", "+{count} more", day.more).format(count=day.more))
    ordered = sorted(day.languages, key=lambda language: language != t.locale)
    suggested = [holiday_greeting(i18n.translator(language, day.timezone), holiday) for language in ordered]
    rows = [_open(clip(c.customer_name, MAX_BUTTON_NAME), c.customer_id) for c in day.customers]
    if day.more > 0:
        rows.append([greeting_list.opener(t, len(day.customers) + day.more)])
    keyboard = InlineKeyboardMarkup(rows)
    text = "\n".join([headline, *lines]) + "\n\n" + _suggestion(t, suggested)
    return payloads.message(text, keyboard)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """The greetings' renderers translate the suggestion too, so they hold the application's catalogues."""
    i18n = cast(CrmApplication, application).i18n
    render_with(application, Birthday, lambda notice, t: birthday_payload(i18n, notice, t))
    render_with(application, HolidayGreetings, lambda notice, t: holiday_payload(i18n, notice, t))
