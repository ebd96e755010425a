"""Logging a visit: the visit, its follow-up reminder and the customer's dates, in one unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import ReminderKind, VisitKind
from bot.domain.geo import haversine_m
from bot.domain.viewer import Viewer
from bot.services.surveys import schedule_csat
from bot.services.visibility import visible_customer
from storage.queries import reminders, revisits, visits

MAX_NOTES = 1000


@dataclass(frozen=True, slots=True)
class Notes:
    """Notes as a visit keeps them (`text`, at most MAX_NOTES characters) and how long they were."""

    text: str
    length: int

    @property
    def too_long(self) -> bool:
        return self.length > MAX_NOTES


def read_notes(given: str) -> Notes:
    """The one place the notes limit applies: the dialog refuses typed notes that are too long
    and keeps the start of a caption that is."""
    text = given.strip()
    return Notes(text[:MAX_NOTES], len(text))


@dataclass(frozen=True, slots=True)
class CheckIn:
    """Where the rep stood, and how far that was from the customer's stored location (None when
    none was stored): measured once, when the rep shares the location."""

    latitude: float
    longitude: float
    accuracy_m: float | None
    distance_m: float | None


@dataclass(frozen=True, slots=True)
class NewVisit:
    """A visit as the rep entered it, complete; `notes` as `read_notes` gives them."""

    customer_id: int
    kind: str
    outcome: str
    notes: str | None = None
    photo_file_id: str | None = None
    voice_file_id: str | None = None
    check_in: CheckIn | None = None
    adopt_location: bool = False
    follow_up_at: datetime | None = None


@dataclass(frozen=True)
class SavedVisit:
    visit_id: int
    customer_name: str
    follow_up_at: datetime | None
    distance_m: float | None
    duplicate: bool


async def check_in(
    session: AsyncSession,
    *,
    viewer: Viewer,
    customer_id: int,
    latitude: float,
    longitude: float,
    accuracy_m: float | None,
) -> CheckIn:
    """The rep's shared location measured against the customer's stored one."""
    customer = await visible_customer(session, viewer=viewer, customer_id=customer_id)
    distance = (
        None
        if customer.latitude is None or customer.longitude is None
        else haversine_m(customer.latitude, customer.longitude, latitude, longitude)
    )
    return CheckIn(latitude, longitude, accuracy_m, distance)


async def is_saved(session: AsyncSession, *, client_ref: str) -> bool:
    return await visits.by_client_ref(session, client_ref=client_ref) is not None


async def save_visit(
    session: AsyncSession, *, viewer: Viewer, visit: NewVisit, client_ref: str, now: datetime
) -> SavedVisit:
    """Store the visit once: a second press of the same Save button finds the first and stops."""
    customer = await visible_customer(session, viewer=viewer, customer_id=visit.customer_id)
    existing = await visits.by_client_ref(session, client_ref=client_ref)
    if existing is not None:
        return SavedVisit(existing.id, customer.name, customer.next_follow_up_at, existing.distance_m, True)
    located = visit.check_in if visit.kind == VisitKind.ON_SITE else None
    distance = located.distance_m if located is not None else None
    unplaced = customer.latitude is None or customer.longitude is None
    if located is not None and distance is None and visit.adopt_location and unplaced:
        customer.latitude, customer.longitude = located.latitude, located.longitude
        distance = 0.0
    row = await visits.add(
        session,
        team_id=customer.team_id,
        customer_id=customer.id,
        rep_id=viewer.user_id,
        kind=visit.kind,
        outcome=visit.outcome,
        notes=visit.notes or None,
        photo_file_id=visit.photo_file_id,
        voice_file_id=visit.voice_file_id,
        latitude=located.latitude if located is not None else None,
        longitude=located.longitude if located is not None else None,
        accuracy_m=located.accuracy_m if located is not None else None,
        distance_m=distance,
        visited_at=now,
        client_ref=client_ref,
    )
    if visit.follow_up_at is not None:
        await reminders.add(
            session,
            team_id=customer.team_id,
            user_id=viewer.user_id,
            kind=ReminderKind.FOLLOW_UP,
            due_at=visit.follow_up_at,
            now=now,
            customer_id=customer.id,
            note=visit.notes[:200] if visit.notes else None,
        )
        customer.next_follow_up_at = visit.follow_up_at
    if customer.last_visit_at is None or customer.last_visit_at < now:
        customer.last_visit_at = now
    await revisits.close_for(session, customer_id=customer.id, now=now)
    await schedule_csat(session, customer=customer, visit_id=row.id, visited_at=now, now=now)
    await session.flush()
    return SavedVisit(row.id, customer.name, visit.follow_up_at, distance, False)
