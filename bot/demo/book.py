"""Writes the planned customer book (bot/demo/history.py) into the real tables, set-based.

Rows go in with one multi-row INSERT per table and period; ids come back through RETURNING in the
order of the rows, so visits, surveys, feedback and ticket events can point at what they belong to.
`write_events` is called once per period, so the health rescan can run between two of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.demo.history import PlannedCustomer
from bot.demo.team import TEAM_SETTINGS
from bot.domain.enums import (
    FeedbackKind,
    ReminderKind,
    SurveyStatus,
    TicketEventKind,
    TicketSeverity,
    TicketStatus,
)
from bot.domain.sla import sla_for
from bot.services.customers import search_columns
from storage.models import Customer, Feedback, Order, Reminder, Survey, Team, Ticket, TicketEvent, Visit

LINKED_FOR = timedelta(days=200)
# What fell due earlier than this (a follow-up, a breached complaint) was pushed back then;
# later ones are pushed when the demo starts.
PUSHED_BEFORE = timedelta(hours=12)
CLOSED_AFTER = timedelta(days=7)
Within = Callable[[datetime], bool]


@dataclass
class BookWriter:
    """Turns planned customers into rows; remembers their ids between periods."""

    team_id: int
    users: dict[int, int]
    book: list[PlannedCustomer]
    now: datetime
    customer_ids: list[int] = field(default_factory=list)
    visit_ids: dict[tuple[int, int], int] = field(default_factory=dict)

    async def write_customers(self, session: AsyncSession) -> None:
        """The customers themselves, each with their pending follow-up."""
        rows = [self._customer_row(customer) for customer in self.book]
        result = await session.scalars(
            insert(Customer).returning(Customer.id, sort_by_parameter_order=True), rows
        )
        self.customer_ids = list(result)
        reminders = [
            {
                "team_id": self.team_id,
                "user_id": self.users[customer.owner],
                "customer_id": customer_id,
                "kind": ReminderKind.FOLLOW_UP.value,
                "due_at": customer.follow_up.due_at,
                "created_at": customer.follow_up.created_at,
                "notified_at": (
                    customer.follow_up.due_at
                    if customer.follow_up.due_at < self.now - PUSHED_BEFORE
                    else None
                ),
            }
            for customer, customer_id in zip(self.book, self.customer_ids, strict=True)
            if customer.follow_up is not None
        ]
        await session.execute(insert(Reminder), reminders)

    def _customer_row(self, customer: PlannedCustomer) -> dict[str, Any]:
        account = self.users.get(customer.account) if customer.account is not None else None
        return {
            "team_id": self.team_id,
            "owner_id": self.users[customer.owner],
            "name": customer.name,
            "company": customer.company,
            "phone_e164": customer.phone,
            "tier": customer.tier,
            "latitude": customer.latitude,
            "longitude": customer.longitude,
            "birthday": customer.birthday,
            "next_follow_up_at": customer.follow_up.due_at if customer.follow_up else None,
            "user_id": account,
            "linked_at": self.now - LINKED_FOR if account is not None else None,
            "created_at": customer.created_at,
            "updated_at": customer.created_at,
            **search_columns(name=customer.name, company=customer.company, e164=customer.phone),
        }

    async def write_events(self, session: AsyncSession, *, after: datetime, until: datetime) -> None:
        """Visits, orders, ratings and complaints that happened in (after, until]."""

        def within(at: datetime) -> bool:
            return after < at <= until

        await self._visits(session, within)
        orders = [
            {
                "team_id": self.team_id,
                "customer_id": customer_id,
                "rep_id": self.users[customer.owner],
                "amount": amount,
                "currency": "CNY",
                "ordered_at": at,
                "created_at": at,
            }
            for customer, customer_id in self._customers()
            for at, amount in customer.orders
            if within(at)
        ]
        if orders:
            await session.execute(insert(Order), orders)
        await self._ratings(session, within)
        await self._tickets(session, within)

    def _customers(self) -> zip[tuple[PlannedCustomer, int]]:
        return zip(self.book, self.customer_ids, strict=True)

    async def _visits(self, session: AsyncSession, within: Within) -> None:
        keys: list[tuple[int, int]] = []
        rows: list[dict[str, Any]] = []
        for index, (customer, customer_id) in enumerate(self._customers()):
            for number, visit in enumerate(customer.visits):
                if not within(visit.at):
                    continue
                keys.append((index, number))
                on_site = visit.kind == "on_site" and customer.latitude is not None
                rows.append(
                    {
                        "team_id": self.team_id,
                        "customer_id": customer_id,
                        "rep_id": self.users[customer.owner],
                        "kind": visit.kind,
                        "outcome": visit.outcome,
                        "notes": visit.notes,
                        "latitude": customer.latitude if on_site else None,
                        "longitude": customer.longitude if on_site else None,
                        "distance_m": 30.0 if on_site else None,
                        "visited_at": visit.at,
                        "created_at": visit.at,
                    }
                )
        if rows:
            ids = await session.scalars(insert(Visit).returning(Visit.id, sort_by_parameter_order=True), rows)
            self.visit_ids.update(zip(keys, ids, strict=True))

    async def _ratings(self, session: AsyncSession, within: Within) -> None:
        """Feedback rows; a linked customer's answers came through surveys, so those get one each."""
        feedback: list[dict[str, Any]] = []
        surveys: list[dict[str, Any]] = []
        for index, (customer, customer_id) in enumerate(self._customers()):
            for rating in customer.ratings:
                if not within(rating.at):
                    continue
                visit_id = self.visit_ids.get((index, rating.visit)) if rating.visit is not None else None
                feedback.append(
                    {
                        "team_id": self.team_id,
                        "customer_id": customer_id,
                        "rep_id": self.users[customer.owner],
                        "visit_id": visit_id,
                        "kind": FeedbackKind(rating.kind).value,
                        "score": rating.score,
                        "created_at": rating.at,
                    }
                )
                if customer.account is not None:
                    surveys.append(
                        {
                            "team_id": self.team_id,
                            "customer_id": customer_id,
                            "visit_id": visit_id,
                            "kind": rating.kind,
                            "status": SurveyStatus.ANSWERED.value,
                            "due_at": rating.at - timedelta(hours=1),
                            "sent_at": rating.at - timedelta(hours=1),
                            "answered_at": rating.at,
                            "created_at": rating.at - timedelta(hours=2),
                        }
                    )
        if surveys:
            survey_ids = iter(
                await session.scalars(
                    insert(Survey).returning(Survey.id, sort_by_parameter_order=True), surveys
                )
            )
            linked = {customer_id for customer, customer_id in self._customers() if customer.account}
            for row in feedback:
                if row["customer_id"] in linked:
                    row["survey_id"] = next(survey_ids)
        if feedback:
            # Rows with and without a survey differ in their keys: one INSERT each.
            for group in (
                [row for row in feedback if "survey_id" in row],
                [row for row in feedback if "survey_id" not in row],
            ):
                if group:
                    await session.execute(insert(Feedback), group)

    async def _tickets(self, session: AsyncSession, within: Within) -> None:
        """Complaints numbered in the order they came, with their SLA and history lines."""
        planned = sorted(
            (
                (ticket, customer, customer_id)
                for customer, customer_id in self._customers()
                for ticket in customer.tickets
                if within(ticket.at)
            ),
            key=lambda item: item[0].at,
        )
        if not planned:
            return
        counter = await session.scalar(
            update(Team)
            .where(Team.id == self.team_id)
            .values(ticket_counter=Team.ticket_counter + len(planned))
            .returning(Team.ticket_counter)
        )
        assert counter is not None
        first_number = counter - len(planned) + 1
        sla = sla_for(TicketSeverity.NORMAL, TEAM_SETTINGS)
        rows = []
        for number, (ticket, customer, customer_id) in enumerate(planned, start=first_number):
            respond_by, resolve_by = sla.deadlines(ticket.at)
            status = TicketStatus.OPEN
            closed_at = None
            if ticket.resolved_at is not None:
                closed_at = ticket.resolved_at + CLOSED_AFTER
                status = TicketStatus.CLOSED if closed_at < self.now else TicketStatus.RESOLVED
            elif self.now - ticket.at > timedelta(days=1):
                status = TicketStatus.IN_PROGRESS
            answered = status is not TicketStatus.OPEN
            breached = resolve_by if answered else respond_by
            escalated = ticket.resolved_at is None and breached < self.now - PUSHED_BEFORE
            rows.append(
                {
                    "team_id": self.team_id,
                    "number": number,
                    "customer_id": customer_id,
                    "opened_by_id": self.users.get(customer.account or customer.owner),
                    "category": ticket.category,
                    "severity": TicketSeverity.NORMAL.value,
                    "status": status.value,
                    "assignee_id": self.users[customer.owner],
                    "description": ticket.description,
                    "first_response_due_at": respond_by,
                    "resolve_due_at": resolve_by,
                    "first_response_at": ticket.at + timedelta(hours=2) if answered else None,
                    "resolved_at": ticket.resolved_at,
                    "escalated_at": breached if escalated else None,
                    "closed_at": closed_at if status is TicketStatus.CLOSED else None,
                    "created_at": ticket.at,
                    "updated_at": ticket.resolved_at or ticket.at,
                }
            )
        ids = list(
            await session.scalars(insert(Ticket).returning(Ticket.id, sort_by_parameter_order=True), rows)
        )
        events = [
            {
                "ticket_id": ticket_id,
                "at": row["created_at"],
                "actor_id": row["opened_by_id"],
                "kind": TicketEventKind.CREATED.value,
                "body": row["description"],
                "details": {"category": row["category"], "severity": row["severity"]},
            }
            for ticket_id, row in zip(ids, rows, strict=True)
        ]
        events += [
            {
                "ticket_id": ticket_id,
                "at": row["resolved_at"],
                "actor_id": row["assignee_id"],
                "kind": TicketEventKind.STATUS.value,
                "body": None,
                "details": {"status": TicketStatus.RESOLVED.value},
            }
            for ticket_id, row in zip(ids, rows, strict=True)
            if row["resolved_at"] is not None
        ]
        events += [
            {
                "ticket_id": ticket_id,
                "at": row["escalated_at"],
                "actor_id": None,
                "kind": TicketEventKind.ESCALATED.value,
                "body": None,
                "details": {"response_missed": row["first_response_at"] is None},
            }
            for ticket_id, row in zip(ids, rows, strict=True)
            if row["escalated_at"] is not None
        ]
        await session.execute(insert(TicketEvent), events)
