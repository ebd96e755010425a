"""The health rescan: scores every customer of a team in batches and says whose risk rose.

A team-wide pass over per-customer order aggregates gives the team's rhythm, the RFM quintiles and,
with a second pass over the orders as they stood one horizon ago, the team's own churn model
(numbers only, never customer rows); then customers are read by id in batches, each batch scored
from a handful of set-based reads and written back in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import churn_model, health
from bot.domain.cadence import cadence_overrides
from bot.domain.enums import FeedbackKind, RiskLevel
from storage.queries import health as queries

BATCH = 2_000
SUMMARY_BATCH = 10_000
MIN_RHYTHM_CUSTOMERS = 5
RISK_ORDER = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


@dataclass(frozen=True)
class RiskRise:
    """A customer whose risk went up in this rescan: the input of the alerts."""

    team_id: int
    customer_id: int
    before: RiskLevel
    after: RiskLevel


@dataclass
class RescanStats:
    scored: int = 0
    batches: int = 0
    rises: list[RiskRise] = field(default_factory=list)

    def add(self, other: RescanStats) -> None:
        self.scored += other.scored
        self.batches += other.batches
        self.rises.extend(other.rises)


@dataclass(frozen=True)
class TeamPicture:
    """The team's rhythm, its churn model if its history allows one, and every ordering customer's
    RFM and order aggregates, as arrays sorted by customer id."""

    rhythm: health.TeamRhythm
    ids: npt.NDArray[np.int64]
    rfm: npt.NDArray[np.int64]
    purchases: churn_model.Purchases
    model: churn_model.ChurnModel | None = None

    def _row(self, customer_id: int) -> int | None:
        at = int(np.searchsorted(self.ids, customer_id))
        return at if at < len(self.ids) and self.ids[at] == customer_id else None

    def rfm_of(self, customer_id: int) -> tuple[int, int, int] | None:
        at = self._row(customer_id)
        if at is None:
            return None
        r, f, m = self.rfm[at]
        return int(r), int(f), int(m)

    def purchase_risks(self, customer_ids: list[int]) -> dict[int, health.PurchaseRisk]:
        """The team model's verdict on those of the customers who have ordered; none without a model."""
        if self.model is None:
            return {}
        found = [
            (customer_id, row) for customer_id in customer_ids if (row := self._row(customer_id)) is not None
        ]
        if not found:
            return {}
        rows = np.array([row for _, row in found], dtype=np.int64)
        risks = health.purchase_risks(self.model, self.purchases.take(rows))
        return {customer_id: risk for (customer_id, _), risk in zip(found, risks, strict=True)}


async def rescan_all(
    session_factory: async_sessionmaker[AsyncSession], *, now: datetime, incremental: bool
) -> RescanStats:
    async with session_factory() as session:
        teams = await queries.team_ids(session)
    total = RescanStats()
    for team_id in teams:
        total.add(await rescan_team(session_factory, team_id=team_id, now=now, incremental=incremental))
    return total


async def rescan_team(
    session_factory: async_sessionmaker[AsyncSession], *, team_id: int, now: datetime, incremental: bool
) -> RescanStats:
    """Score the team's customers (with `incremental`, only those with news since their last score)."""
    stats = RescanStats()
    async with session_factory() as session:
        first = await queries.customer_batch(
            session, team_id=team_id, after_id=0, limit=BATCH, changed_only=incremental
        )
        if not first:
            return stats
        overrides = cadence_overrides(await queries.team_settings(session, team_id=team_id))
        picture = await team_picture(session, team_id=team_id, now=now)
    batch: list[queries.CustomerRow] | None = first
    after = 0
    while True:
        async with session_factory.begin() as session:
            if batch is None:
                batch = await queries.customer_batch(
                    session, team_id=team_id, after_id=after, limit=BATCH, changed_only=incremental
                )
            if batch:
                stats.rises.extend(
                    await _score_batch(
                        session, team_id=team_id, batch=batch, now=now, picture=picture, overrides=overrides
                    )
                )
        if not batch:
            break
        stats.scored += len(batch)
        stats.batches += 1
        if len(batch) < BATCH:
            break
        after = batch[-1].id
        batch = None
    return stats


async def team_picture(session: AsyncSession, *, team_id: int, now: datetime) -> TeamPicture:
    """Rhythm, RFM and the churn model from order aggregates streamed in chunks.

    Each chunk becomes a numpy array at once, so a million customers cost tens of MiB, not Python lists.
    """
    first = await queries.first_order_at(session, team_id=team_id)
    days = (
        None if first is None else churn_model.training_days(_day(first), _day(now), churn_model.HORIZON_DAYS)
    )
    then = None if days is None else now - timedelta(days=days)
    chunks: list[npt.NDArray[np.float64]] = []
    async for chunk in queries.order_summaries(
        session, team_id=team_id, chunk=SUMMARY_BATCH, until=now, then=then
    ):
        chunks.append(
            np.array(
                [
                    (
                        row.customer_id,
                        _day(row.first_at),
                        _day(row.last_at),
                        row.orders,
                        float(row.total),
                        row.then_orders,
                        _day(row.then_last_at) if row.then_last_at else 0.0,
                        float(row.then_total),
                    )
                    for row in chunk
                ],
                dtype=np.float64,
            )
        )
    table = np.concatenate(chunks) if chunks else np.zeros((0, 8))
    del chunks
    ids = table[:, 0].astype(np.int64)
    purchases = churn_model.Purchases(_day(now), *(table[:, column].copy() for column in (3, 1, 2, 4)))
    model = None
    if then is not None and days is not None:
        known = table[:, 5] > 0
        earlier = churn_model.Purchases(
            _day(then), table[known, 5], table[known, 1], table[known, 6], table[known, 7]
        )
        lapsed = purchases.last[known] <= earlier.today
        model = churn_model.learn(earlier, lapsed, horizon_days=churn_model.HORIZON_DAYS, trained_days=days)
    del table
    spaced = (purchases.orders > 1) & (purchases.last > purchases.first)
    gaps = (purchases.last - purchases.first)[spaced] / (purchases.orders[spaced] - 1)
    rhythm = health.TeamRhythm()
    if len(gaps) >= MIN_RHYTHM_CUSTOMERS:
        rhythm = health.TeamRhythm(usual_gap_days=float(np.median(gaps)))
    rfm = (
        health.rfm_scores(purchases.silence, purchases.orders, purchases.total)
        if len(ids)
        else np.zeros((0, 3), dtype=np.int64)
    )
    return TeamPicture(rhythm, ids, rfm, purchases, model)


def _day(moment: datetime) -> float:
    return moment.timestamp() / 86_400


async def _score_batch(
    session: AsyncSession,
    *,
    team_id: int,
    batch: list[queries.CustomerRow],
    now: datetime,
    picture: TeamPicture,
    overrides: dict[str, int],
) -> list[RiskRise]:
    ids = [row.id for row in batch]
    orders: dict[int, list[health.Order]] = defaultdict(list)
    for customer_id, at, amount in await queries.batch_orders(session, ids=ids):
        orders[customer_id].append(health.Order(at, Decimal(amount)))
    visits = await queries.batch_last_visits(session, ids=ids)
    ratings = await queries.batch_ratings(session, ids=ids)
    tickets: dict[int, list[health.OpenTicket]] = defaultdict(list)
    for ticket in await queries.batch_open_tickets(session, ids=ids):
        tickets[ticket.customer_id].append(
            health.OpenTicket(ticket.number, _overdue_days(ticket, now), ticket.resolve_due_at)
        )
    purchase = picture.purchase_risks(ids)
    updates: list[dict[str, Any]] = []
    rises: list[RiskRise] = []
    customers = [
        health.CustomerFacts(
            orders=tuple(orders.get(row.id, ())),
            contacts=(visits[row.id],) if row.id in visits else (),
            nps=_rating(ratings.get((row.id, FeedbackKind.NPS))),
            csat=_rating(ratings.get((row.id, FeedbackKind.CSAT))),
            tickets=tuple(tickets.get(row.id, ())),
            follow_up_due=row.next_follow_up_at,
            tier=row.tier,
            cadence=overrides,
        )
        for row in batch
    ]
    rhythms = _own_rhythms(customers, [row.id in purchase for row in batch], now=now, rhythm=picture.rhythm)
    for row, facts, own in zip(batch, customers, rhythms, strict=True):
        verdict = health.score(
            facts, now=now, rhythm=picture.rhythm, purchase=purchase.get(row.id), rhythm_of=own
        )
        rfm = picture.rfm_of(row.id)
        updates.append(
            {
                "id": row.id,
                "health_score": verdict.score,
                "risk_level": verdict.risk.value,
                "health_reasons": [reason.as_json() for reason in verdict.reasons],
                "health_computed_at": now,
                "stage": verdict.stage.value,
                "rfm_r": rfm[0] if rfm else None,
                "rfm_f": rfm[1] if rfm else None,
                "rfm_m": rfm[2] if rfm else None,
                "last_visit_at": visits.get(row.id),
                "last_order_at": max((o.at for o in facts.orders), default=None),
            }
        )
        if row.risk_level in RISK_ORDER and RISK_ORDER[verdict.risk] > RISK_ORDER[RiskLevel(row.risk_level)]:
            rises.append(RiskRise(team_id, row.id, RiskLevel(row.risk_level), verdict.risk))
    await queries.write_scores(session, rows=updates)
    return rises


def _own_rhythms(
    customers: list[health.CustomerFacts], modelled: list[bool], *, now: datetime, rhythm: health.TeamRhythm
) -> list[health.OwnRhythm | None]:
    """Own rhythms for a batch, with P(alive) only for the customers the team model does not score."""
    found: list[health.OwnRhythm | None] = [None] * len(customers)
    for alive in (True, False):
        rows = [row for row, done in enumerate(modelled) if done is not alive]
        part = health.own_rhythms([customers[row] for row in rows], now=now, rhythm=rhythm, alive=alive)
        for row, own in zip(rows, part, strict=True):
            found[row] = own
    return found


def _overdue_days(ticket: queries.TicketRow, now: datetime) -> int:
    if ticket.resolve_due_at is None or ticket.resolve_due_at >= now:
        return 0
    return max(1, (now - ticket.resolve_due_at).days)


def _rating(found: tuple[int, datetime] | None) -> health.Rating | None:
    return health.Rating(found[0], found[1]) if found else None
