"""Revisits by cadence: each team morning, overdue customers become reminders and owners get one summary.

A customer whose last visit is older than its tier's cadence (VIP 14, A 30, B 60, C 90 days unless
the team says otherwise) gets one open "revisit" reminder; logging a visit closes it. The owner is
told once per morning in a single message listing the new ones, never one push per customer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from html import escape
from itertools import groupby
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.cadence import cadence_overrides, cadence_table
from bot.domain.text import clip, one_line
from bot.i18n import Translator
from bot.outbox import payloads
from storage.queries import outbox, revisits, teams
from storage.queries.revisits import Planned

MORNING = time(9, 0)
LISTED = 10
BUTTONS = 5
MAX_NAME = 40
PUSH_PRIORITY = 4

TranslatorFor = Callable[[str | None, str], Translator]


async def plan_for_team(
    session: AsyncSession, *, team_id: int, day: date, now: datetime, translator: TranslatorFor
) -> int:
    """Plan the team's overdue revisits for `day` (its local date) and queue the summaries; pushes queued."""
    team = await teams.by_id(session, team_id)
    if team is None:
        return 0
    cadence = cadence_table(cadence_overrides(team.settings))
    due_at = datetime.combine(day, MORNING, tzinfo=ZoneInfo(team.timezone))
    if not await revisits.plan(session, team_id=team_id, cadence=cadence, due_at=due_at, now=now):
        return 0
    planned = await revisits.planned_at(session, team_id=team_id, at=now)
    pushes = []
    for owner_id, group in groupby(planned, key=lambda row: row.owner_id):
        rows = list(group)
        first = rows[0]
        if first.chat_id is None:
            continue
        t = translator(first.owner_locale or team.locale, first.owner_timezone or team.timezone)
        pushes.append(
            outbox.Push(
                dedupe_key=f"revisits:{owner_id}:{day.isoformat()}",
                chat_id=first.chat_id,
                user_id=owner_id,
                kind="revisits",
                payload=payloads.message(summary_text(t, rows, now=now), summary_keyboard(rows)),
                priority=PUSH_PRIORITY,
            )
        )
    return await outbox.enqueue_many(session, pushes=pushes, now=now)


def summary_text(t: Translator, rows: list[Planned], *, now: datetime) -> str:
    lines = [
        t.ngettext(
            "🚗 {n} customer is due a visit by your visit plan:",
            "🚗 {n} customers are due a visit by your visit plan:",
            len(rows),
        ).format(n=len(rows))
    ]
    for row in rows[:LISTED]:
        name = escape(one_line(row.customer_name, MAX_NAME))
        if row.last_visit_at is None:
            line = t.gettext("{customer} ({tier}) — never visited").format(customer=name, tier=row.tier)
        else:
            line = t.gettext("{customer} ({tier}) — last visit {ago}").format(
                customer=name, tier=row.tier, ago=t.relative(row.last_visit_at - now)
            )
        lines.append(f"• {line}")
    if len(rows) > LISTED:
        lines.append(t.gettext("…and {n} more in /today.").format(n=len(rows) - LISTED))
    return "\n".join(lines)


def summary_keyboard(rows: list[Planned]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    clip(row.customer_name, MAX_NAME), callback_data=f"cust:open:{row.customer_id}"
                )
            ]
            for row in rows[:BUTTONS]
        ]
    )
