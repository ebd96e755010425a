"""Health verdicts in words: risk labels and reasons in the reader's language.

Reasons are stored as {"code": ..., "params": {...}} (bot.domain.health.Reason). Each code has a
literal gettext/ngettext call below so pybabel extracts it with its plural forms; an unknown code
or malformed params render as nothing rather than as a broken sentence.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.i18n import N_, Translator

RISK_LABELS = {"low": N_("low risk"), "medium": N_("medium risk"), "high": N_("high risk")}


def risk_label(t: Translator, level: str | None) -> str:
    return t.gettext(RISK_LABELS[level]) if level in RISK_LABELS else "—"


def _day(t: Translator, iso: str) -> str:
    """'Nov 2' / '11月2日' in the reader's zone; reasons stored before moments were kept hold a date."""
    if len(iso) == len("2026-11-02"):
        return t.day(date.fromisoformat(iso))
    return t.day(datetime.fromisoformat(iso))


def _render(t: Translator, code: str, p: dict[str, Any]) -> str | None:
    match code:
        case "no_order" if int(p["usual"]) <= 1:
            return t.ngettext(
                "No order for {days} day; usually one a day.",
                "No order for {days} days; usually one a day.",
                int(p["days"]),
            ).format(days=int(p["days"]))
        case "no_order":
            return t.ngettext(
                "No order for {days} day; usually one every {usual} days.",
                "No order for {days} days; usually one every {usual} days.",
                int(p["days"]),
            ).format(days=int(p["days"]), usual=int(p["usual"]))
        case "one_order":
            return t.ngettext(
                "A single order so far, {days} day ago.",
                "A single order so far, {days} days ago.",
                int(p["days"]),
            ).format(days=int(p["days"]))
        case "few_orders":
            return t.ngettext(
                "Orders rarely: {orders} in {months} month.",
                "Orders rarely: {orders} in {months} months.",
                int(p["months"]),
            ).format(orders=int(p["orders"]), months=int(p["months"]))
        case "small_orders":
            return t.gettext(
                "Small orders: {average} on average; the team's typical order is {typical}."
            ).format(average=t.number(float(p["average"])), typical=t.number(float(p["typical"])))
        case "no_order_ever":
            return t.gettext("No order yet.")
        case "no_visit":
            return t.ngettext("No visit for {days} day.", "No visit for {days} days.", int(p["days"])).format(
                days=int(p["days"])
            )
        case "low_nps":
            return t.gettext("NPS {score} on {date}.").format(score=int(p["score"]), date=_day(t, p["date"]))
        case "low_csat":
            return t.gettext("CSAT {score}/5 on {date}.").format(
                score=int(p["score"]), date=_day(t, p["date"])
            )
        case "ticket_overdue" if "due" in p:
            return t.gettext("Complaint #{number} overdue by {late}.").format(
                number=int(p["number"]), late=t.overdue(datetime.fromisoformat(p["due"]))
            )
        case "ticket_overdue":
            return t.ngettext(
                "Complaint #{number} overdue by {days} day.",
                "Complaint #{number} overdue by {days} days.",
                int(p["days"]),
            ).format(number=int(p["number"]), days=int(p["days"]))
        case "open_tickets":
            return t.ngettext("{n} open complaint.", "{n} open complaints.", int(p["n"])).format(
                n=int(p["n"])
            )
        case "orders_declining":
            return t.gettext("Spending is down {percent}%.").format(percent=int(p["percent"]))
        case "follow_up_overdue" if "due" in p:
            return t.gettext("A follow-up is overdue by {late}.").format(
                late=t.overdue(datetime.fromisoformat(p["due"]))
            )
        case "follow_up_overdue":
            return t.ngettext(
                "A follow-up is overdue by {days} day.",
                "A follow-up is overdue by {days} days.",
                int(p["days"]),
            ).format(days=int(p["days"]))
    return None


def reason_text(t: Translator, reason: object) -> str | None:
    """One stored reason as a sentence, or None when it cannot be read."""
    if not isinstance(reason, dict) or not isinstance(reason.get("code"), str):
        return None
    params = reason.get("params") or {}
    try:
        return _render(t, reason["code"], params if isinstance(params, dict) else {})
    except (KeyError, TypeError, ValueError):
        return None


def reason_texts(t: Translator, reasons: list[Any], limit: int = 3) -> list[str]:
    return [text for reason in reasons if (text := reason_text(t, reason))][:limit]
