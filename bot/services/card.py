"""The customer 360° card: everything a rep needs before walking in, in a handful of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import phones
from bot.domain.cadence import cadence_days, cadence_overrides
from bot.domain.enums import AuditAction, FeedbackKind
from bot.domain.viewer import Viewer
from bot.services.surveys import CsatAverage
from bot.services.visibility import NotVisible, visible_customer
from storage.models import Customer
from storage.queries import audit, card, orders, visits
from storage.queries.card import LatestScore

RECENT_DAYS = 90


@dataclass(frozen=True)
class VisitLine:
    visited_at: datetime
    kind: str
    outcome: str | None
    notes: str | None


@dataclass(frozen=True)
class OrderLine:
    ordered_at: datetime
    amount: Decimal
    currency: str
    note: str | None


@dataclass(frozen=True)
class VisitDue:
    """When the customer's tier cadence wants the next visit: `days` after the last one (or, never
    visited, after the customer was added)."""

    at: datetime
    days: int


@dataclass(frozen=True)
class ContactLine:
    name: str
    title: str | None
    phone: str | None
    is_primary: bool


@dataclass(frozen=True)
class CustomerCard:
    id: int
    name: str
    company: str | None
    owner_name: str | None
    viewer_is_owner: bool
    phone: str | None
    address: str | None
    note: str | None
    tier: str
    stage: str
    health_score: int | None
    risk_level: str | None
    health_reasons: list[dict[str, Any]]
    rfm: tuple[int, int, int] | None
    # The earliest open reminder about the customer; without one, the visit its cadence asks for.
    next_reminder_at: datetime | None
    visit_due: VisitDue
    visits: list[VisitLine]
    # The orders of the last RECENT_DAYS (a few, newest first) and the newest of all.
    orders: list[OrderLine]
    last_order: OrderLine | None
    totals_90d: dict[str, Decimal]
    open_tickets: int
    csat: LatestScore | None
    csat_90d: CsatAverage | None
    nps: LatestScore | None
    contacts: list[ContactLine]
    tags: list[str]
    has_location: bool
    on_telegram: bool


@dataclass(frozen=True)
class CustomerLocation:
    name: str
    address: str | None
    latitude: float | None
    longitude: float | None


def _phone(e164: str | None, *, full: bool) -> str | None:
    if not e164:
        return None
    return phones.display(e164) if full else phones.mask(e164)


def _visit_due(customer: Customer, settings: dict[str, Any] | None) -> VisitDue:
    days = cadence_days(customer.tier, cadence_overrides(settings))
    last_contact = customer.last_visit_at or customer.created_at
    return VisitDue(last_contact + timedelta(days=days), days)


def _reasons(raw: list[Any]) -> list[dict[str, Any]]:
    return [r for r in raw if isinstance(r, dict) and isinstance(r.get("code"), str)]


async def card_for(session: AsyncSession, *, viewer: Viewer, customer_id: int, now: datetime) -> CustomerCard:
    """The card, if `viewer` may see this customer (the `visible_to` filter is part of the first
    query); the view is written to the audit log."""
    head = await card.header(
        session, viewer=viewer, customer_id=customer_id, csat_since=now - timedelta(days=RECENT_DAYS)
    )
    if head is None:
        raise NotVisible(customer_id)
    customer = head.customer
    is_owner = customer.owner_id == viewer.user_id
    scores = head.scores
    recent_visits = await visits.latest(session, customer_id=customer_id, limit=3)
    since = now - timedelta(days=RECENT_DAYS)
    latest_orders = [
        OrderLine(o.ordered_at, o.amount, o.currency, o.note)
        for o in await orders.latest(session, customer_id=customer_id, limit=3)
    ]
    totals = await orders.totals_since(session, customer_id=customer_id, since=since)
    await audit.record(
        session,
        action=AuditAction.CUSTOMER_VIEWED,
        actor_id=viewer.user_id,
        now=now,
        team_id=customer.team_id,
        customer_id=customer.id,
    )
    rfm = (
        (customer.rfm_r, customer.rfm_f, customer.rfm_m)
        if customer.rfm_r is not None and customer.rfm_f is not None and customer.rfm_m is not None
        else None
    )
    return CustomerCard(
        id=customer.id,
        name=customer.name,
        company=customer.company,
        owner_name=head.owner_name,
        viewer_is_owner=is_owner,
        phone=_phone(customer.phone_e164, full=is_owner),
        address=customer.address,
        note=customer.note,
        tier=customer.tier,
        stage=customer.stage,
        health_score=customer.health_score,
        risk_level=customer.risk_level,
        health_reasons=_reasons(customer.health_reasons or []),
        rfm=rfm,
        next_reminder_at=head.next_reminder_at,
        visit_due=_visit_due(customer, head.team_settings),
        visits=[VisitLine(v.visited_at, v.kind, v.outcome, v.notes) for v in recent_visits],
        orders=[line for line in latest_orders if line.ordered_at >= since],
        last_order=latest_orders[0] if latest_orders else None,
        totals_90d=totals,
        open_tickets=head.open_tickets,
        csat=scores.get(FeedbackKind.CSAT),
        csat_90d=CsatAverage.of(head.csat_total, head.csat_answers),
        nps=scores.get(FeedbackKind.NPS),
        contacts=[
            ContactLine(c.name, c.title, _phone(c.phone_e164, full=is_owner), c.is_primary)
            for c in sorted(customer.contacts, key=lambda c: (not c.is_primary, c.id))
        ],
        tags=sorted(tag.name for tag in customer.tags),
        has_location=customer.latitude is not None and customer.longitude is not None,
        on_telegram=customer.user_id is not None,
    )


async def location_of(session: AsyncSession, *, viewer: Viewer, customer_id: int) -> CustomerLocation:
    """Where the customer is, for "Show on map"; coordinates are None when none is stored."""
    customer = await visible_customer(session, viewer=viewer, customer_id=customer_id)
    return CustomerLocation(customer.name, customer.address, customer.latitude, customer.longitude)
