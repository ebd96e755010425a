"""The tables, as SQLAlchemy 2 declarative models.

Conventions that hold everywhere:

* times are `UTCDateTime` (aware UTC in Python on both backends); compare them with a bound
  aware datetime (the explicit `now`), not `func.now()`, as SQLite stores them as text;
* money is Numeric(14, 2) read as Decimal, next to a 3-letter currency;
* enum-like columns are String(16) with a CHECK listing `bot.domain.enums` values;
* relationships are `lazy="raise"`: under asyncio an implicit lazy load cannot run, so a
  query states what it loads (`selectinload`, `joinedload`) and a forgotten one fails loudly;
* Alembic owns the schema (storage/migrations); a change here needs a revision there.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
    true,
)
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.domain import names
from bot.domain.enums import (
    FeedbackKind,
    HandoverVia,
    InboxStatus,
    OutboxStatus,
    ReminderKind,
    ReminderStatus,
    RiskAnswer,
    RiskLevel,
    Stage,
    SurveyKind,
    SurveyStatus,
    TicketEventKind,
    TicketSeverity,
    TicketStatus,
    Tier,
    TransferStatus,
    VisitKind,
    VisitOutcome,
)
from bot.domain.roles import Role
from storage.db import utcnow
from storage.types import UTCDateTime

# Deterministic constraint names: Alembic's batch mode on SQLite recreates tables and
# can only drop or alter a constraint it can name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Autoincrementing keys of the tables that grow without bound; SQLite only autoincrements
# an INTEGER PRIMARY KEY, PostgreSQL gets a bigint.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(AsyncAttrs, DeclarativeBase):
    """Declarative base: the naming convention and which column type each Python type gets."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        date: Date(),
        Decimal: Numeric(14, 2),
        float: Double(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


def one_of(column: str, values: type[StrEnum]) -> CheckConstraint:
    """A CHECK keeping a short-string enum column to its known values (NULL passes)."""
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=column)


class Timestamps:
    """created_at and updated_at; updated_at moves on ORM flushes and Core update() alike."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, server_default=func.now())


class Team(Timestamps, Base):
    """A sales team: its clock, currency and tunables (digest time, cadence, SLA in `settings`)."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai", server_default="Asia/Shanghai")
    currency: Mapped[str] = mapped_column(String(3), default="CNY", server_default="CNY")
    phone_region: Mapped[str] = mapped_column(String(2), default="CN", server_default="CN")
    locale: Mapped[str | None] = mapped_column(String(8))
    settings: Mapped[dict[str, Any]] = mapped_column(MutableDict.as_mutable(JSON()), default=dict)
    # Last ticket number handed out; bumped with an UPDATE so numbers stay gap-free per team.
    ticket_counter: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # use_alter: teams and users reference each other.
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", use_alter=True)
    )


class User(Timestamps, Base):
    """Anyone who has talked to the bot; `role` NULL means a stranger with no access."""

    __tablename__ = "users"
    __table_args__ = (
        one_of("role", Role),
        Index("ix_users_team_role", "team_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    first_name: Mapped[str] = mapped_column(String(128))
    last_name: Mapped[str | None] = mapped_column(String(128))
    username: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(16))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    blocked_bot: Mapped[bool] = mapped_column(default=False, server_default=false())
    last_seen_at: Mapped[datetime | None]

    team: Mapped[Team | None] = relationship(foreign_keys=[team_id], lazy="raise")
    manager: Mapped[User | None] = relationship(remote_side=[id], foreign_keys=[manager_id], lazy="raise")

    @property
    def full_name(self) -> str:
        return names.full_name(self.first_name, self.last_name)


class Invite(Base):
    """A one-time invitation link; only the sha256 of its token is kept."""

    __tablename__ = "invites"
    __table_args__ = (one_of("role", Role),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]

    team: Mapped[Team] = relationship(lazy="raise")


class AuditLog(Base):
    """Who did what to whom: profile views, edits, exports, erasures, transfers, role changes."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_team_at", "team_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


customer_tags = Table(
    "customer_tags",
    Base.metadata,
    Column("customer_id", ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(Base):
    """A team's own label for segmenting customers ("wholesale", "北区")."""

    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())


class Customer(Timestamps, Base):
    """A customer account, owned by one rep of one team; scores are refreshed by set-based jobs."""

    __tablename__ = "customers"
    __table_args__ = (
        one_of("tier", Tier),
        one_of("stage", Stage),
        one_of("risk_level", RiskLevel),
        CheckConstraint("health_score BETWEEN 0 AND 100", name="health_score_range"),
        CheckConstraint(
            "rfm_r BETWEEN 1 AND 5 AND rfm_f BETWEEN 1 AND 5 AND rfm_m BETWEEN 1 AND 5", name="rfm_range"
        ),
        Index("ix_customers_team_owner", "team_id", "owner_id"),
        Index("ix_customers_team_phone", "team_id", "phone_e164"),
        Index("ix_customers_team_phone_last4", "team_id", "phone_last4"),
        # The newest customers of a team, where substring search looks.
        Index("ix_customers_team_id", "team_id", "id"),
        # Prefix search (LIKE 'zh%'): PostgreSQL needs pattern ops unless the collation is C.
        Index("ix_customers_team_name", "team_id", "name", postgresql_ops={"name": "varchar_pattern_ops"}),
        Index(
            "ix_customers_team_pinyin",
            "team_id",
            "name_pinyin",
            postgresql_ops={"name_pinyin": "varchar_pattern_ops"},
        ),
        Index(
            "ix_customers_team_initials",
            "team_id",
            "name_initials",
            postgresql_ops={"name_initials": "varchar_pattern_ops"},
        ),
        Index(
            "ix_customers_team_company",
            "team_id",
            "company_key",
            postgresql_ops={"company_key": "varchar_pattern_ops"},
        ),
        Index("ix_customers_owner_follow_up", "owner_id", "next_follow_up_at"),
        Index("ix_customers_team_health", "team_id", "health_score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    # Lower-case pinyin ("zhangsan", no spaces) and initials ("zs") so a rep can type Latin letters.
    name_pinyin: Mapped[str | None] = mapped_column(String(400))
    name_initials: Mapped[str | None] = mapped_column(String(64))
    company: Mapped[str | None] = mapped_column(String(200))
    # Folded company ("acmetrading") for prefix search, and the phone's last four digits.
    company_key: Mapped[str | None] = mapped_column(String(200))
    phone_e164: Mapped[str | None] = mapped_column(String(20))
    phone_last4: Mapped[str | None] = mapped_column(String(4))
    address: Mapped[str | None] = mapped_column(String(500))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    birthday: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)
    tier: Mapped[str] = mapped_column(String(16), default=Tier.B, server_default=Tier.B)
    stage: Mapped[str] = mapped_column(String(16), default=Stage.POTENTIAL, server_default=Stage.POTENTIAL)
    health_score: Mapped[int | None] = mapped_column(SmallInteger)
    risk_level: Mapped[str | None] = mapped_column(String(16))
    # Why the score is what it is, as message ids with parameters, rendered in the reader's language.
    health_reasons: Mapped[list[Any]] = mapped_column(default=list)
    health_computed_at: Mapped[datetime | None]
    rfm_r: Mapped[int | None] = mapped_column(SmallInteger)
    rfm_f: Mapped[int | None] = mapped_column(SmallInteger)
    rfm_m: Mapped[int | None] = mapped_column(SmallInteger)
    last_visit_at: Mapped[datetime | None]
    last_order_at: Mapped[datetime | None]
    next_follow_up_at: Mapped[datetime | None]
    # The customer's own Telegram account, once they open their personal link.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), unique=True)
    link_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    linked_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]
    # No risk alerts before this: set by "Snooze 7 days" and "Not a risk" on an alert.
    risk_muted_until: Mapped[datetime | None]

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], lazy="raise")
    account: Mapped[User | None] = relationship(foreign_keys=[user_id], lazy="raise")
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", passive_deletes=True, lazy="raise"
    )
    tags: Mapped[list[Tag]] = relationship(secondary=customer_tags, lazy="raise")


class Contact(Base):
    """A person at a customer: buyer, owner, accountant."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    phone_e164: Mapped[str | None] = mapped_column(String(20), index=True)
    title: Mapped[str | None] = mapped_column(String(100))
    birthday: Mapped[date | None]
    is_primary: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())

    customer: Mapped[Customer] = relationship(back_populates="contacts", lazy="raise")


class Visit(Base):
    """A logged visit; `client_ref` makes logging idempotent when Telegram redelivers an update."""

    __tablename__ = "visits"
    __table_args__ = (
        one_of("kind", VisitKind),
        one_of("outcome", VisitOutcome),
        Index("ix_visits_customer_visited", "customer_id", "visited_at"),
        Index("ix_visits_rep_visited", "rep_id", "visited_at"),
        Index("ix_visits_team_visited", "team_id", "visited_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16), default=VisitKind.ON_SITE, server_default=VisitKind.ON_SITE)
    outcome: Mapped[str | None] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text)
    photo_file_id: Mapped[str | None] = mapped_column(String(255))
    voice_file_id: Mapped[str | None] = mapped_column(String(255))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    accuracy_m: Mapped[float | None]
    # Distance from the customer's stored location at check-in, for the "were you there" check.
    distance_m: Mapped[float | None]
    visited_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    client_ref: Mapped[str | None] = mapped_column(String(64), unique=True)

    customer: Mapped[Customer] = relationship(lazy="raise")
    rep: Mapped[User] = relationship(lazy="raise")


class Order(Base):
    """An order as the rep reports it; `client_ref` works as for visits."""

    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_customer_ordered", "customer_id", "ordered_at"),
        Index("ix_orders_rep_ordered", "rep_id", "ordered_at"),
        Index("ix_orders_team_ordered", "team_id", "ordered_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    # NULL for imported orders nobody logged.
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    ordered_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    client_ref: Mapped[str | None] = mapped_column(String(64), unique=True)

    customer: Mapped[Customer] = relationship(lazy="raise")
    rep: Mapped[User | None] = relationship(lazy="raise")


class Survey(Base):
    """A CSAT or NPS question scheduled for a customer; the scheduler sends those due."""

    __tablename__ = "surveys"
    __table_args__ = (
        one_of("kind", SurveyKind),
        one_of("status", SurveyStatus),
        UniqueConstraint("visit_id", "kind"),
        Index("ix_surveys_status_due", "status", "due_at"),
        Index("ix_surveys_customer_kind", "customer_id", "kind"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    visit_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("visits.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(
        String(16), default=SurveyStatus.SCHEDULED, server_default=SurveyStatus.SCHEDULED
    )
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())


class Feedback(Base):
    """A CSAT/NPS score or a free-text remark from a customer."""

    __tablename__ = "feedback"
    __table_args__ = (
        one_of("kind", FeedbackKind),
        CheckConstraint(
            "(kind = 'csat' AND score IS NOT NULL AND score BETWEEN 1 AND 5)"
            " OR (kind = 'nps' AND score IS NOT NULL AND score BETWEEN 0 AND 10)"
            " OR (kind = 'text' AND score IS NULL)",
            name="score_range",
        ),
        UniqueConstraint("visit_id", "kind"),
        Index("ix_feedback_team_created", "team_id", "created_at"),
        Index("ix_feedback_customer_created", "customer_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    # The rep responsible at the time, so later transfers do not rewrite history.
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    visit_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("visits.id", ondelete="SET NULL"))
    survey_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("surveys.id", ondelete="SET NULL"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    score: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    photo_file_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    # The message that gave the remark (see Visit.client_ref).
    client_ref: Mapped[str | None] = mapped_column(String(64), unique=True)

    customer: Mapped[Customer | None] = relationship(lazy="raise")


class Ticket(Timestamps, Base):
    """A complaint with an SLA; `number` is what people quote, unique within the team."""

    __tablename__ = "tickets"
    __table_args__ = (
        one_of("severity", TicketSeverity),
        one_of("status", TicketStatus),
        UniqueConstraint("team_id", "number"),
        Index("ix_tickets_team_status", "team_id", "status"),
        Index("ix_tickets_customer_created", "customer_id", "created_at"),
        Index("ix_tickets_assignee_status", "assignee_id", "status"),
        Index("ix_tickets_status_first_response_due", "status", "first_response_due_at"),
        Index("ix_tickets_status_resolve_due", "status", "resolve_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    number: Mapped[int]
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The detractor score that opened it, if any.
    feedback_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("feedback.id", ondelete="SET NULL")
    )
    category: Mapped[str] = mapped_column(String(32), default="other", server_default="other")
    severity: Mapped[str] = mapped_column(
        String(16), default=TicketSeverity.NORMAL, server_default=TicketSeverity.NORMAL
    )
    status: Mapped[str] = mapped_column(
        String(16), default=TicketStatus.OPEN, server_default=TicketStatus.OPEN
    )
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(Text)
    photo_file_id: Mapped[str | None] = mapped_column(String(255))
    first_response_due_at: Mapped[datetime | None]
    resolve_due_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # The message that filed the complaint (see Visit.client_ref).
    client_ref: Mapped[str | None] = mapped_column(String(64), unique=True)

    customer: Mapped[Customer] = relationship(lazy="raise")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="raise")
    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket",
        order_by="TicketEvent.at",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="raise",
    )


class TicketEvent(Base):
    """One line of a ticket's history: replies both ways, status changes, escalations."""

    __tablename__ = "ticket_events"
    __table_args__ = (
        one_of("kind", TicketEventKind),
        Index("ix_ticket_events_ticket_at", "ticket_id", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))
    body: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The message relayed, for replies either way and notes (see Visit.client_ref).
    client_ref: Mapped[str | None] = mapped_column(String(64), unique=True)

    ticket: Mapped[Ticket] = relationship(back_populates="events", lazy="raise")


class Reminder(Base):
    """Something to do at a time. `due_at` is when it next fires (a snooze moves it and clears
    `notified_at`); the scheduler enqueues rows that are pending or snoozed, due, and not notified."""

    __tablename__ = "reminders"
    __table_args__ = (
        one_of("kind", ReminderKind),
        one_of("status", ReminderStatus),
        # The scheduler's scan: open, not yet notified, due; notified rows left open stay out of it.
        Index("ix_reminders_status_notified_due", "status", "notified_at", "due_at"),
        Index("ix_reminders_user_status_due", "user_id", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(
        String(16), default=ReminderStatus.PENDING, server_default=ReminderStatus.PENDING
    )
    snoozed_until: Mapped[datetime | None]
    notified_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())

    customer: Mapped[Customer | None] = relationship(lazy="raise")


class RiskAlert(Base):
    """A risk rise that was pushed. The 7-day cooldown reads these; the answer is kept so the
    model can be checked against what reps judged ("not a risk")."""

    __tablename__ = "risk_alerts"
    __table_args__ = (
        one_of("level", RiskLevel),
        one_of("previous_level", RiskLevel),
        one_of("answer", RiskAnswer),
        Index("ix_risk_alerts_customer_level_created", "customer_id", "level", "created_at"),
        Index("ix_risk_alerts_team_created", "team_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    # The owner when it was raised; a later transfer does not rewrite who was told.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    level: Mapped[str] = mapped_column(String(16))
    previous_level: Mapped[str] = mapped_column(String(16))
    score: Mapped[int] = mapped_column(SmallInteger)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    answer: Mapped[str | None] = mapped_column(String(16))
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Handover(Base):
    """One move of customers to new owners: a leaving rep's book, a transfer from the card, an
    approved request or a risk alert's Reassign. The successors' "all customers" lists read it."""

    __tablename__ = "handovers"
    __table_args__ = (
        one_of("via", HandoverVia),
        Index("ix_handovers_team_created", "team_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    # The leaving rep of a whole book; NULL when single customers moved.
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    via: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())


class HandoverCustomer(Base):
    """Who had a customer before a handover and who has it since; written in one insert, then
    the customers, reminders and tickets follow it in a few set-based UPDATEs."""

    __tablename__ = "handover_customers"
    __table_args__ = (Index("ix_handover_customers_handover_to", "handover_id", "to_user_id"),)

    handover_id: Mapped[int] = mapped_column(ForeignKey("handovers.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class TransferRequest(Base):
    """A rep's request, from the duplicate guard, to take over a teammate's customer; a manager
    approves or refuses it, and the first decision wins."""

    __tablename__ = "transfer_requests"
    __table_args__ = (
        one_of("status", TransferStatus),
        Index("ix_transfer_requests_customer_requester", "customer_id", "requester_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The owner when it was asked, so the decision can say whose customer it was.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(
        String(16), default=TransferStatus.PENDING, server_default=TransferStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Outbox(Base):
    """A message to send later: `payload` holds the Bot API method and its parameters.

    `dedupe_key` makes enqueueing idempotent across restarts and replicas; lower `priority`
    goes first; `claimed_at` lets a sender recover rows left in "sending" by a crash.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        one_of("status", OutboxStatus),
        Index("ix_outbox_status_not_before_priority", "status", "not_before", "priority"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]]
    priority: Mapped[int] = mapped_column(SmallInteger, default=5, server_default=text("5"))
    status: Mapped[str] = mapped_column(
        String(16), default=OutboxStatus.PENDING, server_default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    not_before: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    sent_at: Mapped[datetime | None]


class Inbox(Base):
    """Raw webhook updates, keyed by Telegram's update_id so a redelivery is a no-op."""

    __tablename__ = "inbox"
    __table_args__ = (
        one_of("status", InboxStatus),
        Index("ix_inbox_status_update", "status", "update_id"),
    )

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]]
    received_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    status: Mapped[str] = mapped_column(
        String(16), default=InboxStatus.PENDING, server_default=InboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(Text)
    processed_at: Mapped[datetime | None]


class PersistedConversation(Base):
    """A ConversationHandler state; `key` is the JSON text of PTB's key tuple."""

    __tablename__ = "persistence_conversations"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[Any] = mapped_column(JSON())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, server_default=func.now())


class PersistedUserData(Base):
    """PTB's user_data of one Telegram user."""

    __tablename__ = "persistence_user_data"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, server_default=func.now())


class PersistedChatData(Base):
    """PTB's chat_data of one chat."""

    __tablename__ = "persistence_chat_data"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, server_default=func.now())
