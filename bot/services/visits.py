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
from storage.models import Customer
from storage.queries import reminders, revisits, visits

MAX_NOTES = 1000


@dataclass(frozen=True)
class VisitDraft:
    """What the rep entered, as plain data (the dialog keeps it in user_data between steps)."""

    customer_id: int
    kind: str
    outcome: str
    notes: str | None = None
    photo_file_id: str | None = None
    voice_file_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: float | None = None
    adopt_location: bool = False
    follow_up_at: datetime | None = None


@dataclass(frozen=True)
class SavedVisit:
    visit_id: int
    customer_name: str
    follow_up_at: datetime | None
    distance_m: float | None
    duplicate: bool


@dataclass(frozen=True)
class CustomerBrief:
    id: int
    name: str
    company: str | None
    has_location: bool


@dataclass(frozen=True)
class CheckIn:
    distance_m: float | None


def _brief(customer: Customer) -> CustomerBrief:
    return CustomerBrief(
        id=customer.id,
        name=customer.name,
        company=customer.company,
        has_location=customer.latitude is not None and customer.longitude is not None,
    )


async def customer_brief(session: AsyncSession, *, viewer: Viewer, customer_id: int) -> CustomerBrief:
    """The customer a dialog is about, if the viewer may act on them (raises NotVisible)."""
    return _brief(await visible_customer(session, viewer=viewer, customer_id=customer_id))


def _distance(customer: Customer, latitude: float, longitude: float) -> float | None:
    if customer.latitude is None or customer.longitude is None:
        return None
    return haversine_m(customer.latitude, customer.longitude, latitude, longitude)


async def check_in(
    session: AsyncSession, *, viewer: Viewer, customer_id: int, latitude: float, longitude: float
) -> CheckIn:
    """How far the rep stands from the customer's stored location (None when none is stored)."""
    customer = await visible_customer(session, viewer=viewer, customer_id=customer_id)
    return CheckIn(distance_m=_distance(customer, latitude, longitude))


async def is_saved(session: AsyncSession, *, client_ref: str) -> bool:
    return await visits.by_client_ref(session, client_ref=client_ref) is not None


async def save_visit(
    session: AsyncSession, *, viewer: Viewer, draft: VisitDraft, client_ref: str, now: datetime
) -> SavedVisit:
    """Store the visit once: a second press of the same Save button finds the first and stops."""
    customer = await visible_customer(session, viewer=viewer, customer_id=draft.customer_id)
    existing = await visits.by_client_ref(session, client_ref=client_ref)
    if existing is not None:
        return SavedVisit(existing.id, customer.name, customer.next_follow_up_at, existing.distance_m, True)
    located = draft.kind == VisitKind.ON_SITE and draft.latitude is not None and draft.longitude is not None
    distance: float | None = None
    if located:
        assert draft.latitude is not None
        assert draft.longitude is not None
        distance = _distance(customer, draft.latitude, draft.longitude)
        if distance is None and draft.adopt_location:
            customer.latitude, customer.longitude = draft.latitude, draft.longitude
            distance = 0.0
    visit = await visits.add(
        session,
        team_id=customer.team_id,
        customer_id=customer.id,
        rep_id=viewer.user_id,
        kind=draft.kind,
        outcome=draft.outcome,
        notes=draft.notes[:MAX_NOTES] if draft.notes else None,
        photo_file_id=draft.photo_file_id,
        voice_file_id=draft.voice_file_id,
        latitude=draft.latitude if located else None,
        longitude=draft.longitude if located else None,
        accuracy_m=draft.accuracy_m if located else None,
        distance_m=distance,
        visited_at=now,
        client_ref=client_ref,
    )
    if draft.follow_up_at is not None:
        await reminders.add(
            session,
            team_id=customer.team_id,
            user_id=viewer.user_id,
            kind=ReminderKind.FOLLOW_UP,
            due_at=draft.follow_up_at,
            now=now,
            customer_id=customer.id,
            note=draft.notes[:200] if draft.notes else None,
        )
        customer.next_follow_up_at = draft.follow_up_at
    if customer.last_visit_at is None or customer.last_visit_at < now:
        customer.last_visit_at = now
    await revisits.close_for(session, customer_id=customer.id, now=now)
    await schedule_csat(session, customer=customer, visit_id=visit.id, visited_at=now, now=now)
    await session.flush()
    return SavedVisit(visit.id, customer.name, draft.follow_up_at, distance, False)
