"""How a survey reads: the question with its score buttons, and the staff's one alert on a low score."""

from __future__ import annotations

from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import Application

from bot.domain import phones
from bot.domain import surveys as rules
from bot.domain.enums import SurveyKind
from bot.domain.text import clip
from bot.i18n import Translator
from bot.outbox import payloads
from bot.runtime.pushes import render_with
from bot.services.surveys import LowScore, SurveyQuestion
from handlers.card.links import open_customer_markup
from handlers.reminder.pushes import push_keyboard as follow_up_keyboard
from handlers.survey.callbacks import SURVEY_SCORE

MAX_NAME = 80


def question_text(t: Translator, question: SurveyQuestion) -> str:
    if question.kind == SurveyKind.NPS:
        return t.gettext(
            "📣 How likely are you to recommend {team} to a friend or colleague?\n"
            "0 = not at all likely, 10 = extremely likely."
        ).format(team=f"<b>{escape(clip(question.team_name, MAX_NAME))}</b>")
    day = t.day(question.visited_at, weekday=True) if question.visited_at is not None else ""
    if question.rep_name:
        head = t.gettext("⭐ How was the visit from {rep} ({team}) on {date}?").format(
            rep=escape(clip(question.rep_name, MAX_NAME)),
            team=escape(clip(question.team_name, MAX_NAME)),
            date=day,
        )
    else:
        head = t.gettext("⭐ How was our visit on {date}?").format(date=day)
    return head + "\n" + t.gettext("Please rate it from 1 (very poor) to 5 (excellent).")


def question_keyboard(survey_id: int, kind: str) -> InlineKeyboardMarkup:
    """Score buttons: 1–5 on a row, or 0–10 on two."""

    def row(scores: range) -> list[InlineKeyboardButton]:
        return [
            InlineKeyboardButton(str(s), callback_data=SURVEY_SCORE.data(survey_id=survey_id, score=s))
            for s in scores
        ]

    if kind == SurveyKind.NPS:
        return InlineKeyboardMarkup([row(range(0, 6)), row(range(6, 11))])
    return InlineKeyboardMarkup([row(rules.CSAT_RANGE)])


def question_payload(question: SurveyQuestion, t: Translator) -> dict[str, Any]:
    return payloads.message(question_text(t, question), question_keyboard(question.survey_id, question.kind))


def alert_text(t: Translator, alert: LowScore) -> str:
    """The staff's one alert on a low score: the score, the customer's words if they gave any, and,
    for the rep, that a follow-up is waiting and the number to call."""
    name = f"<b>{escape(clip(alert.customer_name, MAX_NAME))}</b>"
    score = alert.score
    if alert.kind == SurveyKind.CSAT:
        head = t.gettext("⚠️ {customer} rated the visit on {date} only {score}/5.").format(
            customer=name, score=score, date=t.day(alert.answered_at)
        )
    else:
        head = t.gettext("📣 {customer} gave an NPS of {score}/10: a detractor.").format(
            customer=name, score=score
        )
    lines = [head]
    if alert.comment is not None:
        lines.append(t.gettext("In their words: “{comment}”").format(comment=escape(alert.comment)))
    if alert.rep_name is not None:
        lines.append(t.gettext("Rep: {rep}").format(rep=escape(alert.rep_name)))
    if alert.follow_up_id is not None:
        lines.append(
            t.gettext(
                "📌 A follow-up is in your reminders; a call could win them back. Press Done once you "
                "have spoken to them."
            )
        )
    if alert.phone:
        lines.append(f"📞 {phones.display(alert.phone)}")
    return "\n".join(lines)


def alert_keyboard(t: Translator, alert: LowScore) -> InlineKeyboardMarkup:
    """The rep's follow-up buttons (Done, snooze, Open customer), or just Open customer."""
    if alert.follow_up_id is not None:
        return follow_up_keyboard(t, alert.follow_up_id, alert.customer_id)
    return open_customer_markup(t, alert.customer_id)


def alert_payload(alert: LowScore, t: Translator) -> dict[str, Any]:
    return payloads.message(alert_text(t, alert), alert_keyboard(t, alert))


def register(application: Application) -> None:  # type: ignore[type-arg]
    render_with(application, SurveyQuestion, question_payload)
    render_with(application, LowScore, alert_payload)
