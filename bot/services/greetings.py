"""Morning greeting pushes: a customer's birthday or a holiday, sent to the customer's owner.

The owner reads the push in their own language; the suggested greeting is in the customer's
(worded by handlers/reminder/greetings.py). A birthday is one push per person; a holiday is one push
per owner listing their customers, so a festival does not flood anyone. Dedupe keys make every run
after the first queue nothing new.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.greetings import birthday_match, customer_language, greeting_day
from bot.domain.holiday_calendar import Holiday, holidays_on
from bot.services.pushes import PushRequest, Recipient
from storage.queries import greetings
from storage.queries.greetings import Born, Listed, TeamRow
from storage.queries.greetings import Recipient as Owner

MAX_BIRTHDAYS = 1000
LISTED_PER_OWNER = 20
PUSH_PRIORITY = 4


@dataclass(frozen=True, slots=True)
class TeamDay:
    """A team whose greeting time has come, and its local date."""

    team: TeamRow
    day: date


@dataclass(frozen=True, slots=True)
class Birthday:
    """A customer, or one of its contacts (`contact` set), born today; the greeting to suggest is in
    `language`, the customer's, dated in `timezone`, the team's."""

    customer_id: int
    customer_name: str
    person_name: str
    contact: bool
    language: str
    timezone: str


@dataclass(frozen=True, slots=True)
class Greeted:
    customer_id: int
    customer_name: str


@dataclass(frozen=True, slots=True)
class HolidayGreetings:
    """A holiday and an owner's first customers (`more` not listed); a greeting is suggested in each
    of their `languages`, dated in `timezone`, the team's."""

    holiday: Holiday
    customers: list[Greeted]
    more: int
    languages: list[str]
    timezone: str


@dataclass(frozen=True, slots=True)
class Languages:
    """Whose language is what, for one team: owners read theirs, greetings are in the customer's."""

    team: TeamRow
    default_locale: str

    def owner_locale(self, owner: Owner) -> str:
        return owner.locale or self.team.locale or self.default_locale

    def to(self, owner: Owner) -> Recipient:
        return Recipient(
            owner.chat_id, owner.user_id, self.owner_locale(owner), owner.timezone or self.team.timezone
        )

    def for_customer(self, owner: Owner, account_locale: str | None, *names: str | None) -> str:
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


async def greetings_for_team(
    session: AsyncSession, *, due: TeamDay, default_locale: str
) -> list[PushRequest]:
    """The day's birthday and holiday pushes of one team, to queue."""
    languages = Languages(due.team, default_locale)
    match = birthday_match(due.day)
    born = await greetings.born_on(
        session,
        team_id=due.team.id,
        month=match.month,
        day=match.day,
        with_leap_day=match.with_leap_day,
        limit=MAX_BIRTHDAYS,
    )
    requests = [_birthday_push(languages, person, due.day) for person in born]
    festivities = holidays_on(due.day, due.team.phone_region)
    if festivities:
        listed = await greetings.first_customers_by_owner(
            session, team_id=due.team.id, per_owner=LISTED_PER_OWNER
        )
        for holiday in festivities:
            requests += [
                _holiday_push(languages, holiday, customers, due.day)
                for customers in _by_owner(listed).values()
            ]
    return requests


def _by_owner(listed: Iterable[Listed]) -> dict[int, list[Listed]]:
    grouped: dict[int, list[Listed]] = {}
    for row in listed:
        grouped.setdefault(row.owner.user_id, []).append(row)
    return grouped


def _birthday_push(languages: Languages, person: Born, day: date) -> PushRequest:
    language = languages.for_customer(
        person.owner, person.account_locale, person.person_name, person.customer_name, person.company
    )
    occasion = "birthday" if person.contact_id is None else f"birthday-{person.contact_id}"
    birthday = Birthday(
        customer_id=person.customer_id,
        customer_name=person.customer_name,
        person_name=person.person_name,
        contact=person.contact_id is not None,
        language=language,
        timezone=languages.team.timezone,
    )
    return PushRequest(
        dedupe_key=f"greeting:{person.customer_id}:{occasion}:{day.isoformat()}",
        kind="greeting",
        to=languages.to(person.owner),
        notice=birthday,
        priority=PUSH_PRIORITY,
    )


def _holiday_push(languages: Languages, holiday: Holiday, customers: list[Listed], day: date) -> PushRequest:
    owner = customers[0].owner
    spoken = {
        languages.for_customer(owner, c.account_locale, c.customer_name, c.company): None for c in customers
    }
    greetings_of_day = HolidayGreetings(
        holiday=holiday,
        customers=[Greeted(c.customer_id, c.customer_name) for c in customers],
        more=customers[0].owner_total - len(customers),
        languages=list(spoken),
        timezone=languages.team.timezone,
    )
    return PushRequest(
        dedupe_key=f"greeting:owner-{owner.user_id}:{holiday.key}:{day.isoformat()}",
        kind="greeting",
        to=languages.to(owner),
        notice=greetings_of_day,
        priority=PUSH_PRIORITY,
    )
