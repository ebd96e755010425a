"""How stored values read: the words for visit kinds and outcomes, stages, reminder kinds and ticket
statuses, and the small pieces of a customer's text that the card, exports and lookups share."""

from __future__ import annotations

from html import escape

from bot.i18n import N_, Translator

KIND_LABELS = {
    "on_site": N_("On-site"),
    "phone": N_("Phone"),
    "online": N_("Online"),
    "other": N_("Other"),
}
OUTCOME_LABELS = {
    "positive": N_("Positive"),
    "neutral": N_("Neutral"),
    "negative": N_("Negative"),
    "won": N_("Deal won"),
}
STAGE_LABELS = {
    "potential": N_("potential"),
    "new": N_("new"),
    "active": N_("active"),
    "loyal": N_("loyal"),
    "at_risk": N_("at risk"),
    "churned": N_("churned"),
}
REMINDER_LABELS = {
    "follow_up": N_("Follow-up"),
    "revisit": N_("Revisit"),
    "birthday": N_("Birthday"),
    "holiday": N_("Holiday greeting"),
    "custom": N_("Reminder"),
}
TICKET_STATUS_LABELS = {
    "open": N_("open"),
    "in_progress": N_("in progress"),
    "answered": N_("answered"),
    "resolved": N_("resolved"),
    "closed": N_("closed"),
}


def bold(text: str) -> str:
    """Plain text (escaped here) shown in bold."""
    return f"<b>{escape(text)}</b>"


def label(t: Translator, labels: dict[str, str], value: str | None) -> str:
    if value is None:
        return ""
    return t.gettext(labels[value]) if value in labels else value


def owner_line(t: Translator, *, owner: str | None, tier: str, stage: str) -> str:
    """Who owns the customer, its tier and stage: the card's second line, and a shared card's."""
    return t.gettext("Owner: {owner} · Tier {tier} · {stage}").format(
        owner=escape(owner or "—"), tier=escape(tier), stage=label(t, STAGE_LABELS, stage)
    )
