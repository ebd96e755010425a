"""The digest put into words for one manager: short lines, exceptions first, empty sections left out.

Numbers, money, percentages and dates are formatted with Babel in the reader's locale. Shared by
the scheduled push (pushes.py) and /digest, so both read the same.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from babel.numbers import format_decimal, format_percent
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.digest import Kind, change, nps
from bot.domain.text import clip
from bot.i18n import Translator
from bot.present.charts import ChartData, Labels
from bot.services.digest import Digest, Drill
from handlers.digest.callbacks import DIGEST_NOW_LISTS, DIGEST_PERIOD_LISTS

SHOWN_REPS = 8
NAME_LIMIT = 30


def _delta(t: Translator, ratio: Decimal | None) -> str:
    """▲ 25% / ▼ 20% / ＝, or nothing when there is nothing to compare with."""
    if ratio is None:
        return ""
    if ratio == 0:
        return "＝"
    arrow = "▲" if ratio > 0 else "▼"
    return f"{arrow} {format_percent(abs(ratio), locale=t.locale)}"


def _average(t: Translator, value: Decimal) -> str:
    return str(format_decimal(value, format="#,##0.#", locale=t.locale))


def _joined(line: str, delta: str) -> str:
    return f"{line} {delta}" if delta else line


def _title(t: Translator, digest: Digest) -> str:
    team = escape(digest.team.name)
    period = digest.period
    if period.kind is Kind.DAILY:
        day = t.day(period.first, weekday=True)
        return t.gettext("📊 Daily digest · {team} · {date}").format(team=team, date=day)
    dates = t.days(period.first, period.last)
    return t.gettext("📊 Weekly digest · {team} · {dates}").format(team=team, dates=dates)


def _exceptions(t: Translator, digest: Digest) -> list[str]:
    e = digest.exceptions
    found = [
        (
            e.new_high_risk,
            t.ngettext("• {n} new high-risk customer", "• {n} new high-risk customers", e.new_high_risk),
        ),
        (e.overdue_tickets, t.ngettext("• {n} overdue ticket", "• {n} overdue tickets", e.overdue_tickets)),
        (
            e.overdue_follow_ups,
            t.ngettext("• {n} overdue follow-up", "• {n} overdue follow-ups", e.overdue_follow_ups),
        ),
    ]
    lines = [line.format(n=t.number(n)) for n, line in found if n]
    return [t.gettext("⚠️ Needs attention"), *lines] if lines else []


def _visits(t: Translator, digest: Digest) -> list[str]:
    periods = digest.period.baseline_periods
    total = sum(rep.visits for rep in digest.reps)
    baseline = Decimal(sum(rep.baseline for rep in digest.reps)) / periods
    if not total and not baseline:
        return []
    if digest.period.kind is Kind.DAILY:
        head = t.gettext("🚗 Visits today: {count} (4-week average {average})")
    else:
        head = t.gettext("🚗 Visits in the week: {count} (4-week average {average})")
    lines = [
        _joined(
            head.format(count=t.number(total), average=_average(t, baseline)),
            _delta(t, change(total, baseline)),
        )
    ]
    active = [rep for rep in digest.reps if rep.visits or rep.baseline]
    for rep in active[:SHOWN_REPS]:
        average = Decimal(rep.baseline) / periods
        line = t.gettext("• {rep}: {count} (average {average})").format(
            rep=escape(clip(rep.name, NAME_LIMIT)), count=t.number(rep.visits), average=_average(t, average)
        )
        lines.append(_joined(line, _delta(t, change(rep.visits, average))))
    hidden = len(active) - SHOWN_REPS
    if hidden > 0:
        lines.append(t.ngettext("+{n} more", "+{n} more", hidden).format(n=hidden))
    return lines


def _sales(t: Translator, digest: Digest) -> list[str]:
    s = digest.sales
    if not s.orders and not s.previous_orders:
        return []
    line = t.ngettext("💰 {n} order · {revenue}", "💰 {n} orders · {revenue}", s.orders).format(
        n=t.number(s.orders), revenue=t.money(s.revenue, digest.team.currency)
    )
    delta = _delta(t, change(s.revenue, s.previous_revenue))
    if not delta:
        return [line]
    return [t.gettext("{figures} {delta} vs last week").format(figures=line, delta=delta)]


def _satisfaction(t: Translator, digest: Digest) -> list[str]:
    s = digest.satisfaction
    parts = []
    if s.csat_answers:
        average = Decimal(s.csat_total) / s.csat_answers
        parts.append(
            t.ngettext(
                "⭐ CSAT {score} ({n} answer)", "⭐ CSAT {score} ({n} answers)", s.csat_answers
            ).format(score=_average(t, average), n=t.number(s.csat_answers))
        )
    score = nps(s.promoters, s.detractors, s.nps_answers)
    if score is not None:
        parts.append(
            t.ngettext("📣 NPS {score} ({n} answer)", "📣 NPS {score} ({n} answers)", s.nps_answers).format(
                score=f"{score:+d}", n=t.number(s.nps_answers)
            )
        )
    return [" · ".join(parts)] if parts else []


def text(t: Translator, digest: Digest) -> str:
    """The digest message: the title, then only the sections with something to say."""
    sections = [
        _exceptions(t, digest),
        _visits(t, digest),
        _new_customers(t, digest),
        _sales(t, digest),
        _satisfaction(t, digest),
        _open_tickets(t, digest),
    ]
    blocks = ["\n".join(lines) for lines in sections if lines]
    if not blocks:
        quiet = (
            t.gettext("✅ All quiet today: no visits, orders, feedback or open issues.")
            if digest.period.kind is Kind.DAILY
            else t.gettext("✅ A quiet week: no visits, orders, feedback or open issues.")
        )
        blocks = [quiet]
    return "\n\n".join([_title(t, digest), *blocks])


def _new_customers(t: Translator, digest: Digest) -> list[str]:
    n = digest.new_customers
    return [t.ngettext("👤 {n} new customer", "👤 {n} new customers", n).format(n=t.number(n))] if n else []


def _open_tickets(t: Translator, digest: Digest) -> list[str]:
    n = digest.exceptions.open_tickets
    return [t.ngettext("🎫 {n} open ticket", "🎫 {n} open tickets", n).format(n=t.number(n))] if n else []


def keyboard(t: Translator, digest: Digest) -> InlineKeyboardMarkup | None:
    """One button per list worth opening, two to a row."""
    e, period = digest.exceptions, digest.period

    def over_period(what: Drill) -> str:
        return DIGEST_PERIOD_LISTS[what].data(period=period.kind, first=period.first)

    candidates = [
        (e.new_high_risk, t.gettext("🔥 High risk ({n})"), over_period(Drill.RISK)),
        (e.overdue_tickets, t.gettext("🎫 Overdue tickets ({n})"), DIGEST_NOW_LISTS[Drill.TICKETS].data()),
        (
            e.overdue_follow_ups,
            t.gettext("⏰ Overdue follow-ups ({n})"),
            DIGEST_NOW_LISTS[Drill.FOLLOW_UPS].data(),
        ),
        (sum(r.visits for r in digest.reps), t.gettext("🚗 Visits ({n})"), over_period(Drill.VISITS)),
        (digest.new_customers, t.gettext("👤 New customers ({n})"), over_period(Drill.NEW)),
        (digest.sales.orders, t.gettext("💰 Orders ({n})"), over_period(Drill.ORDERS)),
    ]
    buttons = [
        InlineKeyboardButton(label.format(n=t.number(n)), callback_data=data)
        for n, label, data in candidates
        if n
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup(rows) if rows else None


def render(t: Translator, digest: Digest) -> tuple[str, InlineKeyboardMarkup | None]:
    return text(t, digest), keyboard(t, digest)


def chart_labels(t: Translator, digest: Digest) -> Labels:
    return Labels(
        title=t.gettext("{team}: the last 14 days").format(team=digest.team.name),
        visits_title=t.gettext("Visits per rep"),
        visits_axis=t.gettext("Visits"),
        revenue_title=t.gettext("Revenue per day"),
        revenue_axis=digest.team.currency,
        days=[t.day(day) for day in digest.chart_days],
    )


def chart_data(digest: Digest) -> ChartData:
    return ChartData(visits=digest.chart_visits, revenue=digest.chart_revenue)


def caption(t: Translator, digest: Digest) -> str:
    return t.gettext("📈 Visits per rep and revenue, last 14 days")
