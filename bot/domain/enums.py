"""The values of the short-string "enum" columns.

Stored as plain strings with CHECK constraints rather than native PostgreSQL enums, so a
new value is a small portable migration. Importable without SQLAlchemy.
"""

from enum import StrEnum


class Tier(StrEnum):
    """Customer value tier; sets the visit cadence."""

    VIP = "VIP"
    A = "A"
    B = "B"
    C = "C"


class Stage(StrEnum):
    """Lifecycle stage, derived from history."""

    POTENTIAL = "potential"
    NEW = "new"
    ACTIVE = "active"
    LOYAL = "loyal"
    AT_RISK = "at_risk"
    CHURNED = "churned"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class RiskAnswer(StrEnum):
    """What the recipient of a risk alert did about it; "not_a_risk" feeds calibration."""

    VISIT_SCHEDULED = "visit_scheduled"
    SNOOZED = "snoozed"
    NOT_A_RISK = "not_a_risk"
    REASSIGNED = "reassigned"


class VisitKind(StrEnum):
    ON_SITE = "on_site"
    PHONE = "phone"
    ONLINE = "online"
    OTHER = "other"


class VisitOutcome(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"
    WON = "won"


class FeedbackKind(StrEnum):
    """CSAT scores 1–5, NPS 0–10, text has no score."""

    CSAT = "csat"
    NPS = "nps"
    TEXT = "text"


class SurveyKind(StrEnum):
    CSAT = "csat"
    NPS = "nps"


class SurveyStatus(StrEnum):
    SCHEDULED = "scheduled"
    SENT = "sent"
    ANSWERED = "answered"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class TicketStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    RESOLVED = "resolved"
    CLOSED = "closed"


class TicketSeverity(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class TicketEventKind(StrEnum):
    CREATED = "created"
    ASSIGNED = "assigned"
    REPLY_IN = "reply_in"
    REPLY_OUT = "reply_out"
    STATUS = "status"
    ESCALATED = "escalated"
    REOPENED = "reopened"
    NOTE = "note"


class ReminderKind(StrEnum):
    FOLLOW_UP = "follow_up"
    REVISIT = "revisit"
    BIRTHDAY = "birthday"
    HOLIDAY = "holiday"
    CUSTOM = "custom"


class ReminderStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    SNOOZED = "snoozed"
    CANCELLED = "cancelled"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"


class InboxStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class TransferStatus(StrEnum):
    """A rep's request to take over a teammate's customer, as a manager left it."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    # Overtaken by events: the customer moved or was erased, or the requester left.
    VOID = "void"


class HandoverVia(StrEnum):
    """Which action moved customers to new owners."""

    HANDOVER = "handover"
    CARD = "card"
    REQUEST = "request"
    RISK_ALERT = "risk_alert"


class AuditAction(StrEnum):
    """Known audit actions; the column is open-ended (no CHECK) so features can add their own."""

    ROLE_GRANTED = "role.granted"
    TEAM_CREATED = "team.created"
    CUSTOMER_VIEWED = "customer.viewed"
    CUSTOMER_EDITED = "customer.edited"
    EXPORT = "export"
    ERASE = "erase"
    TRANSFER = "transfer"
    CUSTOMER_REASSIGNED = "customer.reassigned"
    HANDOVER = "handover"
    TRANSFER_REQUESTED = "transfer.requested"
    TRANSFER_APPROVED = "transfer.approved"
    TRANSFER_REFUSED = "transfer.refused"
    USER_DEACTIVATED = "user.deactivated"
