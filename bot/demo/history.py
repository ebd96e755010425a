"""A year of the demo team's field work, made up but realistic and the same on every run.

One seeded RNG decides every customer's buying pattern, visits, ratings, complaints and follow-ups;
times are local working hours counted back from `now`, and nothing lands after `now` except the
follow-ups still to come. The patterns are the ones reps meet, so the health rescan finds at-risk
customers for plain reasons: silence against their own rhythm, shrinking orders, a detractor
score, an overdue complaint, a missed follow-up or a visit long overdue.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.demo.names import NamePool
from bot.demo.team import NAMED_CUSTOMERS, REPS, TIMEZONE, NamedCustomer
from bot.domain.cadence import cadence_days

T = TypeVar("T")
SEED = 20_261_124
CUSTOMERS_PER_REP = 50
NEWS = 2
WORKDAY_START = time(9, 0)
WORKDAY_MINUTES = 9 * 60


class Pattern(StrEnum):
    """How a customer buys over the year."""

    STEADY = "steady"
    LOYAL = "loyal"
    FADING = "fading"
    DECLINING = "declining"
    NEW = "new"
    POTENTIAL = "potential"
    LAPSED = "lapsed"


PATTERN_WEIGHTS = {
    Pattern.STEADY: 40,
    Pattern.LOYAL: 12,
    Pattern.FADING: 10,
    Pattern.DECLINING: 8,
    Pattern.NEW: 10,
    Pattern.POTENTIAL: 10,
    Pattern.LAPSED: 10,
}
NAMED_PATTERNS = (
    Pattern.STEADY,
    Pattern.STEADY,
    Pattern.FADING,
    Pattern.DECLINING,
    Pattern.LOYAL,
    Pattern.LAPSED,
)
TIER_WEIGHTS = {"VIP": 5, "A": 20, "B": 40, "C": 35}
ORDER_GAP_DAYS = {"VIP": 10, "A": 18, "B": 30, "C": 45}
ORDER_SIZE = {"VIP": 25_000, "A": 9_000, "B": 3_500, "C": 1_200}
CSAT_WEIGHTS = {5: 45, 4: 35, 3: 12, 2: 5, 1: 3}
NPS_WEIGHTS = {10: 30, 9: 30, 8: 18, 7: 10, 6: 4, 5: 3, 4: 2, 3: 1.5, 2: 0.5, 1: 0.5, 0: 0.5}
KIND_WEIGHTS = {"on_site": 60, "phone": 30, "online": 10}
OUTCOME_WEIGHTS = {"positive": 45, "neutral": 30, "negative": 10, "won": 15}
NOTES = {
    "en": (
        "Checked the shelf stock; reorder next week.",
        "Owner asked for the new price list.",
        "Tasted the new line, liked the spicy one.",
        "Complained about late delivery last month.",
        "Wants a better discount for bulk orders.",
        "Introduced us to their sister shop.",
    ),
    "zh_Hans": (
        "检查了货架库存，下周补货。",
        "老板要新的价目表。",
        "试吃了新品，喜欢辣味的。",
        "抱怨上个月送货晚了。",
        "希望大单能多给折扣。",
        "介绍了他们的姐妹店。",
    ),
}
COMPLAINTS = {
    "en": (
        ("delivery", "The last delivery came two days late and the boxes were wet."),
        ("product", "Half of the last batch was past its best-before date."),
        ("billing", "We were charged twice for the March invoice."),
    ),
    "zh_Hans": (
        ("delivery", "上次送货晚了两天，箱子还湿了。"),
        ("product", "上一批货有一半过了保质期。"),
        ("billing", "三月的发票被重复收费了。"),
    ),
}


@dataclass(frozen=True, slots=True)
class PlannedVisit:
    at: datetime
    kind: str
    outcome: str
    notes: str | None


@dataclass(frozen=True, slots=True)
class PlannedRating:
    at: datetime
    kind: str
    score: int
    visit: int | None = None


@dataclass(frozen=True, slots=True)
class PlannedTicket:
    at: datetime
    category: str
    description: str
    resolved_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PlannedFollowUp:
    due_at: datetime
    created_at: datetime


@dataclass
class PlannedCustomer:
    """One customer and everything that happened with them, oldest first."""

    owner: int
    name: str
    company: str | None
    phone: str
    tier: str
    latitude: float | None
    longitude: float | None
    pattern: Pattern
    created_at: datetime
    account: int | None = None
    birthday: date | None = None
    visits: list[PlannedVisit] = field(default_factory=list)
    orders: list[tuple[datetime, Decimal]] = field(default_factory=list)
    ratings: list[PlannedRating] = field(default_factory=list)
    tickets: list[PlannedTicket] = field(default_factory=list)
    follow_up: PlannedFollowUp | None = None


class Calendar:
    """Local working-hour instants counted back from `now` in the team's time zone."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.zone = ZoneInfo(TIMEZONE)
        self.today = now.astimezone(self.zone).date()

    def at(self, days_ago: float, minute: int) -> datetime:
        """Local day `days_ago` before today, `minute` minutes into the working day, in UTC."""
        day = self.today - timedelta(days=round(days_ago))
        start = datetime.combine(day, WORKDAY_START, tzinfo=self.zone)
        return start.astimezone(self.now.tzinfo) + timedelta(minutes=minute)


def plan(now: datetime) -> list[PlannedCustomer]:
    """The whole customer book of the demo team as of `now`, named customers first."""
    rng = random.Random(SEED)
    calendar = Calendar(now)
    names = NamePool(rng)
    book: list[PlannedCustomer] = []
    for named, pattern in zip(NAMED_CUSTOMERS, NAMED_PATTERNS, strict=True):
        book.append(_named(named, pattern, rng, calendar))
    for rep in REPS:
        owned = sum(1 for customer in book if customer.owner == rep.telegram_id)
        chinese_share = 0.85 if rep.locale == "zh_Hans" else 0.35
        for _ in range(CUSTOMERS_PER_REP - owned):
            drawn = names.draw(chinese=rng.random() < chinese_share)
            tier = _pick(rng, TIER_WEIGHTS)
            located = rng.random() < 0.85
            book.append(
                _history(
                    PlannedCustomer(
                        owner=rep.telegram_id,
                        name=drawn.name,
                        company=drawn.company,
                        phone=_phone(len(book), rng),
                        tier=tier,
                        latitude=round(31.2304 + rng.uniform(-0.12, 0.12), 5) if located else None,
                        longitude=round(121.4737 + rng.uniform(-0.15, 0.15), 5) if located else None,
                        pattern=_pick(rng, PATTERN_WEIGHTS),
                        created_at=now,
                    ),
                    rng,
                    calendar,
                    locale=rep.locale,
                )
            )
    _birthdays(book, rng, calendar)
    _news(book, rng, calendar)
    return book


def _named(named: NamedCustomer, pattern: Pattern, rng: random.Random, calendar: Calendar) -> PlannedCustomer:
    customer = PlannedCustomer(
        owner=named.owner,
        name=named.name,
        company=named.company,
        phone=named.phone,
        tier=named.tier,
        latitude=named.latitude,
        longitude=named.longitude,
        pattern=pattern,
        created_at=calendar.now,
        account=named.account,
    )
    locale = next(rep.locale for rep in REPS if rep.telegram_id == named.owner)
    _history(customer, rng, calendar, locale=locale)
    if named.account is not None:
        # A happy promoter a few weeks ago, so the next NPS question is not due yet.
        customer.ratings.append(PlannedRating(calendar.at(40, 300), "nps", 9))
    return customer


def _history(
    customer: PlannedCustomer, rng: random.Random, calendar: Calendar, *, locale: str
) -> PlannedCustomer:
    """Fill in orders, visits, ratings, tickets and the next follow-up by the customer's pattern."""
    pattern, tier = customer.pattern, customer.tier
    gap = ORDER_GAP_DAYS[tier] * rng.uniform(0.7, 1.3) * (0.6 if pattern is Pattern.LOYAL else 1.0)
    first = rng.randint(10, 60) if pattern in (Pattern.NEW, Pattern.POTENTIAL) else rng.randint(300, 365)
    stop = 0
    if pattern is Pattern.FADING:
        stop = rng.randint(int(3 * gap), int(3 * gap) + 60)
    elif pattern is Pattern.LAPSED:
        stop = rng.randint(200, 280)
    customer.created_at = calendar.at(first + rng.randint(1, 20), rng.randrange(WORKDAY_MINUTES))
    if pattern is not Pattern.POTENTIAL:
        _orders(customer, rng, calendar, first=first, stop=stop, gap=gap)
    neglected = rng.random() < 0.1
    _visits(customer, rng, calendar, first=first, stop=stop, neglected=neglected, locale=locale)
    _ratings(customer, rng, calendar, troubled=rng.random() < 0.04)
    _tickets(customer, rng, calendar, locale=locale)
    roll = rng.random()
    if roll < 0.35:
        # Most follow-ups are still to come; about one customer in eighty has one the rep let slip.
        days_ago = rng.uniform(1, 10) if roll < 0.012 else rng.uniform(-14, 0)
        due = calendar.at(days_ago, rng.randrange(60, 8 * 60))
        customer.follow_up = PlannedFollowUp(due, min(due, calendar.now) - timedelta(days=rng.randint(3, 10)))
    return customer


def _orders(
    customer: PlannedCustomer, rng: random.Random, calendar: Calendar, *, first: int, stop: int, gap: float
) -> None:
    days_ago = float(first)
    while days_ago >= stop:
        amount = ORDER_SIZE[customer.tier] * rng.lognormvariate(0, 0.25)
        if customer.pattern is Pattern.DECLINING and days_ago < 100:
            amount *= 0.35
        at = calendar.at(days_ago, rng.randrange(WORKDAY_MINUTES))
        if at <= calendar.now:
            customer.orders.append((at, Decimal(round(amount, -1)).quantize(Decimal("0.01"))))
        days_ago -= gap * rng.uniform(0.75, 1.25)


def _visits(
    customer: PlannedCustomer,
    rng: random.Random,
    calendar: Calendar,
    *,
    first: int,
    stop: int,
    neglected: bool,
    locale: str,
) -> None:
    cadence = cadence_days(customer.tier)
    last = max(stop - rng.randint(0, 30), 0)
    if neglected:
        last = max(last, round(cadence * rng.uniform(1.3, 2.0)))
    days_ago = float(first + rng.randint(0, 5))
    while days_ago >= last:
        at = calendar.at(days_ago, rng.randrange(WORKDAY_MINUTES))
        if at <= calendar.now:
            notes = rng.choice(NOTES[locale]) if rng.random() < 0.4 else None
            customer.visits.append(
                PlannedVisit(at, _pick(rng, KIND_WEIGHTS), _pick(rng, OUTCOME_WEIGHTS), notes)
            )
        days_ago -= cadence * rng.uniform(0.3, 0.6)


def _ratings(customer: PlannedCustomer, rng: random.Random, calendar: Calendar, *, troubled: bool) -> None:
    for index, visit in enumerate(customer.visits):
        if rng.random() < 0.35:
            at = visit.at + timedelta(hours=rng.randint(2, 6))
            if at <= calendar.now:
                customer.ratings.append(PlannedRating(at, "csat", _pick(rng, CSAT_WEIGHTS), index))
    if rng.random() < 0.7:
        days_ago = float(rng.randint(0, 90))
        while days_ago < 365 and calendar.at(days_ago, 0) > customer.created_at:
            at = calendar.at(days_ago, rng.randrange(WORKDAY_MINUTES))
            if at <= calendar.now:
                customer.ratings.append(PlannedRating(at, "nps", _pick(rng, NPS_WEIGHTS)))
            days_ago += 90
    if troubled:
        at = calendar.at(rng.randint(0, 40), rng.randrange(WORKDAY_MINUTES))
        if at <= calendar.now:
            customer.ratings.append(PlannedRating(at, "nps", rng.randint(1, 4)))
    customer.ratings.sort(key=lambda rating: rating.at)


def _tickets(customer: PlannedCustomer, rng: random.Random, calendar: Calendar, *, locale: str) -> None:
    """Buying customers complain now and then: a few have a complaint open, more an old settled one."""
    category, description = rng.choice(COMPLAINTS[locale])
    roll = rng.random() if customer.orders else 1.0
    if roll < 0.02:
        at = calendar.at(rng.randint(0, 5), rng.randrange(WORKDAY_MINUTES))
        customer.tickets.append(PlannedTicket(at, category, description))
    elif roll < 0.15:
        at = calendar.at(rng.randint(30, 300), rng.randrange(WORKDAY_MINUTES))
        customer.tickets.append(
            PlannedTicket(at, category, description, at + timedelta(hours=rng.randint(5, 60)))
        )


def _news(book: list[PlannedCustomer], rng: random.Random, calendar: Calendar) -> None:
    """Bad news since yesterday for two buying customers, a visit that went badly and was rated 2
    and a detractor score: a healthy team's day has a little of it, not a flood."""
    buying = [c for c in book[len(NAMED_CUSTOMERS) :] if c.orders and c.pattern is not Pattern.LAPSED]
    for number, customer in enumerate(rng.sample(buying, NEWS)):
        at = calendar.now - timedelta(minutes=rng.randint(30, 20 * 60))
        if number == 0:
            customer.visits.append(PlannedVisit(at - timedelta(hours=2), "on_site", "negative", None))
            customer.ratings.append(PlannedRating(at, "csat", 2, len(customer.visits) - 1))
        else:
            customer.ratings.append(PlannedRating(at, "nps", rng.randint(2, 4)))


def _birthdays(book: list[PlannedCustomer], rng: random.Random, calendar: Calendar) -> None:
    """About a third have a known birthday; two fall today, so the morning has greetings to send."""
    today = calendar.today
    for index, customer in enumerate(book):
        if index in (7, 61):
            # 1988 was a leap year, so 29 February works too.
            customer.birthday = date(1988, today.month, today.day)
        elif rng.random() < 0.3:
            customer.birthday = date(rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28))


def _phone(index: int, rng: random.Random) -> str:
    return f"+861{rng.choice('3589')}{rng.randrange(10)}{index:08d}"


def _pick(rng: random.Random, weights: Mapping[T, float]) -> T:
    return rng.choices(list(weights), weights=list(weights.values()))[0]
