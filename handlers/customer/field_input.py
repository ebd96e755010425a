"""Reading one customer field from what a rep typed, with the same checks and wording in /new and
in editing: the value to save, or a localized explanation of what to send instead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from babel import Locale
from babel.dates import format_skeleton

from bot.domain import birthdays, phones
from bot.domain.customer_fields import (
    MAX_ADDRESS,
    MAX_COMPANY,
    MAX_TAG,
    MAX_TAGS,
    TIERS,
    Field,
    TextProblem,
    check_name,
    check_text,
    check_tier,
    parse_tags,
)
from bot.domain.names import MAX_NAME
from bot.domain.text import join_list
from bot.i18n import N_, Translator

FIELD_LABELS: dict[Field, str] = {
    Field.NAME: N_("Name"),
    Field.COMPANY: N_("Company"),
    Field.PHONE: N_("Phone"),
    Field.ADDRESS: N_("Address"),
    Field.BIRTHDAY: N_("Birthday"),
    Field.TIER: N_("Tier"),
    Field.TAGS: N_("Tags"),
}


@dataclass(frozen=True, slots=True)
class Parsed:
    """`value` when the input is good, else `error` to show; `note` is a remark to pass on."""

    value: Any = None
    error: str | None = None
    note: str | None = None


def field_label(field: Field, t: Translator) -> str:
    return t.gettext(FIELD_LABELS[field])


def country_name(region: str, t: Translator) -> str:
    return str(Locale.parse(t.locale).territories.get(region.upper(), region.upper()))


def birthday_text(value: date, t: Translator) -> str:
    """'May 17, 1990' / '1990年5月17日' in the date style of every other date, or 'May 17' / '5月17日'
    when the year is unknown."""
    skeleton = "yMMMd" if birthdays.has_year(value) else "MMMd"
    return str(format_skeleton(skeleton, value, locale=t.locale))


def _text_problem(problem: TextProblem, limit: int, t: Translator) -> str:
    if problem is TextProblem.TOO_LONG:
        return t.gettext("That is too long: at most {limit} characters, please.").format(limit=limit)
    if problem is TextProblem.NO_LETTERS:
        return t.gettext("A name needs at least one letter or character I can search for.")
    return t.gettext("Please send it as text.")


def parse(field: Field, text: str, *, region: str, today: date, t: Translator) -> Parsed:
    if field is Field.NAME:
        name, problem = check_name(text)
        return Parsed(error=_text_problem(problem, MAX_NAME, t)) if problem else Parsed(value=name)
    if field in (Field.COMPANY, Field.ADDRESS):
        limit = MAX_COMPANY if field is Field.COMPANY else MAX_ADDRESS
        value, problem = check_text(text, limit=limit)
        return Parsed(error=_text_problem(problem, limit, t)) if problem else Parsed(value=value)
    if field is Field.PHONE:
        return _phone(text, region=region, t=t)
    if field is Field.BIRTHDAY:
        born = birthdays.parse(text, today=today)
        if born is None:
            return Parsed(
                error=t.gettext(
                    "I couldn't read that date. Try 1990-05-17, 5/17, 5月17日 or 17 May; "
                    "the year is optional."
                )
            )
        return Parsed(value=born.as_date())
    if field is Field.TIER:
        tier = check_tier(text)
        if tier is None:
            return Parsed(
                error=t.gettext("The tier is one of {tiers}.").format(tiers=join_list(TIERS, t.locale))
            )
        return Parsed(value=tier)
    tags, trimmed = parse_tags(text)
    if not tags:
        return Parsed(
            error=t.gettext("Please send tags separated by commas or spaces, e.g. #wholesale, north.")
        )
    note = (
        t.gettext("I kept at most {count} tags of up to {limit} characters each.").format(
            count=MAX_TAGS, limit=MAX_TAG
        )
        if trimmed
        else None
    )
    return Parsed(value=tags, note=note)


def _phone(text: str, *, region: str, t: Translator) -> Parsed:
    result = phones.parse(text, region=region)
    if result.e164 is not None:
        return Parsed(value=result.e164)
    if result.problem is phones.PhoneProblem.NEEDS_COUNTRY_CODE:
        return Parsed(
            error=t.gettext(
                "That is not a valid number in {country}. For a number from another country, "
                "start with + and the country code, e.g. +44 20 7946 0958."
            ).format(country=country_name(region, t))
        )
    return Parsed(
        error=t.gettext("That doesn't look like a valid phone number. Please check it, e.g. 138 1234 5678.")
    )
